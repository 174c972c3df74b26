"""The worker's start-up hooks, fired in a fresh interpreter (they change process-wide state)."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.service_stack import ROOT

_SCRIPT = """
import gc, json
from celery import signals
from workers import celery_app
app = celery_app.app  # builds the app and installs the hooks, as `celery -A workers.celery_app` does
before = gc.get_freeze_count()
signals.worker_init.send(sender=None)
after_init = gc.get_freeze_count()
gc.unfreeze()
signals.worker_process_init.send(sender=None)
print(json.dumps({"before": before, "after_init": after_init, "after_fork": gc.get_freeze_count(),
                  "tracked": len(gc.get_objects())}))
"""


def test_worker_start_up_freezes_the_heap_out_of_the_collector(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "DOCPIPE_VAR_DIR": str(tmp_path),
           "DOCPIPE_DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}",
           "DOCPIPE_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.db'}"}
    out = subprocess.run([sys.executable, "-c", _SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    counts = json.loads(out.stdout.strip().splitlines()[-1])
    assert counts["before"] == 0
    # The parent (worker_init) and each pool process (worker_process_init) freeze what is alive:
    # the imported modules of Celery, SQLAlchemy and the pipeline, far more than is left to collect.
    assert counts["after_init"] > 50_000
    assert counts["after_fork"] > 50_000
    assert counts["tracked"] < counts["after_fork"] / 10
