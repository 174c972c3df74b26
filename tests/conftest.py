"""The engine the tests read their pages with: one for the whole run, as a worker keeps one for all its jobs.
Its models load once (each test module used to load its own); a test that swaps a part of it for a spy builds
its own engine instead."""
from __future__ import annotations

import pytest

from pipeline import Engine, EngineConfig


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine(EngineConfig(threads=1))
