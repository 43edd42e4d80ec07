"""What a search brought back, with the arrays the map, timeline and table share.

Built on the worker thread (plain Python and numpy, no Qt), so a result of 100 000 reads
arrives on the GUI thread ready to draw. A hit's index in `hits` is its identity in every
view: selection and highlighting pass these indices around.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from app.domain.search import Associate, Hits, PlateAcrossScenes, ReadHit, SearchResult
from app.ui.localtime import epoch_seconds
from app.ui.search.projection import to_mercator


@dataclass
class ResultSet:
    hits: Hits
    times: np.ndarray  # POSIX seconds of captured_at (naive UTC)
    x: np.ndarray  # Web-Mercator metres
    y: np.ndarray
    notes: list[str] = field(default_factory=list)  # per hit: scenes, or the occasions with the target
    truncated: bool = False
    explanation: str = ""
    summary: str = ""

    @classmethod
    def from_hits(cls, hits: Hits | list[ReadHit], notes: list[str] | None = None, **facts) -> "ResultSet":
        hits = hits if isinstance(hits, Hits) else Hits.of(hits)
        x, y = to_mercator(hits.column("lat"), hits.column("lon"))
        return cls(hits, epoch_seconds(hits.column("captured_at")), np.atleast_1d(x), np.atleast_1d(y),
                   notes or [""] * len(hits), **facts)

    @classmethod
    def empty(cls) -> "ResultSet":
        return cls.from_hits([])

    @classmethod
    def from_search(cls, result: SearchResult) -> "ResultSet":
        return cls.from_hits(result.hits, truncated=result.truncated, explanation=result.explanation)

    @classmethod
    def from_scenes(cls, plates: list[PlateAcrossScenes]) -> "ResultSet":
        hits, notes = _flatten((p.reads, "scenes " + ", ".join(p.scenes)) for p in plates)
        summary = (f"{len(plates):,} plate{'s' if len(plates) != 1 else ''} seen at two or more scenes"
                   + (": " + ", ".join(f"{p.plate} ({', '.join(p.scenes)})" for p in plates[:6]) if plates else "")
                   + (" …" if len(plates) > 6 else ""))
        return cls.from_hits(hits, notes, summary=summary)

    @classmethod
    def from_associates(cls, target: str, found: list[Associate]) -> "ResultSet":
        hits, notes = _flatten((a.reads, f"near {target} ×{a.occasions}") for a in found)
        summary = (f"{len(found):,} plate{'s' if len(found) != 1 else ''} repeatedly seen with {target}"
                   + (": " + ", ".join(f"{a.plate} ×{a.occasions}" for a in found[:6]) if found else "")
                   + (" …" if len(found) > 6 else ""))
        return cls.from_hits(hits, notes, summary=summary)

    def describe(self) -> str:
        """One line for the panel: how many, matching what, how many fuzzy, and the summary."""
        n = len(self.hits)
        words = [f"{n:,} read{'s' if n != 1 else ''}"]
        if self.explanation:
            words.append(f"matching {self.explanation}")
        fuzzy = sum(self.hits.column("fuzzy"))
        if fuzzy:
            words.append(f"({fuzzy:,} fuzzy, listed after the exact hits)")
        return " ".join(words) + "." + (f" {self.summary}." if self.summary else "")

    def __len__(self) -> int:
        return len(self.hits)

    @property
    def ids(self) -> list[int]:
        return list(self.hits.column("id"))


def _flatten(groups) -> tuple[list[ReadHit], list[str]]:
    """One row per read: a read near two scenes (or two target reads) is listed once."""
    hits: list[ReadHit] = []
    notes: list[str] = []
    seen: set[int] = set()
    for reads, note in groups:
        for hit in sorted(reads, key=lambda h: h.captured_at):
            if hit.id not in seen:
                seen.add(hit.id)
                hits.append(hit)
                notes.append(note)
    return hits, notes
