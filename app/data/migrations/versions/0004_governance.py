"""Hotlists, alerts, retention, releases, audit review (issue: governance).

Adds: one alert per (read, hotlist entry); the items and exports of release requests; the
published policy versions. Runs on SQLite (batch mode, as env.py renders) and PostgreSQL.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index("uq_alerts_read_entry", ["read_id", "entry_id"], unique=True)
        batch_op.create_index("ix_alerts_open", ["disposition", "created_at"], unique=False)

    op.create_table(
        "release_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        # No foreign key to plate_reads: the request stays on file after retention purges a read.
        sa.Column("read_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["release_requests.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_id", "read_id"),
    )
    with op.batch_alter_table("release_items", schema=None) as batch_op:
        batch_op.create_index("ix_release_items_request_id", ["request_id"], unique=False)

    op.create_table(
        "release_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("exported_by", sa.String(length=64), nullable=False),
        sa.Column("exported_at", sa.DateTime(), nullable=False),
        sa.Column("destination", sa.Text(), nullable=False),
        sa.Column("read_count", sa.Integer(), nullable=False),
        sa.Column("file_count", sa.Integer(), nullable=False),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["release_requests.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("release_exports", schema=None) as batch_op:
        batch_op.create_index("ix_release_exports_request_id", ["request_id"], unique=False)

    op.create_table(
        "policy_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version"),
    )


def downgrade() -> None:
    op.drop_table("policy_versions")
    with op.batch_alter_table("release_exports", schema=None) as batch_op:
        batch_op.drop_index("ix_release_exports_request_id")
    op.drop_table("release_exports")
    with op.batch_alter_table("release_items", schema=None) as batch_op:
        batch_op.drop_index("ix_release_items_request_id")
    op.drop_table("release_items")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_alerts_open")
        batch_op.drop_index("uq_alerts_read_entry")
