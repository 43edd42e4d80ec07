"""`hotlist import`, `retention run` and `audit report` from the command line, as shared/CLI.md says."""
from __future__ import annotations

from pypdf import PdfReader

from tests.conftest import USER_PASSWORD
from tests.integration.test_cli import cli  # noqa: F401 - the fixture

HEADER = "plate,state,reason,reference,entered,expires,make\n"


def _init(cli):  # noqa: F811
    assert cli("init", "--admin", "chief_is").returncode == 0


def test_hotlist_import_good_and_bad_files(cli, tmp_path):  # noqa: F811
    _init(cli)
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "7ABC123,CA,stolen_vehicle,S-1,2026-11-01,,Honda\n"
                   + "8XYZ999,CA,joyride,S-2,2026-11-01,,\n" + "1AAA111,CA,wanted,W-3,yesterday,,\n")
    failed = cli("hotlist", "import", str(bad), user="chief_is")
    assert failed.returncode == 1
    lines = failed.stderr.strip().splitlines()
    assert lines[0].startswith("line 3: reason 'joyride'") and lines[1].startswith("line 4: entered")
    assert lines[-1].startswith("error: bad.csv: line 3") and "nothing was imported" in lines[-1]
    good = tmp_path / "svs.csv"
    good.write_text(HEADER + "7ABC123,CA,stolen_vehicle,S-1,2026-11-01,,Honda\n")
    done = cli("hotlist", "import", str(good), "--name", "CA SVS", user="chief_is")
    assert done.returncode == 0, done.stderr
    assert "imported 1 entries into hotlist 'CA SVS'" in done.stdout
    cli("users", "add", "ofc", "--role", "officer", user="chief_is", new_password=USER_PASSWORD)
    refused = cli("hotlist", "import", str(good), user="ofc", password=USER_PASSWORD)
    assert refused.returncode == 3 and refused.stderr.startswith("refused:")
    missing = cli("hotlist", "import", str(tmp_path / "nope.csv"), user="chief_is")
    assert missing.returncode == 1 and missing.stderr.startswith("error: no such file")


def test_retention_run_and_the_audit_report(cli, tmp_path):  # noqa: F811
    _init(cli)
    dry = cli("retention", "run", "--dry-run", user="chief_is")
    assert dry.returncode == 0, dry.stderr
    assert "would delete 0 reads" in dry.stdout
    run = cli("retention", "run", user="chief_is")
    assert run.returncode == 0 and "deleted 0 reads" in run.stdout
    out = tmp_path / "report.pdf"
    report = cli("audit", "report", "--from", "2026-01-01", "--to", "2030-12-31", "--out", str(out),
                 user="chief_is")
    assert report.returncode == 0, report.stderr
    text = PdfReader(out).pages[-1].extract_text()
    assert "Retention purges" in text and "dry run" in text
    backwards = cli("audit", "report", "--from", "2026-12-31", "--to", "2026-01-01", "--out", str(out),
                    user="chief_is")
    assert backwards.returncode == 2
    bad_date = cli("audit", "report", "--from", "last week", "--to", "2026-01-01", "--out", str(out),
                   user="chief_is")
    assert bad_date.returncode == 2
