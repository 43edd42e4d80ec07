"""A trigram index of plate texts on SQLite, for suffix and inner patterns (`*123`, `*4X2*`).

A literal prefix already walks the unique index on plates.text; a pattern that starts with
a wildcard had to scan every distinct plate. SQLite's FTS5 with its trigram tokenizer
answers GLOB from an index when the pattern holds three known characters in a row. The
table keeps no copy of the text (external content) and no positions (detail=none); the
triggers keep it in step with plates, including the deletions of a retention run.
PostgreSQL has the pg_trgm index of migration 0002 for the same work.

A SQLite built without FTS5 gets no table; the search then scans, as before.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
from sqlalchemy.exc import OperationalError

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLE = "plates_trigram"


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    try:
        op.execute(f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
                   "text, content='plates', content_rowid='id', tokenize='trigram', detail='none')")
    except OperationalError:
        return  # no FTS5 in this SQLite
    op.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")
    op.execute(f"CREATE TRIGGER plates_trigram_insert AFTER INSERT ON plates BEGIN "
               f"INSERT INTO {TABLE}(rowid, text) VALUES (new.id, new.text); END")
    op.execute(f"CREATE TRIGGER plates_trigram_delete AFTER DELETE ON plates BEGIN "
               f"INSERT INTO {TABLE}({TABLE}, rowid, text) VALUES ('delete', old.id, old.text); END")
    op.execute(f"CREATE TRIGGER plates_trigram_update AFTER UPDATE OF text ON plates BEGIN "
               f"INSERT INTO {TABLE}({TABLE}, rowid, text) VALUES ('delete', old.id, old.text); "
               f"INSERT INTO {TABLE}(rowid, text) VALUES (new.id, new.text); END")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS plates_trigram_{trigger}")
    op.execute(f"DROP TABLE IF EXISTS {TABLE}")
