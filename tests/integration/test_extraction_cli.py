"""`python -m app extract` as a user runs it: a subprocess, real EasyOCR, exit statuses."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace

import pytest
from sqlalchemy import select

from app.data.orm import AuditRecord, PlateRead
from app.domain.roles import Role
from app.domain.search import SearchCriteria
from tests.conftest import USER_PASSWORD
from tests.ui.extraction.fakes import SCENES, write_video

SAVE = ["--save", "--start", "2026-05-06T07:08:00-07:00", "--at", "34.1365,-117.8653",
        "--source", "Patrol 7 phone", "--case", "GPD-26-2002", "--purpose", "Stolen vehicle recovery"]


@pytest.fixture
def cli(db_url, tmp_path):
    def run(*args: str, user: str = "det.ruiz") -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PLATE_DESK_")}
        env["PLATE_DESK_PASSWORD"] = USER_PASSWORD
        command = [sys.executable, "-m", "app", "--db", db_url, "--data-dir", str(tmp_path), "--user", user]
        return subprocess.run(command + list(args), capture_output=True, text=True, env=env,
                              stdin=subprocess.DEVNULL, timeout=300)
    return run


@pytest.fixture
def media(tmp_path):
    folder = tmp_path / "media"
    folder.mkdir()
    (folder / "car13.jpg").write_bytes((SCENES / "car13.jpg").read_bytes())
    write_video(folder / "dashcam.mp4", frames=60)
    return folder


def _audit(services, action):
    with services.db.transaction() as s:
        return s.scalars(select(AuditRecord).where(AuditRecord.action == action)).all()


def test_usage_errors_and_refusal(cli, make_user, services, media):
    make_user("det.ruiz", Role.DETECTIVE)
    make_user("ofc.lee", Role.OFFICER)
    missing = cli("extract", str(media / "gone.mp4"), "--json")
    assert missing.returncode == 2 and "gone.mp4" in missing.stderr and missing.stdout == ""
    half = cli("extract", str(media), "--save", "--start", "2026-05-06T07:08:00")
    assert half.returncode == 2 and "--at" in half.stderr and "--purpose" in half.stderr
    refused = cli("extract", str(media / "car13.jpg"), "--json", user="ofc.lee")
    assert refused.returncode == 3 and refused.stderr.startswith("refused:") and refused.stdout == ""
    assert [r.outcome for r in _audit(services, "extract")] == ["refused"]


def test_json_and_save_with_the_real_model(cli, make_user, services, media, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("the real model runs once; the service tests cover PostgreSQL")
    detective = make_user("det.ruiz", Role.DETECTIVE)
    run = cli("extract", str(media), "--json", *SAVE)
    assert run.returncode == 0, run.stderr
    rows = [json.loads(line) for line in run.stdout.splitlines()]  # nothing but JSON on stdout
    assert rows and all({"file", "plate", "confidence", "frame", "t_video_s", "box", "id"} <= set(r) for r in rows)
    photo = [r for r in rows if r["file"].endswith("car13.jpg")]
    assert photo[0]["plate"] == "EMR7094" and photo[0]["frame"] == 0 and len(photo[0]["box"]) == 4
    for row in rows:
        if row["file"].endswith(".mp4"):
            assert row["frame"] > 0 and row["t_video_s"] > 0

    [extract] = _audit(services, "extract")
    files = json.loads(extract.query)["files"]
    assert {f["file"] for f in files} == {"car13.jpg", "dashcam.mp4"} and extract.result_count == len(rows)
    [saved] = _audit(services, "extract_save")
    assert saved.case_number == "GPD-26-2002" and saved.result_count == len(rows)
    searcher = replace(detective, purpose="Stolen vehicle recovery", case_number="GPD-26-2002")
    hits = services.search.search(searcher, SearchCriteria(plate="EMR7094")).hits
    assert [h.id for h in hits] == [photo[0]["id"]]
    with services.db.transaction() as s:
        read = s.get(PlateRead, photo[0]["id"])
        assert read.captured_at.isoformat() == "2026-05-06T14:08:00"  # -07:00 stored as UTC


def test_a_damaged_file_is_a_warning_and_the_others_are_read(cli, make_user, media):
    make_user("det.ruiz", Role.DETECTIVE)
    (media / "dashcam.mp4").unlink()  # the photo alone keeps the real model's run short
    (media / "renamed.mp4").write_text("not a video")
    run = cli("extract", str(media), "--json")
    assert run.returncode == 0, run.stderr
    assert [json.loads(line)["plate"] for line in run.stdout.splitlines()] == ["EMR7094"]
    assert run.stderr.strip() == (f"warning: {media / 'renamed.mp4'} is skipped: it cannot be decoded as a video "
                                  "(damaged, incomplete or not a video)")  # and nothing from the decoder itself
    nothing = cli("extract", str(media / "renamed.mp4"), "--json")
    assert nothing.returncode == 1 and nothing.stdout == ""
    assert nothing.stderr.strip().splitlines() == [
        "error: None of the files can be read: renamed.mp4: it cannot be decoded as a video "
        "(damaged, incomplete or not a video)."]
