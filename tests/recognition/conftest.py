"""Recognition tests run the real pipeline: real EasyOCR weights, real plate photos."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PLATES = REPO / ".." / "shared" / "data" / "plates"
SCENES = PLATES / "openalpr-us-scenes"
CROPS = PLATES / "openalpr-us-crops"


def _need_data() -> None:
    if not SCENES.is_dir() or not CROPS.is_dir():
        pytest.skip(f"plate photos not found at {PLATES}")


@pytest.fixture(scope="session")
def engine():
    """One EasyOCR model for the whole session, as the app loads one per run."""
    _need_data()
    from app.recognition.ocr import EasyOcrEngine

    return EasyOcrEngine()


@pytest.fixture(scope="session")
def scenes_dir() -> Path:
    _need_data()
    return SCENES


@pytest.fixture(scope="session")
def crops_dir() -> Path:
    _need_data()
    return CROPS


def load_bench_module(name: str):
    """Import a script from bench/ (not a package) by path."""
    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


# Validation scenes whose plates the current pipeline reads exactly (a regression floor,
# not a benchmark): the benchmark figures live in docs/benchmarks-recognition.md.
VIDEO_SCENES = ("wts-lg-000069.jpg", "wts-lg-000158.jpg", "wts-lg-000176.jpg")


@pytest.fixture(scope="session")
def bench_video(tmp_path_factory, scenes_dir):
    """A short generated 720p clip: three vehicle passes, an on-screen clock."""
    gen = load_bench_module("make_bench_video")
    scenes = [s for s in gen.load_scenes(scenes_dir) if s.image.name in VIDEO_SCENES]
    out = tmp_path_factory.mktemp("video") / "clip.mp4"
    truth = gen.make_video(out, scenes, passes=len(scenes), seed=7,
                           pass_s=(2.5, 3.0), gap_s=(1.0, 1.5))
    return out, truth
