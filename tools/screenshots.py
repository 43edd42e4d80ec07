"""Make every screenshot of the user guides (docs/guide/img/) again, from the real application.

    make screenshots                      # the same as:
    nice -n 10 .venv/bin/python tools/screenshots.py [--reads N] [--only NAME ...] [--keep]

Offscreen (QT_QPA_PLATFORM=offscreen), on a fresh demo data folder in a scratch folder
(/tmp/platedesk-guide, removed afterwards unless --keep): the demo users and demo reads of
`make run` (fewer reads, for speed), the guide's burglary case on top (tools/guide_story.py),
a fixed clock, seed, time zone and scratch path, so the pictures come out the same each run.
Each demo role logs in through the real log-in window and services, acknowledges Policy 424 in
the real dialog, and works in the real main window at 1280×800; before each picture every
worker has finished. The map has no tile server here, so it shows its offline grid and the
cameras. A dialog is saved with a plain title bar, as a window manager would draw it; PNGs
are reduced to 256 colours (--lossless keeps them whole).

Screens this build does not have yet (the first-run set-up, the About box) are skipped with
a note. Takes about two and a half minutes on a quiet two-core machine (longer beside other
work), much of it the real OCR model reading a dash-camera clip and Argon2 checking passwords.
"""
from __future__ import annotations

import argparse
import itertools
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Before Qt or the app load: offscreen, one pixel per pixel, Glendora's time zone.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["QT_ENABLE_HIGHDPI_SCALING"] = "0"
os.environ["QT_SCALE_FACTOR"] = "1"
os.environ["TZ"] = "America/Los_Angeles"
time.tzset()

from tools import guide_scenes, guide_story as story  # noqa: E402
from tools.guide_scenes import WORKSTATION, folder_keyring  # noqa: E402

WINDOW = (1280, 800)
DEFAULT_READS = 100_000
OUT = ROOT / "docs" / "guide" / "img"
SCRATCH = Path(tempfile.gettempdir()) / "platedesk-guide"
MARKER = ".made-by-tools-screenshots"


class ScriptClock:
    """The services' clock: a fixed start, one second more at each reading. Records keep their
    order, and every run shows the same times whatever the machine's speed."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self._ticks = itertools.count()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=next(self._ticks))

    def local(self) -> datetime:
        """The clock's time on the workstation's wall (naive local), as the GUI shows it."""
        return self().replace(tzinfo=timezone.utc).astimezone().replace(tzinfo=None)


def steady(clock: ScriptClock) -> None:
    """Three things on screen do not come from the services' clock: the audit page stamps a
    verification with the workstation's time, a packet's id ends in four random hex digits,
    and ReportLab writes the time and a random id into every PDF (whose SHA-256 is shown).
    Give them the demo clock, a seeded generator and ReportLab's repeatable mode, so the
    pictures stay the same from run to run."""
    import random

    from reportlab import rl_config

    from app.services import packets
    from app.ui.audit import audit_panel

    class DemoTime(datetime):
        @classmethod
        def now(cls, tz=None):
            return clock.local() if tz is None else clock().replace(tzinfo=timezone.utc).astimezone(tz)

    class SeededSecrets:
        rng = random.Random(424)

        @classmethod
        def token_hex(cls, n: int = 32) -> str:
            return f"{cls.rng.getrandbits(8 * n):0{2 * n}x}"

    audit_panel.datetime = DemoTime
    packets.secrets = SeededSecrets
    rl_config.invariant = 1


class Camera:
    """Waits until the application is idle, then saves what a widget shows as a PNG."""

    def __init__(self, out: Path, only: set[str], lossless: bool) -> None:
        from PySide6.QtWidgets import QApplication

        self.app = QApplication.instance()
        self.out = out
        self.only = only
        self.lossless = lossless
        self.roots: list = []  # QObjects outside the widget tree whose workers count too
        self.saved: list[Path] = []

    def pools(self):
        from app.ui.workers import WorkerPool

        for root in [*self.app.topLevelWidgets(), *self.roots]:
            yield from root.findChildren(WorkerPool)

    def settle(self, until=None, timeout: float = 120.0, quiet: float = 0.5) -> None:
        """Process events until no worker runs, `until()` holds, and both stay so for `quiet` s."""
        from PySide6.QtCore import QEventLoop

        started, calm = time.monotonic(), None
        while True:
            self.app.processEvents(QEventLoop.AllEvents, 20)
            now = time.monotonic()
            if any(pool.active for pool in self.pools()) or (until is not None and not until()):
                calm = None
            elif calm is None:
                calm = now
            elif now - calm >= quiet:
                return
            if now - started > timeout:
                raise TimeoutError("the application did not settle in time")
            time.sleep(0.01)

    def shoot(self, widget, name: str) -> None:
        """Save the widget as NAME.png; a dialog gets a plain title bar, as a window manager would draw."""
        from PySide6.QtWidgets import QDialog

        if self.only and name not in self.only:
            return
        self.settle()
        path = self.out / f"{name}.png"
        image = widget.grab().toImage()
        if isinstance(widget, QDialog):
            image = framed(image, widget.windowTitle())
        if not image.save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
        if not self.lossless:
            optimise_png(path)
        self.saved.append(path)
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}"
              f"  ({path.stat().st_size // 1024} KB)", flush=True)


def framed(image, title: str):
    """The dialog's picture under a title bar with its window title, inside a thin border."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    bar = 30
    out = QImage(image.width() + 2, image.height() + bar + 1, QImage.Format_RGB32)
    out.fill(QColor("#8c96a3"))
    painter = QPainter(out)
    painter.fillRect(1, 1, image.width(), bar - 1, QColor("#e3e7ec"))
    painter.setPen(QColor("#1d2838"))
    font = QFont()
    font.setPointSizeF(10)
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(QRect(12, 1, image.width() - 24, bar - 1), Qt.AlignVCenter | Qt.AlignLeft, title)
    painter.drawImage(1, bar, image)
    painter.end()
    return out


def optimise_png(path: Path) -> None:
    """256 colours without dithering: a third of the size, and text stays crisp."""
    from PIL import Image

    with Image.open(path) as image:
        quantised = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT,
                                                  dither=Image.Dither.NONE)
    quantised.save(path, optimize=True)


# --- log-in and the main window ---------------------------------------------------------

class Desk:
    """The services, the demo, and the application's own log-in → policy → window walk."""

    def __init__(self, data_dir: Path, reads: int, camera: Camera) -> None:
        from app.config import Settings
        from app.data.secrets import SecretStore
        from app.services.container import build_services

        self.camera = camera
        self.clock = ScriptClock(story.CLOCK_START)
        steady(self.clock)
        # No tile server: there is no network here, and the offline map is the same every time.
        settings = Settings(data_dir=data_dir, tile_url="", workstation=WORKSTATION)
        self.services = build_services(settings, now=self.clock,
                                       secrets=SecretStore(folder_keyring(data_dir)))
        self.reads = reads
        self.session = None
        self.window = None

    def seed(self) -> dict[str, list[int]]:
        from app.services.demo_setup import set_up_demo

        set_up_demo(self.services, reads=self.reads, progress_stream=sys.stderr)
        return story.stage_story(self.services)

    def log_in(self, username: str, password: str, *, login_shot: str = "", policy_shot: str = ""):
        """Log in through the log-in window; acknowledge the policy if asked; return the main window."""
        from app.ui.app import DeskSession
        from app.ui.common import ui_settings

        ui_settings().clear()  # every user starts from the default layout
        if self.session is None:
            self.session = DeskSession(self.services, quit=lambda: None)
            self.camera.roots.append(self.session)
        session = self.session
        session.policy_dialog = None
        session.window = None
        dialog = session.show_login()
        dialog.username.setText(username)
        dialog.password.setText(password)
        if login_shot:
            self.camera.shoot(dialog, login_shot)
        dialog.submit()
        self.camera.settle(lambda: session.window is not None or session.policy_dialog is not None)
        if session.window is None:
            policy = session.policy_dialog
            policy.resize(760, 680)
            self.camera.settle()
            policy.scroll_to_end()
            if policy_shot:
                self.camera.shoot(policy, policy_shot)
            policy.accept_button.click()
            self.camera.settle(lambda: session.window is not None)
        self.window = session.window
        self.window.resize(*WINDOW)
        self.camera.settle()
        return self.window

    def log_out(self) -> None:
        if self.window is not None:
            self.window.close()  # ends the session (audited), as Session ▸ Quit does
            self.window.deleteLater()
            self.window = None
        for widget in self.camera.app.topLevelWidgets():
            if widget.isVisible():
                widget.close()
        self.camera.settle()

    def close(self) -> None:
        if self.session is not None:
            self.session.shutdown()
        self.services.close()


# --- the run ------------------------------------------------------------------------------

def _quiet_qt_notes() -> None:
    """The offscreen platform says what it cannot do (raise a window, …) at every dialog."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_kind, _context, message: str) -> None:
        if "This plugin does not support" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def _scratch(path: Path) -> Path:
    """A fresh scratch folder at a fixed place: paths the screens show stay the same each run."""
    if path.exists():
        if not (path / MARKER).exists():
            raise SystemExit(f"{path} exists and was not made by this script; move it away first")
        shutil.rmtree(path)
    path.mkdir(parents=True)
    (path / MARKER).touch()
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder for the PNGs (default {OUT})")
    parser.add_argument("--reads", type=int, default=DEFAULT_READS, help="demo reads to seed")
    parser.add_argument("--keep", action="store_true", help=f"keep the data folder ({SCRATCH}) afterwards")
    parser.add_argument("--only", nargs="*", default=[], help="save only these pictures (names without .png)")
    parser.add_argument("--lossless", action="store_true", help="keep full colour (larger files)")
    args = parser.parse_args(argv)

    from PySide6.QtCore import QLocale, QSettings

    from app.ui.app import make_application

    started = time.monotonic()
    args.out.mkdir(parents=True, exist_ok=True)
    work = _scratch(SCRATCH)
    for fmt in (QSettings.NativeFormat, QSettings.IniFormat):  # not the user's own window layouts
        QSettings.setPath(fmt, QSettings.UserScope, str(work / "qsettings"))
    QLocale.setDefault(QLocale(QLocale.English, QLocale.UnitedStates))
    app = make_application(["plate-desk-screenshots"])
    app.setCursorFlashTime(0)  # a steady caret: the same picture every run
    _quiet_qt_notes()
    camera = Camera(args.out, set(args.only), args.lossless)
    desk = Desk(work / "PlateDesk", args.reads, camera)
    try:
        print(f"demo data: {args.reads:,} reads in {work / 'PlateDesk'}", flush=True)
        ids = desk.seed()
        for step in guide_scenes.scenes(desk, ids, work):
            step()
    finally:
        desk.close()
        app.processEvents()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{len(camera.saved)} screenshots in {args.out} ({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
