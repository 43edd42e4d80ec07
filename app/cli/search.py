"""`search`: historical search, as in shared/CLI.md."""
from __future__ import annotations

import json
import sys
from dataclasses import replace

from app.cli.common import EXIT_OK, UsageError, instant, point
from app.domain.search import DEFAULT_LIMIT, SearchCriteria


def register(commands) -> None:
    search = commands.add_parser("search", help="historical search (dispatchers, corporals, detectives)")
    search.add_argument("--plate", help="plate or partial plate: ? one character, * any run")
    search.add_argument("--fuzzy", action="store_true", help="also match OCR look-alikes (O/0/D/Q, B/8, ...)")
    search.add_argument("--near", type=point, help="LAT,LON of a canvass centre")
    search.add_argument("--radius-m", type=float, help="canvass radius in metres")
    search.add_argument("--from", dest="start", type=instant, help="ISO 8601; without an offset, UTC")
    search.add_argument("--to", dest="end", type=instant, help="ISO 8601; without an offset, UTC")
    search.add_argument("--state", help="two-letter state")
    search.add_argument("--purpose", required=True)
    search.add_argument("--case", required=True)
    search.add_argument("--limit", type=int, default=DEFAULT_LIMIT)
    search.add_argument("--json", action="store_true")
    search.set_defaults(handler=_search)


def _search(args, services, caller) -> int:
    if (args.near is None) != (args.radius_m is None):
        raise UsageError("--near and --radius-m go together")
    criteria = SearchCriteria(plate=args.plate, fuzzy=args.fuzzy, state=args.state, start=args.start,
                              end=args.end, near=args.near, radius_m=args.radius_m, limit=args.limit)
    result = services.search.search(replace(caller, purpose=args.purpose, case_number=args.case), criteria)
    for hit in result.hits:
        row = {
            "id": hit.id, "plate": hit.plate, "state": hit.state,
            "captured_at": hit.captured_at.isoformat(timespec="seconds") + "Z", "lat": hit.lat, "lon": hit.lon,
            "source": hit.source, "confidence": round(hit.confidence, 4), "fuzzy": hit.fuzzy,
        }
        if args.json:
            if hit.fuzzy:
                row["differences"] = hit.differences
            print(json.dumps(row))
        else:
            mark = f"  fuzzy: {hit.differences}" if hit.fuzzy else ""
            print(f"{hit.id:>9}  {row['captured_at']}  {hit.plate:<9} {hit.state or '--':<3}"
                  f"{hit.lat:>10.5f} {hit.lon:>11.5f}  {hit.confidence:.2f}  {hit.source}{mark}")
    if not args.json:
        more = f" (more matched; showing the newest {args.limit})" if result.truncated else ""
        print(f"{len(result.hits)} reads{more}", file=sys.stderr)
    return EXIT_OK
