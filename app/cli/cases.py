"""`case`: cases and evidence holds, as in shared/CLI.md."""
from __future__ import annotations

import json
import sys
from dataclasses import replace

from app.cli.common import EXIT_OK
from app.services.cases import CaseService


def register(commands) -> None:
    case = commands.add_parser("case", help="cases and evidence holds (Policy 424.4)")
    sub = case.add_subparsers(dest="case_command", metavar="ACTION", required=True)

    create = sub.add_parser("create", help="open a case")
    create.add_argument("number", metavar="NUMBER", help="the case number, e.g. GPD-26-1107")
    create.add_argument("--title", required=True)
    create.add_argument("--lead", metavar="USER", help="the lead investigator's user name (default: you)")
    create.set_defaults(handler=_create)

    add = sub.add_parser("add", help="add reads to a case: each is placed on evidence hold")
    add.add_argument("number", metavar="NUMBER")
    add.add_argument("--read", dest="reads", type=int, nargs="+", action="extend", required=True, metavar="ID",
                     help="read ids (from `search --json`); repeatable")
    add.add_argument("--reason", default="", help="why the reads are held (default: evidence in this case)")
    add.set_defaults(handler=_add)

    listing = sub.add_parser("list", help="list the cases with their reads and holds")
    listing.add_argument("--json", action="store_true", help="one JSON object per case")
    listing.set_defaults(handler=_list)


def service(services) -> CaseService:
    return services.cases


def _create(args, services, caller) -> int:
    case = service(services).create_case(caller, args.number, args.title, lead=args.lead)
    print(f"case {case.number} created: {case.title} (lead {case.lead})")
    return EXIT_OK


def _add(args, services, caller) -> int:
    caller = replace(caller, case_number=args.number)
    result = service(services).add_reads(caller, args.number, args.reads, reason=args.reason)
    print(f"{len(result.added)} reads placed on hold in case {args.number}"
          + (f"; {len(result.already_held)} were already held" if result.already_held else ""))
    return EXIT_OK


def _list(args, services, caller) -> int:
    cases = service(services).list_cases(caller)
    for case in cases:
        row = {"number": case.number, "title": case.title, "lead": case.lead, "created_by": case.created_by,
               "created_at": case.created_at.isoformat(timespec="seconds") + "Z", "reads": case.reads,
               "held": case.held}
        if args.json:
            print(json.dumps(row))
        else:
            print(f"{case.number:<20} {case.held:>5} held / {case.reads:<5} {row['created_at']}  "
                  f"{case.lead or '-':<16} {case.title}")
    if not args.json:
        print(f"{len(cases)} cases", file=sys.stderr)
    return EXIT_OK
