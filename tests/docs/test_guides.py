"""The user guides hold together: every picture they show and every guide the index lists exists.

Plain file checks, no Qt: the pictures themselves are made by `make screenshots`.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
GUIDE = DOCS / "guide"
GUIDES = sorted(GUIDE.glob("*.md")) + [DOCS / "admin-guide.md"]
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s#]+\.md)(?:#[^)]*)?\)")
ANCHORED = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s#]*)#([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.MULTILINE)
FENCED = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
ROLE_GUIDES = ["officer.md", "investigator.md", "evidence-technician.md", "captain.md", "is-supervisor.md"]


def images_of(page: Path) -> list[Path]:
    return [(page.parent / target).resolve() for target in IMAGE.findall(page.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("page", GUIDES, ids=lambda p: p.name)
def test_every_picture_a_guide_shows_exists(page):
    missing = [str(p.relative_to(DOCS)) for p in images_of(page) if not p.is_file()]
    assert not missing, f"{page.name} shows pictures that do not exist: {missing}"


def test_the_index_lists_every_guide_and_each_exists():
    index = GUIDE / "README.md"
    linked = {(index.parent / target).resolve() for target in LINK.findall(index.read_text(encoding="utf-8"))}
    missing = sorted(str(p.relative_to(DOCS)) for p in linked if not p.is_file())
    assert not missing, f"the index links guides that do not exist: {missing}"
    for name in ROLE_GUIDES + ["getting-started.md"]:
        assert (GUIDE / name).resolve() in linked, f"the index does not list {name}"
    assert (DOCS / "admin-guide.md").resolve() in linked, "the index does not list the administrator's guide"


def test_links_between_guides_lead_somewhere():
    broken = []
    for page in GUIDES:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            path = (page.parent / target).resolve()
            if path.is_relative_to(DOCS) and not path.is_file():
                broken.append(f"{page.name} → {target}")
    assert not broken, f"links to guides that do not exist: {broken}"


def slugs(page: Path) -> set[str]:
    """GitHub's anchors of a page's headings: lower case, punctuation dropped, spaces to dashes."""
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
            for h in HEADING.findall(FENCED.sub("", page.read_text(encoding="utf-8")))}


def test_links_to_a_section_find_it():
    broken = []
    for page in GUIDES:
        for target, anchor in ANCHORED.findall(page.read_text(encoding="utf-8")):
            path = (page.parent / target).resolve() if target else page
            if path.suffix == ".md" and path.is_file() and anchor not in slugs(path):
                broken.append(f"{page.name} → {target}#{anchor}")
    assert not broken, f"links to sections that do not exist: {broken}"


def test_every_picture_in_the_folder_is_shown_somewhere():
    shown = {p for page in GUIDES for p in images_of(page)}
    unused = sorted(p.name for p in (GUIDE / "img").glob("*.png") if p.resolve() not in shown)
    assert not unused, f"pictures no guide shows (drop them from tools/guide_scenes.py, or show them): {unused}"
