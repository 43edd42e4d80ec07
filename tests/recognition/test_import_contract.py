"""Importing recognition must not load torch or EasyOCR (the login window must not wait)."""
import subprocess
import sys


def test_importing_recognition_loads_no_model_code():
    code = (
        "import sys, app.recognition, app.recognition.pipeline, app.recognition.ocr\n"
        "from app.recognition import EasyOcrEngine, extract_files, read_image\n"
        "EasyOcrEngine()\n"
        "heavy = [m for m in ('torch', 'easyocr', 'PySide6') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
