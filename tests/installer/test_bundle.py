"""The built bundle, dist/PlateDesk from installer/build, runs on its own: no Python, no venv.

Skipped when there is no bundle: building one takes minutes and several GB, so `make test`
does not. After installer/build:

    .venv/bin/pytest tests/installer
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.installer.facts import main_distributions, normalised

REPO = Path(__file__).resolve().parents[2]
BUNDLE = REPO / "dist" / "PlateDesk"
WINDOWS = sys.platform == "win32"
EXE = BUNDLE / ("PlateDesk.exe" if WINDOWS else "PlateDesk")
PDFTOPPM = BUNDLE / "_internal" / "poppler" / ("pdftoppm.exe" if WINDOWS else "pdftoppm")
# The command groups of shared/CLI.md.
COMMANDS = ["init", "users", "policy", "demo", "audit", "search", "extract", "case", "packet",
            "hotlist", "retention"]
# One of the photos the recognition tests use, and its plate.
PHOTO = REPO.parent / "shared" / "data" / "plates" / "openalpr-us-scenes" / "37170dd1-2802-4e38-b982-c5d07c64ff67.jpg"
PLATE = "6HP995"
PASSWORD = "bundle test: orange grove at dusk"
START_TIMEOUT_S = 180  # a cold start reads ~1 GB of libraries; two shared cores can be slow
OCR_TIMEOUT_S = 600

pytestmark = pytest.mark.skipif(not EXE.is_file(),
                                reason=f"no bundle at {EXE.relative_to(REPO)}: build it with installer/build")


def bundle(*args: str, data_dir: Path | None = None, timeout: float = START_TIMEOUT_S,
           **env: str) -> subprocess.CompletedProcess:
    """Run the bundle with none of this checkout's Python settings in its environment."""
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("PLATE_DESK_", "PYTHON", "VIRTUAL_ENV"))}
    environment.update(QT_QPA_PLATFORM="offscreen", PLATE_DESK_PASSWORD=PASSWORD,
                       PLATE_DESK_NEW_PASSWORD=PASSWORD, **env)
    if data_dir is not None:
        environment["PLATE_DESK_DATA_DIR"] = str(data_dir)
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=timeout,
                          env=environment, cwd=data_dir or BUNDLE)


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def workstation(tmp_path_factory) -> Path:
    """A data folder set up through the bundle's own CLI: an administrator, a trained detective."""
    folder = tmp_path_factory.mktemp("bundle-data")
    ok(bundle("init", "--admin", "chief", data_dir=folder))
    ok(bundle("--user", "chief", "users", "add", "det", "--role", "detective", data_dir=folder))
    ok(bundle("--user", "chief", "users", "training", "det", data_dir=folder))
    ok(bundle("--user", "det", "policy", "accept", data_dir=folder))
    return folder


def test_version_is_the_project_version():
    assert version("plate-desk") in ok(bundle("--version"))


def test_help_lists_the_commands_of_the_cli():
    text = ok(bundle("--help"))
    missing = [command for command in COMMANDS if command not in text]
    assert not missing, text


def test_first_start_on_a_new_workstation_shows_its_first_window(tmp_path):
    out = ok(bundle(data_dir=tmp_path, PLATE_DESK_SMOKE_TEST="1"))
    assert "first-run set-up shown" in out or "login window shown" in out


def test_start_reaches_the_login_window(workstation):
    assert "login window shown" in ok(bundle(data_dir=workstation, PLATE_DESK_SMOKE_TEST="1"))


def test_reads_a_plate_with_the_bundled_ocr_weights(workstation):
    if not PHOTO.is_file():
        pytest.skip(f"plate photo not found at {PHOTO}")
    out = ok(bundle("--user", "det", "extract", "--json", str(PHOTO), data_dir=workstation,
                    timeout=OCR_TIMEOUT_S))
    plates = [json.loads(line)["plate"] for line in out.splitlines() if line.strip()]
    assert PLATE in plates


def test_builds_a_report_that_the_bundled_pdftoppm_renders(workstation, tmp_path):
    report = tmp_path / "audit.pdf"
    ok(bundle("--user", "chief", "audit", "report", "--from", "2026-01-01", "--to", "2026-12-31",
              "--out", str(report), data_dir=workstation))
    # The runtime hook puts poppler/ on PATH inside the bundle; here it is started directly,
    # as pdf_pages.py would find it, and with none of the bundle's environment.
    result = subprocess.run([str(PDFTOPPM), "-r", "30", "-f", "1", "-l", "1", "-png", str(report),
                             str(tmp_path / "page")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.glob("page*.png"))


def test_ships_the_metadata_and_licences_of_the_main_distributions():
    infos = {normalised(path.name.split("-")[0]) for path in (BUNDLE / "_internal").glob("*.dist-info")}
    missing = [name for name in main_distributions() if normalised(name) not in infos]
    assert not missing
    licences = list((BUNDLE / "_internal").glob("*.dist-info/*LICEN[CS]E*")) + \
        list((BUNDLE / "_internal").glob("*.dist-info/licenses/*"))
    assert len(licences) >= 20
