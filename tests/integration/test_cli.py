"""The command line of shared/CLI.md, run as a user would: a subprocess per command."""
import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, make_url, text

from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD


@pytest.fixture
def cli(db_url, tmp_path):
    def run(*args: str, user: str | None = None, password: str = ADMIN_PASSWORD,
            new_password: str | None = None) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PLATE_DESK_")}
        env["PLATE_DESK_PASSWORD"] = password
        if new_password:
            env["PLATE_DESK_NEW_PASSWORD"] = new_password
        command = [sys.executable, "-m", "app", "--db", db_url, "--data-dir", str(tmp_path)]
        if user:
            command += ["--user", user]
        return subprocess.run(command + list(args), capture_output=True, text=True, env=env,
                              stdin=subprocess.DEVNULL, timeout=120)
    return run


def test_init_then_manage_users_and_verify(cli, db_url):
    first = cli("init", "--admin", "chief_is", "--agency", "Glendora PD")
    assert first.returncode == 0, first.stderr
    again = cli("init", "--admin", "other")
    assert again.returncode == 3 and again.stderr.startswith("refused:")

    added = cli("users", "add", "det1", "--role", "detective", "--role", "corporal",
                user="chief_is", new_password=USER_PASSWORD)
    assert added.returncode == 0, added.stderr
    listed = cli("users", "list", "--json", user="chief_is")
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    det = next(r for r in rows if r["username"] == "det1")
    assert sorted(det["roles"]) == ["corporal", "detective"] and det["last_training"] is None

    trained = cli("users", "training", "det1", "--date", "2026-11-01", "--trainer", "Cpl. Ruiz", user="chief_is")
    assert trained.returncode == 0, trained.stderr
    accepted = cli("policy", "accept", user="det1", password=USER_PASSWORD)
    assert accepted.returncode == 0 and "acknowledged" in accepted.stdout
    shown = cli("policy", "show", user="det1", password=USER_PASSWORD)
    assert "424.8 TRAINING" in shown.stdout

    verified = cli("audit", "verify", user="chief_is")
    assert verified.returncode == 0 and "verified" in verified.stdout


def test_exit_statuses(cli):
    assert cli("init", "--admin", "chief_is").returncode == 0
    no_user = cli("audit", "verify")
    assert no_user.returncode == 2
    wrong = cli("audit", "verify", user="chief_is", password="not the right password")
    assert wrong.returncode == 1 and wrong.stderr.strip().count("\n") == 0 and wrong.stderr.startswith("error:")
    cli("users", "add", "off1", "--role", "officer", user="chief_is", new_password=USER_PASSWORD)
    refused = cli("audit", "verify", user="off1", password=USER_PASSWORD)
    assert refused.returncode == 3 and refused.stderr.startswith("refused:")
    bad_role = cli("users", "add", "x", "--role", "wizard", user="chief_is")
    assert bad_role.returncode == 2


def test_audit_verify_names_the_record_after_plain_sql_tampering(cli, db_url, tmp_path):
    assert cli("init", "--admin", "chief_is").returncode == 0
    for _ in range(3):
        assert cli("users", "list", user="chief_is").returncode == 0
    export = cli("audit", "export", "--out", str(tmp_path / "log.csv"), user="chief_is")
    assert export.returncode == 0 and (tmp_path / "log.csv").read_text().startswith("seq,")

    engine = create_engine(make_url(db_url))
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
        else:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        conn.execute(text("UPDATE audit_log SET username = 'nobody' WHERE seq = 3"))
    engine.dispose()
    broken = cli("audit", "verify", user="chief_is")
    assert broken.returncode == 1
    assert "record 3" in broken.stdout and "record 3" in broken.stderr


def test_search_prints_json_lines_and_refuses_an_officer(cli, db_url):
    assert cli("init", "--admin", "chief_is").returncode == 0
    for name, role in (("det1", "detective"), ("off1", "officer")):
        cli("users", "add", name, "--role", role, user="chief_is", new_password=USER_PASSWORD)
        cli("users", "training", name, user="chief_is")
        cli("policy", "accept", user=name, password=USER_PASSWORD)
    engine = create_engine(make_url(db_url))
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO sources (name, kind, lat, lon, description) "
                          "VALUES ('Foothill & Grand', 'fixed', 34.1365, -117.8653, '')"))
        conn.execute(text("INSERT INTO plates (text) VALUES ('7ABC123'), ('7ABC128'), ('8XYZ999')"))
        conn.execute(text(
            "INSERT INTO plate_reads (plate_id, plate_as_read, state, confidence, captured_at, lat, lon, source_id) "
            "SELECT p.id, p.text, 'CA', 0.9, :t, 34.1365, -117.8653, s.id FROM plates p, sources s"), {"t": "2026-11-01 21:30:00"})
    engine.dispose()

    found = cli("search", "--plate", "7ABC12?", "--purpose", "shooting", "--case", "GPD-26-1", "--json",
                user="det1", password=USER_PASSWORD)
    assert found.returncode == 0, found.stderr
    rows = [json.loads(line) for line in found.stdout.splitlines()]
    assert sorted(r["plate"] for r in rows) == ["7ABC123", "7ABC128"]
    assert {"id", "plate", "state", "captured_at", "lat", "lon", "source", "confidence", "fuzzy"} <= rows[0].keys()
    assert rows[0]["captured_at"] == "2026-11-01T21:30:00Z"

    canvass = cli("search", "--near", "34.1366,-117.8654", "--radius-m", "100", "--from", "2026-11-01T21:00:00Z",
                  "--to", "2026-11-01T23:00:00Z", "--purpose", "shooting", "--case", "GPD-26-1", "--json",
                  user="det1", password=USER_PASSWORD)
    assert len(canvass.stdout.splitlines()) == 3

    refused = cli("search", "--plate", "7ABC123", "--purpose", "x", "--case", "y", user="off1", password=USER_PASSWORD)
    assert refused.returncode == 3 and refused.stderr.startswith("refused:")
    engine = create_engine(make_url(db_url))
    with engine.connect() as conn:
        logged = conn.execute(text("SELECT outcome FROM audit_log WHERE username = 'off1' AND action = 'search'")).all()
    engine.dispose()
    assert logged == [("refused",)]
    nothing = cli("search", "--plate", "*", "--purpose", "x", "--case", "y", user="det1", password=USER_PASSWORD)
    assert nothing.returncode == 1 and "no known character" in nothing.stderr
