"""`extract`: read plates from videos and photos, as in shared/CLI.md; `--save` stores them.

    extract FILE_OR_DIR … [--json] [--save --start ISO --at LAT,LON --source NAME --case C --purpose TEXT]

Every file and folder is read in one run with one OCR model. Even a run that saves nothing
reaches ALPR data, so it needs a log-in and writes an "extract" access record. A file that
cannot be decoded is skipped with a `warning:` line on standard error and the others are
read; when none can be, the run fails.
"""
from __future__ import annotations

import json
import sys
import warnings
from dataclasses import replace
from pathlib import Path

from app.cli.common import EXIT_OK, UsageError, instant, point, stderr_progress
from app.jobs import no_progress

SAVE_OPTIONS = (("start", "--start"), ("at", "--at"), ("source", "--source"), ("case", "--case"),
                ("purpose", "--purpose"))


def register(commands) -> None:
    extract = commands.add_parser("extract", help="read plates from videos and photos (one model for all files)")
    extract.add_argument("paths", nargs="+", metavar="FILE_OR_DIR", help="videos (mp4, avi, mov, mkv), photos or folders")
    extract.add_argument("--json", action="store_true", help="one JSON object per read, nothing else on stdout")
    extract.add_argument("--save", action="store_true", help="store the reads (needs the five options below)")
    extract.add_argument("--start", type=instant, help="when the recording started, ISO 8601; without an offset, UTC")
    extract.add_argument("--at", type=point, help="LAT,LON of the place the recording was made")
    extract.add_argument("--source", help="name of the camera, unit or witness the files come from")
    extract.add_argument("--case", help="case or incident number")
    extract.add_argument("--purpose", help="purpose of the extraction (Policy 424.5(b))")
    extract.set_defaults(handler=_extract)


def service_of(services):
    return services.extraction


def _extract(args, services, caller) -> int:
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    if args.save:
        absent = [flag for name, flag in SAVE_OPTIONS if not getattr(args, name)]
        if absent:
            raise UsageError(f"--save needs {', '.join(absent)}")
    caller = replace(caller, purpose=(args.purpose or "").strip(), case_number=(args.case or "").strip())
    service = service_of(services)
    from app.services.extraction import ReviewedRead, hash_files

    # Standard error carries one `error:` line on failure (shared/CLI.md), not torch's deprecation notes.
    warnings.filterwarnings("ignore", module=r"torch(\.|$)")
    progress = stderr_progress() if sys.stderr.isatty() else no_progress
    files = hash_files(args.paths)
    if any(not f.problem for f in files):  # else the error line below names them all
        for f in files:
            if f.problem:
                print(f"warning: {f.path} is skipped: {f.problem}", file=sys.stderr)
    reads = service.extract(caller, [f.path for f in files], progress, files=files)
    ids: list[int | None] = [None] * len(reads)
    if args.save and reads:
        ids = service.save(caller, [ReviewedRead(r) for r in reads], args.start, args.at, args.source)
    for read, read_id in zip(reads, ids):
        row = {"file": read.file, "plate": read.plate, "confidence": round(read.confidence, 4),
               "frame": read.frame, "t_video_s": read.t_video_s, "box": list(read.box)}
        if read_id is not None:
            row["id"] = read_id
        if args.json:
            print(json.dumps(row))
        else:
            saved = f"  id {read_id}" if read_id is not None else ""
            print(f"{Path(read.file).name}  frame {read.frame:>6}  {read.t_video_s:>8.2f} s  "
                  f"{read.plate:<9} {read.confidence:.2f}{saved}")
    if not args.json:
        note = f", {len([i for i in ids if i is not None])} saved" if args.save else ""
        skipped = sum(1 for f in files if f.problem)
        note += f", {skipped} skipped" if skipped else ""
        print(f"{len(reads)} reads from {len(files) - skipped} files{note}", file=sys.stderr)
    return EXIT_OK
