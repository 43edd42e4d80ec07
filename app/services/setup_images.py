"""The department's shared image folder, asked for when the workstations share a server.

The database holds the reads; their images and plate crops are files in a content-addressed
folder (app.data.images) that the database does not hold. With a department server every
workstation must use the same folder, or an image saved on one is missing on all the others.
This module checks the supervisor's answer: a full path, to a folder that is there, that this
workstation may create and delete files in, and, when joining, that holds the database's images.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from app.data.images import ImageStore
from app.domain.errors import ValidationError
from app.services.setup_check import DatabaseCheck, DatabaseState

EXAMPLES = (r"a network share such as \\server\platedesk-images, or the folder where the share is mounted, "
            "such as /mnt/platedesk-images")
PROBE_PREFIX = ".platedesk-write-test-"


@dataclass(frozen=True)
class ImageFolderCheck:
    """What a look at the image folder found: a `problem` stops the set-up, a `warning` does not."""

    folder: Path | None
    problem: str = ""
    warning: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def image_folder_path(answer: str) -> Path:
    """The typed folder as a full path, or ValidationError. Nothing is looked at yet."""
    text = answer.strip()
    if not text:
        raise ValidationError("Enter the department's shared image folder: read images and plate crops are kept "
                              "there, and every workstation must use the same folder.")
    path = Path(text).expanduser()
    # A relative path would depend on wherever Plate Desk happens to be started from.
    if not path.is_absolute():
        raise ValidationError(f"Give the image folder's full path: {EXAMPLES}.")
    return path


def check_image_folder(answer: str, database: DatabaseCheck | None = None) -> ImageFolderCheck:
    """Whether Plate Desk can keep its images in the typed folder, in a sentence for the supervisor.

    It must exist (the set-up does not create a network share) and this workstation must be able
    to create and delete files in it: a probe folder and file are written and deleted at once. With
    the `database` a joining workstation found, a folder that holds none of the images that
    database names earns a warning: probably not the folder the other workstations use.
    """
    try:
        folder = image_folder_path(answer)
    except ValidationError as exc:
        return ImageFolderCheck(None, str(exc))
    problem = _unusable(folder)
    if problem:
        return ImageFolderCheck(folder, problem)
    return ImageFolderCheck(folder, warning=_missing_images(folder, database))


def _unusable(folder: Path) -> str:
    try:
        if not folder.is_dir():
            if folder.exists():
                return f"{folder} is a file, not a folder. Choose the department's shared image folder."
            return (f"The image folder {folder} does not exist, or this workstation cannot reach it. Check the path, "
                    "and that the network share is connected (mounted) on this workstation.")
    except OSError as exc:
        return f"This workstation cannot reach the image folder {folder}: {exc.strerror or exc}."
    try:
        # As the image store does: a sub-folder, a file in it, and a purge deletes both.
        probe = Path(tempfile.mkdtemp(prefix=PROBE_PREFIX, dir=folder))
        written = probe / "probe"
        try:
            written.write_bytes(b"Plate Desk checks that it may write here; this file is deleted at once.\n")
        finally:
            written.unlink(missing_ok=True)
            probe.rmdir()
    except OSError as exc:
        return (f"Plate Desk cannot create and delete files in the image folder {folder} "
                f"({exc.strerror or exc}). The account Plate Desk runs under on each workstation needs permission "
                "to create, change and delete files there.")
    return ""


def _missing_images(folder: Path, database: DatabaseCheck | None) -> str:
    if database is None or database.state is not DatabaseState.CONFIGURED or not database.image_sample:
        return ""
    store = ImageStore(folder)
    try:
        if any(store.exists(sha) for sha in database.image_sample):
            return ""
    except OSError:
        return ""  # the probe worked a moment ago; a hiccup is no reason to warn
    images = f"{database.images:,} stored image" + ("" if database.images == 1 else "s")
    return (f"The database already has {images} (read images and plate crops), but {folder} does not hold "
            "them. Is it the folder the other workstations use? If not, go back and choose theirs: otherwise "
            "this workstation cannot show the images of earlier reads.")
