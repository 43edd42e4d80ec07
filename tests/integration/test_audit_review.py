"""Audit review (424.5(c)): filtering the access log, paging, and the review itself recorded."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.data import audit_log
from app.data.audit_log import AccessFacts
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.roles import Role
from app.services.audit import AuditFilters

T0 = datetime(2026, 11, 1, 9, 0)


@pytest.fixture
def log(services, admin):
    rows = [("det1", "search", "ok", "GPD-26-0101", {"plate": "7ABC123"}),
            ("det1", "search", "ok", "GPD-26-0102", {"plate": "8XYZ%99"}),
            ("det2", "search", "refused", "", {"plate": "7ABC123"}),
            ("det2", "read_open", "ok", "GPD-26-0101", {"read_id": 5, "plate": "7ABC123"}),
            ("det2", "associates", "ok", "ZZ-9", {"target": "5DEF456"})]
    with services.db.transaction() as s:
        for i, (user, action, outcome, case, query) in enumerate(rows):
            audit_log.append(s, AccessFacts(user, "Glendora PD", "ws", "purpose", case), action=action,
                             outcome=outcome, now=T0 + timedelta(hours=i), query=query)
    return rows


def _seqs(entries):
    return [(e.username, e.action) for e in entries]


def test_each_filter_narrows_the_log(services, admin, log):
    audit = services.audit
    assert _seqs(audit.search(admin, AuditFilters(plate="7abc123", newest_first=False))) == [
        ("det1", "search"), ("det2", "search"), ("det2", "read_open")]
    assert _seqs(audit.search(admin, AuditFilters(plate="8XYZ%"))) == [("det1", "search")]
    assert _seqs(audit.search(admin, AuditFilters(plate="8XY_"))) == []  # _ is literal, not a wildcard
    assert _seqs(audit.search(admin, AuditFilters(username="det2", outcome="ok", newest_first=False))) == [
        ("det2", "read_open"), ("det2", "associates")]
    assert _seqs(audit.search(admin, AuditFilters(case_number="0101", newest_first=False))) == [
        ("det1", "search"), ("det2", "read_open")]
    assert _seqs(audit.search(admin, AuditFilters(action="search", outcome="refused"))) == [("det2", "search")]
    window = AuditFilters(start=T0 + timedelta(hours=1), end=T0 + timedelta(hours=3), newest_first=False)
    assert _seqs(audit.search(admin, window)) == [("det1", "search"), ("det2", "search")]
    assert audit.count(admin, AuditFilters(username="det2")) == 3
    assert {"search", "read_open", "associates", "audit_search"} <= set(audit.actions(admin))


def test_paging_and_the_review_is_recorded(services, admin, log):
    audit = services.audit
    first = audit.search(admin, AuditFilters(username="det2", limit=2))
    second = audit.search(admin, AuditFilters(username="det2", limit=2, offset=2))
    assert [e.action for e in first + second] == ["associates", "read_open", "search"]
    with pytest.raises(ValidationError):
        audit.search(admin, AuditFilters(limit=0))
    (record,) = audit.search(admin, AuditFilters(action="audit_search", limit=1))
    assert record.username == "admin" and '"username":"det2"' in record.query


def test_only_auditors_review(services, make_user, log):
    det = make_user("det9", Role.DETECTIVE)
    with pytest.raises(PermissionDenied):
        services.audit.search(det, AuditFilters())
    captain = make_user("capt", Role.CAPTAIN)
    assert services.audit.search(captain, AuditFilters(plate="5DEF456"))[0].action == "associates"
