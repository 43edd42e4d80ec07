"""The bundle's entry point: what `python -m app` does in a checkout.

A script of its own rather than app/__main__.py: PyInstaller puts the entry script's
folder on the module search path, and app/'s modules must stay reachable only as `app.*`.
"""
from app.main import run

raise SystemExit(run())
