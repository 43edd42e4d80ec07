"""`packet`: build an evidence packet and export it as a bag; verify a bag (no log-in)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.cli.common import EXIT_FAILED, EXIT_OK, stderr_progress
from app.jobs import CancelToken
from app.services.bags import verify_bag
from app.services.packets import DEFAULT_PURPOSE

BUILD_HELP = """\
Build the evidence packet of a case (its held reads) and write it as a BagIt bag.

The bag is a new folder INSIDE --out, named CASE_PACKET-ID (for example
/media/usb/GPD-26-1107_PKT-20261127-120000-3F9A); --out is created if missing and
may be the root of removable media. The bag's path is printed on standard output;
give that folder to `packet verify`. Needs the evidence technician's roles
(build packets, export to media)."""


def register(commands) -> None:
    packet = commands.add_parser("packet", help="evidence packets: build and export, verify a bag")
    sub = packet.add_subparsers(dest="packet_command", metavar="ACTION", required=True)

    build = sub.add_parser("build", help="build a case's packet and export it as a bag inside --out",
                           description=BUILD_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    build.add_argument("--case", required=True, metavar="NUMBER")
    build.add_argument("--out", required=True, type=Path, metavar="DIR",
                       help="folder (or media) in which the bag folder CASE_PACKET-ID is created")
    build.add_argument("--read", dest="reads", type=int, nargs="+", action="extend", metavar="ID",
                       help="only these of the case's held reads (default: all of them)")
    build.add_argument("--purpose", default=DEFAULT_PURPOSE)
    build.add_argument("--json", action="store_true", help="print one JSON object describing the bag")
    build.set_defaults(handler=_build)

    verify = sub.add_parser("verify", help="check a bag: the first missing, extra or changed file; no log-in",
                            description="Check a packet bag against its manifests. Exits 0 when every file "
                                        "is intact, 1 naming the first missing, extra or changed file.")
    verify.add_argument("bag", type=Path, metavar="DIR", help="the bag folder that `packet build` printed")
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(handler=_verify, needs_login=False, needs_database=False)


def _build(args, services, caller) -> int:
    packets = services.packets
    progress = (lambda _p: None) if args.json or not sys.stderr.isatty() else stderr_progress()
    cancel = CancelToken()
    built = packets.build(caller, args.case, args.reads, purpose=args.purpose, cancel=cancel, progress=progress)
    try:
        bag = packets.export(caller, built, args.out, cancel=cancel, progress=progress)
    finally:
        built.discard()
    if args.json:
        print(json.dumps({"bag": str(bag.path), "packet_id": built.packet_id, "case": built.case_number,
                          "reads": len(built.read_ids), "pages": built.page_count, "files": bag.files,
                          "pdf_sha256": built.pdf_sha256, "tagmanifest_sha256": bag.tagmanifest_sha256,
                          "warnings": built.warnings}))
    else:
        print(bag.path)
        print(f"packet {built.packet_id}: {len(built.read_ids)} reads, {built.page_count} pages, {bag.files} files; "
              f"PDF SHA-256 {built.pdf_sha256}", file=sys.stderr)
        for warning in built.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    return EXIT_OK


def _verify(args, services, caller) -> int:
    report = verify_bag(args.bag)
    if args.json:
        print(json.dumps({"bag": str(report.path), "ok": report.ok, "files": report.files,
                          "problem": report.problem or None, "problems": report.problems,
                          "packet_id": (report.info or {}).get("Packet-Id"),
                          "case": (report.info or {}).get("Case-Number")}))
    if report.ok:
        if not args.json:
            print(report.describe())
        return EXIT_OK
    print(f"error: {report.describe()}", file=sys.stderr)
    return EXIT_FAILED

