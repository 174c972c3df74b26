"""Console scripts that start one docpipe process each (pyproject.toml's ``docpipe-api``,
``docpipe-worker``, ``docpipe-webhook-worker``, ``docpipe-beat``).

The command lines are run_local.py's, so a pip-installed service runs exactly what the
embedded default runs, one process per machine or container. Settings come from the
environment (DOCPIPE_*), as everywhere. A top-level module of its own, prefixed, because the
installed wheel shares site-packages with everything else on the machine.
"""
from __future__ import annotations

import os
import sys


def _exec(name: str) -> int:
    from run_local import commands
    from settings import Settings, SettingsError

    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"docpipe-{name}: {exc}", file=sys.stderr)
        return 2
    argv = commands(settings)[name] + sys.argv[1:]
    # Replace this process: signals (SIGTERM from a supervisor) reach gunicorn or celery directly.
    os.execv(argv[0], argv)
    return 0  # not reached


def api() -> int:
    return _exec("api")


def worker() -> int:
    return _exec("worker")


def webhook_worker() -> int:
    return _exec("webhooks")


def beat() -> int:
    return _exec("beat")
