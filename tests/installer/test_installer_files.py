"""installer/ stays in step with the project: what its scripts name exists, versions agree.

These run always; no bundle needed. A build breaks minutes in when a path it names has
moved, and an .iss cannot be compiled here at all, so the references are checked instead.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import distribution
from importlib.util import find_spec

import pytest
from PIL import Image

from tests.installer.facts import (
    DESKTOP, INSTALLER, ISS, REPO, SPEC, desktop_entry, iss_defines, main_distributions, normalised,
    spec_constant,
)

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _requirement_name(requirement: str) -> str:
    return normalised(re.match(r"[A-Za-z0-9._-]+", requirement).group(0))


def test_spec_names_the_metadata_of_every_runtime_dependency():
    listed = {normalised(name) for name in main_distributions()}
    needed = {_requirement_name(r) for r in PYPROJECT["project"]["dependencies"]}
    assert needed - listed == set()
    assert normalised(PYPROJECT["project"]["name"]) in listed


def test_every_distribution_the_spec_lists_is_installed():
    for name in main_distributions():
        assert distribution(name).metadata["Name"]


def test_files_the_spec_names_exist():
    text = SPEC.read_text(encoding="utf-8")
    named = re.findall(r'HERE / "([^"]+)"', text)
    assert {"platedesk.py", "pyi_rth_platedesk.py", "platedesk.ico"} <= set(named)
    for name in named:
        assert (INSTALLER / name).is_file(), name
    for folder in re.findall(r'REPO / "([^"]+)"', text) + re.findall(r'_repo_files\("([^"]+)"', text):
        assert (REPO / folder).is_dir(), folder


def test_resources_the_bundle_must_carry_exist():
    for relative in ("ocr/plate_g2.pth", "icons/platedesk.png", "policy", "passwords"):
        assert (REPO / "resources" / relative).exists(), relative
    migrations = REPO / "app" / "data" / "migrations"
    assert (migrations / "env.py").is_file()
    assert list((migrations / "versions").glob("0*.py"))


def test_spec_leaves_out_only_files_that_exist_in_this_environment():
    # A renamed library in a new torch or PySide6 would silently stop being left out.
    if not sys.platform.startswith("linux"):
        pytest.skip("the spec leaves libraries out on Linux only")
    for dest in spec_constant("LEFT_OUT"):
        top, rest = dest.split("/", 1)
        package = os.path.dirname(find_spec(top).origin)  # found, not imported: torch is slow to import
        assert os.path.isfile(os.path.join(package, rest)), dest


def test_spec_is_valid_python():
    compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec")


def test_inno_setup_script_matches_the_project_and_the_spec():
    defines = iss_defines()
    assert defines["AppVersion"] == PYPROJECT["project"]["version"]
    assert defines["AppExeName"] == spec_constant("NAME") + ".exe"
    assert defines["BundleDir"].replace("\\", "/") == "../dist/PlateDesk"
    text = ISS.read_text(encoding="utf-8")
    icon = re.search(r"^SetupIconFile=(.+)$", text, re.MULTILINE).group(1).strip()
    assert (INSTALLER / icon.replace("\\", "/")).is_file()
    for section in ("[Setup]", "[Tasks]", "[Files]", "[Icons]", "[Run]"):
        assert section in text
    assert re.search(r"^Name: \"\{autodesktop\}.*Tasks: desktopicon$", text, re.MULTILINE)
    assert re.search(r"^AppId=\{\{[0-9A-F-]{36}\}$", text, re.MULTILINE)


def test_desktop_entry_points_at_the_bundle_and_the_icon():
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"].endswith("/" + spec_constant("NAME"))
    assert entry["Icon"] == (REPO / "resources" / "icons" / "platedesk.png").stem
    assert entry["Categories"].endswith(";")


def test_icons_have_the_sizes_windows_and_linux_use():
    with Image.open(REPO / "resources" / "icons" / "platedesk.png") as png:
        assert png.size == (256, 256) and png.mode == "RGBA"
    with Image.open(INSTALLER / "platedesk.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])


def test_build_script_is_executable_bash():
    script = INSTALLER / "build"
    if sys.platform == "win32" or shutil.which("bash") is None:
        pytest.skip("needs bash")
    assert os.access(script, os.X_OK)
    subprocess.run(["bash", "-n", str(script)], check=True)


def test_pyproject_installs_pyinstaller_and_git_ignores_the_output():
    assert any(_requirement_name(r) == "pyinstaller"
               for r in PYPROJECT["project"]["optional-dependencies"]["installer"])
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/dist/" in ignored and "/build/" in ignored
