"""The bi-annual audit report: its figures against a log built for the test, and its PDF."""
from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from app.data import audit_log
from app.data.audit_log import AccessFacts
from app.domain.errors import AuthenticationFailed, AccountLocked, PermissionDenied
from app.domain.roles import Role
from app.domain.search import SearchCriteria
from app.reports.audit_report import PurposeRow, RoleRow
from app.services.audit_report import AuditReportService
from app.services.retention import RetentionService

PACIFIC = ZoneInfo("America/Los_Angeles")


def _search(services, who, at, plate, case, purpose="Stolen vehicle follow-up", action="search"):
    with services.db.transaction() as s:
        audit_log.append(s, AccessFacts(who, "Glendora PD", "ws-7", purpose, case), action=action, outcome="ok",
                         now=at, query={"plate": plate, "fuzzy": False}, result_count=4)


@pytest.fixture
def report_db(services, admin, make_user):
    det1 = make_user("det1", Role.DETECTIVE)
    make_user("cpl2", Role.CORPORAL)
    officer = make_user("ofc", Role.OFFICER)
    # det1 looks up one plate three times under "n/a": no case number, and a repeated plate.
    for minutes in (0, 30, 60):
        _search(services, "det1", datetime(2026, 11, 10, 18, 0) + timedelta(minutes=minutes), "7ABC123", "n/a",
                purpose="Checking")
    # cpl2: a burst of 25 canvasses in five minutes, then one search at 02:00 Pacific.
    for i in range(25):
        _search(services, "cpl2", datetime(2026, 11, 12, 20, 0) + timedelta(seconds=12 * i), None, "GPD-26-1",
                purpose="Homicide", action="canvass_multi_scene")
    _search(services, "cpl2", datetime(2026, 11, 13, 10, 0), "4XYZ777", "GPD-26-1", purpose="Homicide")
    _search(services, "det1", datetime(2026, 6, 30, 12, 0), "5OLD000", "GPD-26-0")  # before the period
    with services.db.transaction() as s:
        audit_log.append(s, AccessFacts("det1", "Glendora PD", "ws-7", "Court", "GPD-26-9"), action="export_csv",
                         outcome="ok", now=datetime(2026, 11, 14, 17, 0), query={"reads": 12}, result_count=12)
    # A refusal (an officer may not search) and a lockout (five wrong passwords).
    with pytest.raises(PermissionDenied):
        services.search.search(replace(officer, purpose="curious", case_number="none"),
                               SearchCriteria(plate="7ABC123"))
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            services.auth.login("ofc", "not the password at all")
    with pytest.raises(AccountLocked):
        services.auth.login("ofc", "not the password at all")
    RetentionService(services.db, services.gate, services.images, services.now).run(admin, dry_run=True)
    return det1


@pytest.fixture
def reports(services):
    return AuditReportService(services.db, services.gate, services.audit, services.now)


def test_the_figures_match_the_log(services, admin, report_db, reports):
    data = reports.build(admin, date(2026, 7, 1), date(2026, 12, 31), zone=PACIFIC)
    assert data.chain_ok and data.zone_name == "America/Los_Angeles"
    assert data.searches == 29
    users = {u.username: u for u in data.users}
    assert (users["det1"].searches, users["det1"].exports, users["det1"].roles) == (3, 1, ("detective",))
    assert users["cpl2"].searches == 26
    assert (users["ofc"].refusals, users["ofc"].failed_logins, users["ofc"].searches) == (1, 5, 0)
    assert data.roles == [RoleRow("Corporal", 1, 26), RoleRow("Detective", 1, 3), RoleRow("Officer", 1, 0)]
    assert data.purposes == [PurposeRow("Homicide", "GPD-26-1", 26, ("cpl2",)),
                             PurposeRow("Checking", "n/a", 3, ("det1",))]
    assert [(e.username, e.action) for e in data.refusals] == [("ofc", "search")]
    assert [e.username for e in data.lockouts] == ["ofc"]
    assert [(e.username, e.action) for e in data.transfers] == [("det1", "export_csv")]
    assert [(p.run_by, p.dry_run) for p in data.purges] == [("admin", True)]
    flags = [(a.kind, a.username, a.count) for a in data.anomalies]
    assert flags == [("burst", "cpl2", 25), ("no case number", "det1", 3), ("off-hours use", "cpl2", 1),
                     ("repeated plate without a case", "det1", 3)]


def test_the_period_is_in_local_dates(services, admin, report_db, reports):
    # 2026-11-13 10:00 UTC is 02:00 on the 13th in Glendora; the day before holds the burst.
    only_12th = reports.build(admin, date(2026, 11, 12), date(2026, 11, 12), zone=PACIFIC)
    assert only_12th.searches == 25 and [a.kind for a in only_12th.anomalies] == ["burst"]


def test_the_pdf_has_the_sections_and_only_auditors_make_it(services, admin, report_db, reports, tmp_path):
    out = tmp_path / "audit-2026H2.pdf"
    reports.write(admin, date(2026, 7, 1), date(2026, 12, 31), out, zone=PACIFIC)
    if os.environ.get("PLATE_DESK_SHOTS"):
        shutil.copyfile(out, Path(os.environ["PLATE_DESK_SHOTS"]) / "audit-report.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    for heading in ("ALPR Audit Report", "Searches per user", "Purposes and case numbers", "Flagged for review",
                    "Refusals", "Lockouts", "Exports and releases", "Retention purges", "Page 1 of"):
        assert heading in text
    assert "searched 7ABC123 3 times without a case number" in text
    with pytest.raises(PermissionDenied):
        reports.build(report_db, date(2026, 7, 1), date(2026, 12, 31))
