"""Evidence exports as BagIt bags (RFC 8493), written whole or not at all, and their check.

A bag is assembled in a hidden temporary folder beside its destination, fsynced, renamed
into place in one step and made read-only: a crash or a pulled drive leaves either no bag
or a whole one (plus, at worst, a hidden `.plate-desk-partial-*` folder that the next
export to the same place removes). `verify_bag` needs no database: anyone holding the
media can check it.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

import bagit

from app.domain.errors import PlateDeskError, ValidationError
from app.jobs import CancelToken, Progress, ProgressCallback, no_progress

PARTIAL_PREFIX = ".plate-desk-partial-"
TAG_FILES = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt")


class BagError(PlateDeskError):
    pass


@dataclass(frozen=True)
class BagReport:
    ok: bool
    path: Path
    files: int = 0                  # payload files checked
    problem: str = ""               # the first missing, extra or changed file, when not ok
    problems: int = 0
    info: dict[str, str] | None = None

    def describe(self) -> str:
        if self.ok:
            info = self.info or {}
            what = ", ".join(f"{k} {info[v]}" for k, v in (("packet", "Packet-Id"), ("case", "Case-Number"))
                             if info.get(v))
            return f"bag verified: {self.files} files intact" + (f" ({what})" if what else "")
        more = f" ({self.problems - 1} more problem{'s' if self.problems > 2 else ''})" if self.problems > 1 else ""
        return f"bag {self.path} failed verification: {self.problem}{more}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _fsync_tree(root: Path) -> None:
    for folder, _dirs, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(folder))


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # Windows cannot open a folder; its rename is durable enough
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def make_read_only(root: Path) -> None:
    for folder, dirs, files in os.walk(root, topdown=False):
        for name in files:
            os.chmod(os.path.join(folder, name), stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        os.chmod(folder, stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)


def remove_tree(root: Path) -> None:
    """Remove a folder even when it was made read-only (deleting a file needs a writable folder)."""
    if root.exists():
        for folder, _dirs, _files in os.walk(root):
            os.chmod(folder, stat.S_IRWXU)
        shutil.rmtree(root)


def remove_stale_partials(parent: Path) -> None:
    for stale in parent.glob(PARTIAL_PREFIX + "*"):
        if stale.is_dir():
            remove_tree(stale)


def write_bag(payload: list[tuple[Path, str]], parent: Path, name: str, info: dict[str, str], *,
              cancel: CancelToken | None = None, progress: ProgressCallback = no_progress) -> Path:
    """Write `payload` ((source file, path inside data/) pairs) as the bag `parent/name`.

    Returns the bag's path. Raises ValidationError when that path exists already.
    """
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    final = parent / name
    if final.exists():
        raise ValidationError(f"{final} exists already; choose another folder.")
    remove_stale_partials(parent)
    work = Path(tempfile.mkdtemp(prefix=PARTIAL_PREFIX, dir=parent))
    try:
        total = len(payload)
        for done, (source, inside) in enumerate(payload):
            if cancel is not None:
                cancel.raise_if_cancelled()
            target = work / inside
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            progress(Progress(done + 1, total, "Copying files"))
        # make_bag moves everything into data/ and writes the manifests and bag-info.txt.
        bagit.make_bag(str(work), bag_info=dict(info), processes=1, checksums=["sha256"])
        _fsync_tree(work)
        if cancel is not None:
            cancel.raise_if_cancelled()
        os.rename(work, final)
        _fsync_dir(parent)
    except BaseException:
        remove_tree(work)
        raise
    make_read_only(final)
    return final


def tagmanifest_sha256(bag: Path) -> str:
    return _sha256(Path(bag) / "tagmanifest-sha256.txt")


def verify_bag(path: Path) -> BagReport:
    """Check a bag against its manifests; name the first missing, extra or changed file.

    Problems are reported in the order tag files, missing, extra, changed, each sorted by
    path, so the same damage always gives the same first sentence.
    """
    root = Path(path)
    if not root.is_dir():
        return BagReport(False, root, problem=f"{root} is not a folder", problems=1)
    try:
        bag = bagit.Bag(str(root))
    except bagit.BagError as exc:
        return BagReport(False, root, problem=f"not a readable bag: {exc}", problems=1)
    if "sha256" not in bag.algorithms:
        return BagReport(False, root, problem="the bag has no manifest-sha256.txt", problems=1)

    problems: list[str] = []
    tags = {}
    tag_manifest = root / "tagmanifest-sha256.txt"
    if not tag_manifest.exists():
        problems.append("missing: tagmanifest-sha256.txt")
    else:
        for line in tag_manifest.read_text(encoding="utf-8").splitlines():
            if line.strip():
                digest, _, name = line.strip().partition(" ")
                tags[name.strip().lstrip("*")] = digest.lower()
    for name in sorted(tags):
        file = root / name
        if not file.exists():
            problems.append(f"missing: {name}")
        elif _sha256(file) != tags[name]:
            problems.append(f"changed: {name} (its SHA-256 differs from tagmanifest-sha256.txt)")
    for file in sorted(p for p in root.iterdir() if p.is_file()):
        if file.name not in tags and file.name != "tagmanifest-sha256.txt":
            problems.append(f"extra: {file.name} (in no manifest)")

    expected = {name: hashes["sha256"] for name, hashes in bag.payload_entries().items()}
    present = {p.relative_to(root).as_posix() for p in (root / "data").rglob("*") if p.is_file() or p.is_symlink()}
    missing = sorted(set(expected) - present)
    extra = sorted(present - set(expected))
    problems += [f"missing: {name}" for name in missing]
    problems += [f"extra: {name} (not in manifest-sha256.txt)" for name in extra]
    checked = 0
    for name in sorted(set(expected) & present):
        checked += 1
        if _sha256(root / name) != expected[name].lower():
            problems.append(f"changed: {name} (its SHA-256 differs from manifest-sha256.txt)")
    info = {k: (v if isinstance(v, str) else "; ".join(v)) for k, v in bag.info.items()}
    if problems:
        return BagReport(False, root, checked, problems[0], len(problems), info)
    try:
        bag.validate(processes=1)  # the library's own reading of RFC 8493 (Payload-Oxum, bagit.txt)
    except bagit.BagValidationError as exc:
        return BagReport(False, root, checked, f"not a valid bag: {exc.message}", 1, info)
    return BagReport(True, root, checked, info=info)
