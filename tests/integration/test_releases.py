"""Release requests (424.7): on file, decided by someone else after the password, exported only when approved."""
from __future__ import annotations

import csv
import json
from datetime import datetime

import pytest
from sqlalchemy import select

from app.data.orm import AuditRecord, ReleaseRequest
from app.domain.errors import PermissionDenied, Refused, ValidationError
from app.domain.roles import Role
from app.services.releases import ReleaseService
from tests.conftest import USER_PASSWORD
from tests.integration.test_hotlists import store_reads

T0 = datetime(2026, 11, 2, 14, 30)


@pytest.fixture
def releases(services):
    return ReleaseService(services.db, services.gate, services.auth, services.images, services.now)


@pytest.fixture
def people(make_user):
    return {"det": make_user("det", Role.DETECTIVE), "capt": make_user("capt", Role.CAPTAIN),
            "capt2": make_user("capt2", Role.CAPTAIN), "ofc": make_user("ofc", Role.OFFICER)}


def _file(releases, caller, read_ids=()):
    return releases.file_request(caller, "Azusa Police Department", "Det. Maria Reyes",
                                 "Armed robbery investigation AZ-26-5512", "Reads of 7ABC123, 1–2 Nov 2026",
                                 read_ids)


def _actions(services, name):
    with services.db.transaction() as s:
        return s.execute(select(AuditRecord.action, AuditRecord.outcome, AuditRecord.query)
                         .where(AuditRecord.action == name).order_by(AuditRecord.seq)).all()


def test_a_request_needs_agency_requester_purpose_and_data(releases, people):
    with pytest.raises(ValidationError, match="the agency, the intended purpose"):
        releases.file_request(people["det"], " ", "Det. Reyes", "", "reads")
    with pytest.raises(PermissionDenied):
        _file(releases, people["ofc"])


def test_no_export_before_approval_and_never_approved_by_its_requester(services, releases, people, tmp_path):
    ids = store_reads(services, [("7ABC123", "CA", T0)])
    request_id = _file(releases, people["capt"], ids)  # a captain files it for the other agency
    with pytest.raises(Refused, match="pending: only an approved request"):
        releases.export(people["capt"], request_id, tmp_path / "media")
    assert not (tmp_path / "media").exists()
    with pytest.raises(PermissionDenied, match="separation of duties"):
        releases.decide(people["capt"], request_id, True, USER_PASSWORD)
    with pytest.raises(PermissionDenied):
        releases.decide(people["det"], request_id, True, USER_PASSWORD)
    with pytest.raises(Refused, match="password is not correct"):
        releases.decide(people["capt2"], request_id, True, "not my password at all")
    assert releases.list_requests(people["capt2"])[0].status == "pending"

    decided = releases.decide(people["capt2"], request_id, True, USER_PASSWORD, "Bona fide LE request")
    assert (decided.status, decided.decided_by, decided.read_ids) == ("approved", "capt2", tuple(ids))
    with pytest.raises(ValidationError, match="already approved"):
        releases.decide(people["capt2"], request_id, False, USER_PASSWORD, "changed my mind")
    refusals = [(a, o) for a, o, _ in _actions(services, "release_export")]
    assert refusals == [("release_export", "refused")]
    assert [o for _, o, _ in _actions(services, "release_approve")] == ["refused", "refused", "ok"]
    assert _actions(services, "reauthentication_failed")


def test_a_denied_request_stays_on_file_and_cannot_export(services, releases, people, tmp_path):
    request_id = _file(releases, people["det"])
    with pytest.raises(ValidationError, match="why"):
        releases.decide(people["capt"], request_id, False, USER_PASSWORD)
    releases.decide(people["capt"], request_id, False, USER_PASSWORD, "Civil matter: Records Release Policy")
    with pytest.raises(Refused, match="denied"):
        releases.export(people["det"], request_id, tmp_path)
    with services.db.transaction() as s:
        kept = s.get(ReleaseRequest, request_id)
        assert (kept.status, kept.decision_note) == ("denied", "Civil matter: Records Release Policy")
    assert [r.status for r in releases.list_requests(people["det"])] == ["denied"]


def test_an_approved_request_exports_a_verifiable_bag_naming_the_agency(services, releases, people, tmp_path):
    bags = pytest.importorskip("app.services.bags")
    ids = store_reads(services, [("7ABC123", "CA", T0), ("7ABC123", "CA", T0.replace(hour=16))],
                      image=b"\x89PNG crop ")
    request_id = _file(releases, people["det"], ids)
    releases.decide(people["capt"], request_id, True, USER_PASSWORD, "approved")
    done = releases.export(people["det"], request_id, tmp_path / "media")
    report = bags.verify_bag(done.destination)
    assert report.ok, report.describe()
    assert report.info["Receiving-Agency"] == "Azusa Police Department"
    data = tmp_path / "media" / done.destination.split("/")[-1] / "data"
    rows = list(csv.DictReader((data / "reads.csv").open(encoding="utf-8")))
    assert [int(r["id"]) for r in rows] == ids and rows[0]["crop"].startswith("images/")
    assert json.loads((data / "release-request.json").read_text())["decided_by"] == "capt"
    ((_, outcome, query),) = [r for r in _actions(services, "release_export")]
    assert outcome == "ok" and json.loads(query)["agency"] == "Azusa Police Department"
    assert releases.list_requests(people["capt"])[0].exports[0].read_count == 2
