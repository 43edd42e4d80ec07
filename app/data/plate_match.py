"""Which distinct plates a pattern matches, as a bound WHERE clause on plates.text.

User text reaches SQL only as bound parameters. Per dialect, the fastest index there is:
- an exact plate: the unique index on plates.text;
- a literal prefix (7AB*, 7?B??23): a range on that index, then GLOB (SQLite) or LIKE;
- three known characters in a row elsewhere (*123, *4X2*): SQLite's FTS5 trigram table
  (migration 0006), PostgreSQL's pg_trgm index (migration 0002);
- look-alike (fuzzy) patterns: GLOB with character classes on SQLite, a regular
  expression on PostgreSQL, over the distinct plates.
"""
from __future__ import annotations

from sqlalchemy import and_, column, select, table
from sqlalchemy.orm import Session

from app.data.orm import Plate
from app.domain.patterns import LIKE_ESCAPE, PlatePattern

TRIGRAM_TABLE = "plates_trigram"
_trigrams = table(TRIGRAM_TABLE, column("rowid"), column("text"))
# FTS5 finds candidates by trigrams; shorter known runs would make it scan its own index.
MIN_TRIGRAM_RUN = 3


def plate_condition(session: Session, pattern: PlatePattern):
    if pattern.is_exact and not pattern.fuzzy:
        return Plate.text == pattern.text
    if session.get_bind().dialect.name != "sqlite":
        if pattern.fuzzy:
            return Plate.text.regexp_match(pattern.regex())
        return Plate.text.like(pattern.like(), escape=LIKE_ESCAPE)

    condition = Plate.text.op("GLOB")(pattern.glob())
    if pattern.fuzzy:
        return condition
    prefix = pattern.literal_prefix
    if prefix:
        return and_(Plate.text >= prefix, Plate.text < prefix + "\U0010ffff", condition)
    if len(pattern.longest_known_run) >= MIN_TRIGRAM_RUN and has_trigram_index(session):
        candidates = select(_trigrams.c.rowid).where(_trigrams.c.text.op("GLOB")(pattern.glob()))
        return and_(Plate.id.in_(candidates), condition)
    return condition


def has_trigram_index(session: Session) -> bool:
    """Whether this SQLite database has the FTS5 trigram table (a SQLite without FTS5 has not)."""
    master = table("sqlite_master", column("type"), column("name"))
    found = select(master.c.name).where(master.c.type == "table", master.c.name == TRIGRAM_TABLE)
    return session.execute(found).first() is not None
