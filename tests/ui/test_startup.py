"""The log-in window must not wait for recognition: no torch, EasyOCR, OpenCV or pyqtgraph at start."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("torch", "easyocr", "cv2", "pyqtgraph")

PROBE = """
import json, sys, time
started = time.perf_counter()
from app.config import Settings
from app.services.container import build_services
from app.ui.app import DeskSession, make_application
app = make_application([])
services = build_services(Settings(data_dir=sys.argv[1]))
session = DeskSession(services, app.quit)
dialog = session.show_login()
app.processEvents()
shown = time.perf_counter() - started
import app.ui.main_window, app.ui.admin.users_panel, app.ui.audit.audit_panel  # the rest of the shell
print(json.dumps({"heavy": [m for m in %r if m in sys.modules], "seconds": shown,
                  "visible": dialog.isVisible()}))
services.close()
""" % (HEAVY,)


def test_the_login_window_opens_without_heavy_imports(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["visible"]
    assert result["heavy"] == []
    # The 2-second target is a benchmark (docs/benchmarks.md), not a timed test; shown with -s.
    print(f"log-in window shown {result['seconds']:.2f} s after start")
