"""Builds the services from Settings: the one place where the parts are wired together."""
from __future__ import annotations

import gc
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from app.config import Settings
from app.data import audit_log
from app.data.audit_log import Checkpoint
from app.data.db import Database, make_engine
from app.data.images import ImageStore
from app.data.migrate import upgrade_to_head
from app.data.secrets import SecretStore
from app.domain.clock import Clock, utc_now
from app.services import system
from app.services.access import Gate
from app.services.audit import AuditService
from app.services.cases import CaseService
from app.services.auth import AuthService
from app.services.export import ExportService
from app.services.extraction import ExtractionService
from app.services.hotlists import HotlistService
from app.services.packets import PacketService
from app.services.passwords import PasswordHashing
from app.services.policy import PolicyAdminService, PolicyService
from app.services.reads import ReadService
from app.services.releases import ReleaseService
from app.services.retention import RetentionService
from app.services.search import SearchService
from app.services.users import UserService

if TYPE_CHECKING:
    from app.services.audit_report import AuditReportService
    from app.services.demo import DemoService

CHECKPOINT_FILE = "audit-checkpoint.json"


@dataclass
class Services:
    settings: Settings
    db: Database
    images: ImageStore
    secrets: SecretStore
    auth: AuthService
    users: UserService
    policy: PolicyService
    audit: AuditService
    reads: ReadService
    search: SearchService
    export: ExportService
    cases: CaseService
    packets: PacketService
    hotlists: HotlistService
    retention: RetentionService
    releases: ReleaseService
    policy_admin: PolicyAdminService
    extraction: ExtractionService
    gate: Gate
    now: Clock

    # Built on first use: their modules pull in ReportLab, NumPy and OpenCV, which the
    # log-in window must not wait for.
    @cached_property
    def audit_reports(self) -> "AuditReportService":
        from app.services.audit_report import AuditReportService
        return AuditReportService(self.db, self.gate, self.audit, self.now)

    @cached_property
    def demo(self) -> "DemoService":
        from app.services.demo import DemoService
        return DemoService(self.db, self.gate, self.images, self.now)

    def close(self) -> None:
        self.db.dispose()


def freeze_startup_objects() -> None:
    """Call once the program's long-lived objects exist (modules, mappers, the services).

    Python's cyclic collector otherwise walks all of them on each full collection, and a
    search that fetches ten thousand reads sets several off: on 10 M reads that doubled the
    slowest suffix searches (p95 CPU 108-120 ms against 50-53 ms). Frozen objects are left
    out of collections for good, so this is for start-up, not for each window or test.
    """
    gc.freeze()


def build_services(settings: Settings, *, now: Clock = utc_now, hashing: PasswordHashing | None = None,
                   secrets: SecretStore | None = None, migrate: bool = True) -> Services:
    """Open the database (migrating it to the newest schema) and wire every service."""
    secrets = secrets or SecretStore.for_data_dir(settings.data_dir)
    engine = make_engine(settings.db_url, secrets)
    if migrate:
        upgrade_to_head(engine)
    db = Database(engine)
    hashing = hashing or PasswordHashing()
    images = ImageStore(Path(settings.image_dir))
    policy = PolicyService(db, now)
    gate = Gate(db, now, policy.shipped_version)

    with db.transaction() as session:
        db_id = system.database_id(session)
    checkpoint = Checkpoint(settings.data_dir / CHECKPOINT_FILE,
                            secrets.get_or_create_key(f"audit-checkpoint:{db_id}"), db_id)

    def _advance_checkpoint(session) -> None:
        head = session.info.pop(audit_log.PENDING_HEAD, None)
        if head is not None:
            checkpoint.advance(*head)

    db.on_commit(_advance_checkpoint)

    auth = AuthService(db, hashing, now, policy.shipped_version, settings.workstation)
    audit = AuditService(db, gate, checkpoint, now)
    return Services(
        settings=settings, db=db, images=images, secrets=secrets, auth=auth,
        users=UserService(db, gate, hashing, now, policy.shipped_version),
        policy=policy,
        audit=audit,
        reads=ReadService(db, gate, images, now),
        search=SearchService(db, gate, now),
        export=ExportService(db, gate, now),
        cases=CaseService(db, gate, now),
        packets=PacketService(db, gate, images, now, work_dir=settings.data_dir / "packets"),
        hotlists=HotlistService(db, gate, images, now),
        retention=RetentionService(db, gate, images, now),
        releases=ReleaseService(db, gate, auth, images, now),
        policy_admin=PolicyAdminService(db, gate, now, policy.shipped_version),
        extraction=ExtractionService(db, gate, images, now),
        gate=gate, now=now,
    )
