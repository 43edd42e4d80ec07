"""The access log detects edits, deletions, swaps and a cut-off tail; concurrent writers keep one chain."""
import json
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.domain.roles import Role


@pytest.fixture
def logged(services, admin):
    """An admin session with a dozen records in the log."""
    for _ in range(5):
        services.auth.session_locked(admin)
        services.auth.unlock_session(admin, "correct staple horse battery")
    assert services.audit.verify(admin).ok
    return admin


def tamper(services, *statements: str) -> None:
    """What an intruder with database access would do: switch the protection off, then edit."""
    sqlite = services.db.engine.dialect.name == "sqlite"
    with services.db.engine.begin() as conn:
        if sqlite:
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        else:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        for statement in statements:
            conn.execute(text(statement))


def test_the_database_refuses_to_change_or_delete_a_record(services, logged):
    for statement in ("UPDATE audit_log SET username = 'mallory' WHERE seq = 2",
                      "DELETE FROM audit_log WHERE seq = 2"):
        with pytest.raises(DBAPIError, match="append-only"):
            with services.db.engine.begin() as conn:
                conn.execute(text(statement))


def test_an_edited_record_is_named(services, logged):
    tamper(services, "UPDATE audit_log SET query = '{\"plate\":\"7XYZ000\"}' WHERE seq = 4")
    report = services.audit.verify(logged)
    assert not report.ok and report.first_bad_seq == 4 and "edited" in report.reason


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(services, logged):
    # The intruder recomputes record 4's own hash, but record 5 still points at the old one.
    from app.data.audit_log import iter_entries
    from app.domain.audit import entry_hash
    from dataclasses import replace

    with services.db.transaction() as s:
        entry = [e for e in iter_entries(s) if e.seq == 4][0]
    forged = replace(entry, username="mallory")
    tamper(services, f"UPDATE audit_log SET username = 'mallory', row_hash = '{entry_hash(forged)}' WHERE seq = 4")
    report = services.audit.verify(logged)
    assert not report.ok and report.first_bad_seq == 5


def test_a_deleted_record_is_named(services, logged):
    tamper(services, "DELETE FROM audit_log WHERE seq = 6")
    report = services.audit.verify(logged)
    assert not report.ok and report.first_bad_seq == 6 and "missing" in report.reason


def test_swapped_records_are_found(services, logged):
    tamper(services,
           "UPDATE audit_log SET seq = -3 WHERE seq = 3",
           "UPDATE audit_log SET seq = 3 WHERE seq = 4",
           "UPDATE audit_log SET seq = 4 WHERE seq = -3")
    report = services.audit.verify(logged)
    assert not report.ok and report.first_bad_seq == 3


def test_a_truncated_tail_is_found_even_when_the_head_row_is_rewritten(services, logged):
    with services.db.transaction() as s:
        last, = s.execute(text("SELECT max(seq) FROM audit_log")).one()
        keep_hash, = s.execute(text(f"SELECT row_hash FROM audit_log WHERE seq = {last - 3}")).one()
    tamper(services, f"DELETE FROM audit_log WHERE seq > {last - 3}",
           f"UPDATE audit_head SET seq = {last - 3}, hash = '{keep_hash}'")
    report = services.audit.verify(logged)
    assert not report.ok and report.first_bad_seq == last - 2 and "truncated" in report.reason


def test_a_truncated_tail_is_found_from_the_head_row(services, logged):
    with services.db.transaction() as s:
        last, = s.execute(text("SELECT max(seq) FROM audit_log")).one()
    (services.settings.data_dir / "audit-checkpoint.json").unlink()
    tamper(services, f"DELETE FROM audit_log WHERE seq > {last - 2}")
    report = services.audit.verify(logged)
    assert not report.ok and report.first_bad_seq == last - 1


def test_a_forged_checkpoint_is_noticed(services, logged):
    path = services.settings.data_dir / "audit-checkpoint.json"
    saved = json.loads(path.read_text())
    for entry in saved.values():
        entry["seq"] = 2
    path.write_text(json.dumps(saved))
    report = services.audit.verify(logged)
    assert not report.ok and "signature" in report.reason


def test_concurrent_writers_keep_one_chain(services, make_user):
    callers = [make_user(f"w{i}", Role.DETECTIVE) for i in range(4)]
    errors: list[BaseException] = []

    def write(caller):
        try:
            for _ in range(15):
                services.auth.session_locked(caller)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(c,)) for c in callers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with services.db.transaction() as s:
        seqs = [row[0] for row in s.execute(text("SELECT seq FROM audit_log ORDER BY seq"))]
        locks = s.execute(text("SELECT count(*) FROM audit_log WHERE action = 'session_locked'")).scalar()
    assert seqs == list(range(1, len(seqs) + 1))
    assert locks == 60
    admin = services.auth.login("admin", "correct staple horse battery")
    assert services.audit.verify(admin).ok


def test_export_writes_every_record(services, logged, tmp_path):
    out = tmp_path / "audit.jsonl"
    count = services.audit.export(logged, out, "jsonl")
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == count and rows[0]["seq"] == 1
    assert {"occurred_at", "username", "agency", "purpose", "case_number", "query", "action"} <= rows[0].keys()
