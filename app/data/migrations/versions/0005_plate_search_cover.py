"""A covering index for plate searches: a plate's reads without visiting the table.

Reads are stored in time order, so one plate's reads lie scattered over the table; an
index that carries every column a search shows answers from the index alone.

Revision ID: 0005
Revises: 0004
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = ["plate_id", "captured_at", "state", "lat", "lon", "source_id", "confidence", "plate_as_read"]


def upgrade() -> None:
    op.create_index("ix_reads_plate_cover", "plate_reads", COLUMNS)
    op.drop_index("ix_reads_plate_time", table_name="plate_reads")


def downgrade() -> None:
    op.create_index("ix_reads_plate_time", "plate_reads", ["plate_id", "captured_at"])
    op.drop_index("ix_reads_plate_cover", table_name="plate_reads")
