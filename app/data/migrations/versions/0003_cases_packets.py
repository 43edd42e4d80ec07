"""Cases and evidence packets (issue: cases and evidence packets).

The `cases` and `evidence_holds` tables exist since 0001; this adds the packets built for a
case, the reads in each, their exports to media, and the indexes the hold queries use.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_packets",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("built_by", sa.String(length=64), nullable=False),
        sa.Column("built_at", sa.DateTime(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("read_count", sa.Integer(), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("file_count", sa.Integer(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evidence_packets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_packets_case_id"), ["case_id"], unique=False)

    op.create_table(
        "evidence_packet_reads",
        sa.Column("packet_id", sa.String(length=64), nullable=False),
        sa.Column("read_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["packet_id"], ["evidence_packets.id"]),
        sa.PrimaryKeyConstraint("packet_id", "read_id"),
    )

    op.create_table(
        "packet_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("packet_id", sa.String(length=64), nullable=False),
        sa.Column("exported_by", sa.String(length=64), nullable=False),
        sa.Column("exported_at", sa.DateTime(), nullable=False),
        sa.Column("destination", sa.Text(), nullable=False),
        sa.Column("file_count", sa.Integer(), nullable=False),
        sa.Column("tagmanifest_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["packet_id"], ["evidence_packets.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("packet_exports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_packet_exports_packet_id"), ["packet_id"], unique=False)

    active = sa.text("released_at IS NULL")
    with op.batch_alter_table("evidence_holds", schema=None) as batch_op:
        # Retention asks "is this read held?" for every read past the cutoff.
        batch_op.create_index("ix_evidence_holds_active", ["read_id"], unique=False,
                              sqlite_where=active, postgresql_where=active)
        batch_op.create_index("ix_evidence_holds_case_read", ["case_id", "read_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("evidence_holds", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_holds_case_read")
        batch_op.drop_index("ix_evidence_holds_active")
    with op.batch_alter_table("packet_exports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_packet_exports_packet_id"))
    op.drop_table("packet_exports")
    op.drop_table("evidence_packet_reads")
    with op.batch_alter_table("evidence_packets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_packets_case_id"))
    op.drop_table("evidence_packets")
