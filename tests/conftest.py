"""Under pytest-xdist (`make test` runs ``-n 2 --dist loadgroup``) the tests that drive the shared services
(PostgreSQL database `test`, Redis, celery worker processes, Chromium, servers on ports) run one after another
on one worker; the other tests spread over all workers. Without xdist this changes nothing."""
from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SERVICE_DIRS = tuple(HERE / d for d in ("integration", "e2e", "image"))
SERVICE_MARKS = ("integration", "e2e")
# Modules under integration/ that run only the engine in this process (no database, broker, worker or port).
ENGINE_ONLY = {HERE / "integration" / name for name in ("test_pipeline.py", "test_export_engine.py", "test_cli.py")}


def _needs_services(item: pytest.Item) -> bool:
    if any(item.get_closest_marker(m) for m in SERVICE_MARKS):
        return True
    path = Path(item.path).resolve()
    return path not in ENGINE_ONLY and any(path.is_relative_to(d) for d in SERVICE_DIRS)


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the group into each test's id
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if _needs_services(item):
            item.add_marker(pytest.mark.xdist_group("services"))
