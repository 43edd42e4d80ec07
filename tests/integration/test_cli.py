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
