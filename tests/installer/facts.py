"""What installer/ says about itself, read without running PyInstaller or Inno Setup."""
from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
INSTALLER = REPO / "installer"
SPEC = INSTALLER / "platedesk.spec"
ISS = INSTALLER / "platedesk.iss"
DESKTOP = INSTALLER / "platedesk.desktop"


def normalised(name: str) -> str:
    """A distribution name as PEP 503 compares them (and as .dist-info folders spell them)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def spec_constant(name: str):
    """The literal value of a top-level NAME = ... in platedesk.spec."""
    for node in ast.parse(SPEC.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise LookupError(f"platedesk.spec has no {name}")


def main_distributions() -> list[str]:
    return spec_constant("MAIN_DISTRIBUTIONS")


def iss_defines() -> dict[str, str]:
    text = ISS.read_text(encoding="utf-8")
    return dict(re.findall(r'^\s*#define\s+(\w+)\s+"([^"]*)"', text, re.MULTILINE))


def desktop_entry() -> dict[str, str]:
    lines = DESKTOP.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if line and not line.startswith("#"))
