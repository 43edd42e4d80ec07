"""SQLAlchemy 2 typed tables for everything Policy 424 names.

Times are naive UTC throughout (SQLite has no zone type; PostgreSQL columns are declared
the same way so both back-ends hold identical values and the audit hashes agree).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


# --- people ---------------------------------------------------------------------------

class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    agency: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime)

    roles: Mapped[list["UserRole"]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class TrainingRecord(Base):
    __tablename__ = "training_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str | None] = mapped_column(String(32))
    trained_on: Mapped[date] = mapped_column(Date)
    trainer: Mapped[str] = mapped_column(String(200))
    curriculum: Mapped[str] = mapped_column(String(400), default="")
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class PolicyAcknowledgement(Base):
    __tablename__ = "policy_acknowledgements"
    __table_args__ = (UniqueConstraint("user_id", "policy_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    policy_version: Mapped[str] = mapped_column(String(64))
    accepted_at: Mapped[datetime] = mapped_column(DateTime)


class SystemSetting(Base):
    """Settings every workstation of a department shares (agency, retention, policy version)."""

    __tablename__ = "system_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# --- reads ------------------------------------------------------------------------------

class Source(Base):
    """A camera: fixed at an intersection, a patrol unit's mobile reader, or an imported file."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # fixed | mobile | video | photo
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    description: Mapped[str] = mapped_column(Text, default="")


class Plate(Base):
    """Each distinct normalised plate once: pattern searches scan this, not the reads."""

    __tablename__ = "plates"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(16), unique=True)


class ImportBatch(Base):
    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # demo | csv | video | photo
    description: Mapped[str] = mapped_column(Text, default="")
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class StoredImage(Base):
    """Metadata of a file in the content-addressed store; the bytes live on disk by SHA-256."""

    __tablename__ = "images"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class PlateRead(Base):
    __tablename__ = "plate_reads"
    __table_args__ = (
        # Covers a plate search (migration 0005): its reads come from the index alone.
        Index("ix_reads_plate_cover", "plate_id", "captured_at", "state", "lat", "lon", "source_id",
              "confidence", "plate_as_read", postgresql_include=["id"]),
        Index("ix_reads_time", "captured_at"),
        Index("ix_reads_source_time", "source_id", "captured_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plate_id: Mapped[int] = mapped_column(ForeignKey("plates.id"))
    plate_as_read: Mapped[str] = mapped_column(String(32))
    corrected_text: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[str | None] = mapped_column(String(2))
    confidence: Mapped[float] = mapped_column(Float)
    captured_at: Mapped[datetime] = mapped_column(DateTime)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    image_sha256: Mapped[str | None] = mapped_column(ForeignKey("images.sha256"))
    crop_sha256: Mapped[str | None] = mapped_column(ForeignKey("images.sha256"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"), index=True)
    video_sha256: Mapped[str | None] = mapped_column(String(64))
    frame: Mapped[int | None] = mapped_column(Integer)
    t_video_s: Mapped[float | None] = mapped_column(Float)


# --- hotlists and alerts --------------------------------------------------------------

class Hotlist(Base):
    __tablename__ = "hotlists"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    imported_by: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(DateTime)


class HotlistEntry(Base):
    __tablename__ = "hotlist_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    hotlist_id: Mapped[int] = mapped_column(ForeignKey("hotlists.id"), index=True)
    plate: Mapped[str] = mapped_column(String(16), index=True)
    state: Mapped[str | None] = mapped_column(String(2))
    reason: Mapped[str] = mapped_column(String(32))
    reference: Mapped[str] = mapped_column(String(64), default="")
    entered: Mapped[date | None] = mapped_column(Date)
    expires: Mapped[date | None] = mapped_column(Date)
    extra: Mapped[str] = mapped_column(Text, default="{}")


class Alert(Base):
    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    read_id: Mapped[int] = mapped_column(ForeignKey("plate_reads.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("hotlist_entries.id"), index=True)
    fuzzy: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    disposition: Mapped[str | None] = mapped_column(String(16))
    disposition_note: Mapped[str] = mapped_column(Text, default="")
    disposed_by: Mapped[str | None] = mapped_column(String(64))
    disposed_at: Mapped[datetime | None] = mapped_column(DateTime)


# --- cases, holds, releases, retention ----------------------------------------------

class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(400))
    lead_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class EvidenceHold(Base):
    __tablename__ = "evidence_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    read_id: Mapped[int] = mapped_column(ForeignKey("plate_reads.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    placed_by: Mapped[str] = mapped_column(String(64))
    placed_at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text)
    released_by: Mapped[str | None] = mapped_column(String(64))
    released_at: Mapped[datetime | None] = mapped_column(DateTime)
    release_reason: Mapped[str | None] = mapped_column(Text)


class ReleaseRequest(Base):
    __tablename__ = "release_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency: Mapped[str] = mapped_column(String(200))
    requester_name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)
    data_requested: Mapped[str] = mapped_column(Text)
    filed_by: Mapped[str] = mapped_column(String(64))
    filed_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")


class RetentionRun(Base):
    __tablename__ = "retention_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_by: Mapped[str] = mapped_column(String(64))
    run_at: Mapped[datetime] = mapped_column(DateTime)
    cutoff: Mapped[datetime] = mapped_column(DateTime)
    dry_run: Mapped[bool] = mapped_column(Boolean)
    deleted_reads: Mapped[int] = mapped_column(Integer, default=0)
    deleted_images: Mapped[int] = mapped_column(Integer, default=0)
    kept_on_hold: Mapped[int] = mapped_column(Integer, default=0)


# --- the access record --------------------------------------------------------------

class AuditRecord(Base):
    """Append-only (triggers refuse UPDATE and DELETE) and hash-chained by seq."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_time", "occurred_at"),
        Index("ix_audit_user", "username"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    username: Mapped[str] = mapped_column(String(64))
    agency: Mapped[str] = mapped_column(String(200), default="")
    workstation: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(Text, default="")
    case_number: Mapped[str] = mapped_column(String(64), default="")
    query: Mapped[str] = mapped_column(Text, default="{}")
    result_count: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """One row: the chain's last seq and hash. Locked FOR UPDATE by every writer, so
    concurrent transactions on PostgreSQL queue up instead of forking the chain."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))




# --- governance (0004) ---------------------------------------------------------------
# Hotlist alerts, release requests and their exports, published policy versions.
# Indexes on the existing `alerts` table are attached here rather than in its class.

Index("uq_alerts_read_entry", Alert.read_id, Alert.entry_id, unique=True)
Index("ix_alerts_open", Alert.disposition, Alert.created_at)


class ReleaseItem(Base):
    """A read asked for in a release request. No foreign key to plate_reads: the request
    stays on file (424.7(c)) after retention purges the read."""

    __tablename__ = "release_items"
    __table_args__ = (UniqueConstraint("request_id", "read_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("release_requests.id"), index=True)
    read_id: Mapped[int] = mapped_column(Integer)


class ReleaseExport(Base):
    """Each time the data of an approved request left the system, and as what."""

    __tablename__ = "release_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("release_requests.id"), index=True)
    exported_by: Mapped[str] = mapped_column(String(64))
    exported_at: Mapped[datetime] = mapped_column(DateTime)
    destination: Mapped[str] = mapped_column(Text)
    read_count: Mapped[int] = mapped_column(Integer)
    file_count: Mapped[int] = mapped_column(Integer)
    manifest_sha256: Mapped[str] = mapped_column(String(64))


class PolicyVersion(Base):
    """A policy version published by the captain or IS supervisor; everyone acknowledges it anew."""

    __tablename__ = "policy_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    note: Mapped[str] = mapped_column(Text, default="")
    published_by: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(DateTime)


# --- cases and packets (0003) ---------------------------------------------------------
# Evidence packets built for a case, the reads each holds, and each export of one to media.
# A partial index on the existing `evidence_holds` table serves the retention's "held?" query.

Index("ix_evidence_holds_active", EvidenceHold.read_id,
      sqlite_where=EvidenceHold.released_at.is_(None), postgresql_where=EvidenceHold.released_at.is_(None))
Index("ix_evidence_holds_case_read", EvidenceHold.case_id, EvidenceHold.read_id)


class EvidencePacket(Base):
    """A packet as built: its id is printed on every page, its PDF's SHA-256 is in the access log."""

    __tablename__ = "evidence_packets"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    built_by: Mapped[str] = mapped_column(String(64))
    built_at: Mapped[datetime] = mapped_column(DateTime)
    purpose: Mapped[str] = mapped_column(Text)
    read_count: Mapped[int] = mapped_column(Integer)
    page_count: Mapped[int] = mapped_column(Integer)
    file_count: Mapped[int] = mapped_column(Integer)
    pdf_sha256: Mapped[str] = mapped_column(String(64))


class EvidencePacketRead(Base):
    """A read in a packet. No foreign key to plate_reads: the record outlives a released,
    later purged read."""

    __tablename__ = "evidence_packet_reads"

    packet_id: Mapped[str] = mapped_column(ForeignKey("evidence_packets.id"), primary_key=True)
    read_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class PacketExport(Base):
    """Each time a packet was written to a folder or removable media as a BagIt bag."""

    __tablename__ = "packet_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    packet_id: Mapped[str] = mapped_column(ForeignKey("evidence_packets.id"), index=True)
    exported_by: Mapped[str] = mapped_column(String(64))
    exported_at: Mapped[datetime] = mapped_column(DateTime)
    destination: Mapped[str] = mapped_column(Text)
    file_count: Mapped[int] = mapped_column(Integer)
    tagmanifest_sha256: Mapped[str] = mapped_column(String(64))
