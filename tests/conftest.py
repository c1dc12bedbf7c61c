"""Shared pytest setup: import path and hypothesis profiles.

Profiles (choose with HYPOTHESIS_PROFILE=<name>):
- default: ~200 examples per property test, the normal run;
- thorough: 10,000 examples per property test, run before a release.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

settings.register_profile("default", max_examples=200, deadline=None)
settings.register_profile("thorough", max_examples=10_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

import pytest  # noqa: E402

TINY_MODEL = REPO_ROOT / "tests" / "fixtures" / "tiny-model"
DEFAULT_MODEL = REPO_ROOT / "models" / "zhie-ner-small"


@pytest.fixture(scope="session")
def tiny_pipeline():
    from zhie.pipeline import Pipeline
    return Pipeline.load(TINY_MODEL)


@pytest.fixture(scope="session")
def default_pipeline():
    """The shipped trained model (loaded once per test session)."""
    from zhie.pipeline import Pipeline
    return Pipeline.load(DEFAULT_MODEL)
