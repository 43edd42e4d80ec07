"""Runs in the bundle before the application: the environment a bundle needs.

PyInstaller runs this runtime hook first thing in the frozen process (see platedesk.spec).
"""
import os
import sys

_bundle = getattr(sys, "_MEIPASS", os.path.dirname(os.path.abspath(sys.executable)))

# app/ui/cases/pdf_pages.py looks pdftoppm up on PATH; the bundle carries its own copy,
# which goes first so that previews render the same on every workstation.
_poppler = os.path.join(_bundle, "poppler")
if os.path.isdir(_poppler):
    os.environ["PATH"] = _poppler + os.pathsep + os.environ.get("PATH", "")

# The bundle runs recognition on the CPU. The Linux one leaves out the CUDA libraries that
# torch opens only for GPU work (cuDNN's kernels, cuSOLVER; see platedesk.spec), yet on a
# workstation with an NVIDIA GPU torch would still report CUDA as available, EasyOcrEngine
# would take it and fail at the first convolution. Hiding the GPUs keeps it on the CPU.
os.environ["CUDA_VISIBLE_DEVICES"] = ""
