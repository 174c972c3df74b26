"""The embedded default in one command: ``python run_local.py`` (what ``make run`` calls).

Applies the migrations, then runs three processes until Ctrl-C / SIGTERM:
the API under gunicorn on http://127.0.0.1:5000, a celery worker and celery
beat (the sweeper's clock). With no DOCPIPE_* variables set it needs no
server: SQLite (var/docpipe.db) and Kombu's SQLAlchemy transport
(var/broker.db). Point DOCPIPE_DATABASE_URL / DOCPIPE_BROKER_URL at
PostgreSQL / Redis and the same processes run on them. If one process dies,
the others are stopped and the exit status is non-zero.
"""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
STOP_TIMEOUT = 20


def commands(settings) -> dict[str, list[str]]:
    py = sys.executable
    from workers.queues import ocr_queue_list

    queues = ocr_queue_list(settings)  # interactive, bulk and recovery
    return {
        "api": [
            py, "-m", "gunicorn", "--bind", f"{settings.api_host}:{settings.api_port}",
            # One process with threads: the single-image endpoint's engine is loaded once.
            "--workers", "1", "--threads", "8", "--worker-class", "gthread", "--timeout", "300",
            "--access-logfile", "-", "api:create_app()",
        ],
        "worker": [
            py, "-m", "celery", "-A", "workers.celery_app", "worker", "--pool=prefork",
            f"--concurrency={settings.worker_concurrency}", f"--queues={queues}",
            f"--loglevel={settings.log_level.upper()}", "--without-gossip", "--without-mingle",
        ],
        # Webhook deliveries get their own process and queue: a slow or dead ERP endpoint
        # (15 s timeout per attempt) never holds an OCR slot. Threads: the work is network waits.
        "webhooks": [
            py, "-m", "celery", "-A", "workers.celery_app", "worker", "--pool=threads", "--concurrency=4",
            f"--queues={settings.queue('webhooks')}", "--hostname=webhooks@%h",
            f"--loglevel={settings.log_level.upper()}", "--without-gossip", "--without-mingle",
        ],
        "beat": [
            py, "-m", "celery", "-A", "workers.celery_app", "beat",
            f"--schedule={settings.var_dir / 'celerybeat-schedule'}", f"--loglevel={settings.log_level.upper()}",
        ],
    }


def stop_all(procs: dict[str, subprocess.Popen]) -> None:
    for proc in procs.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for name, proc in procs.items():
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"run_local: {name} did not stop in {STOP_TIMEOUT} s; killing it", file=sys.stderr)
            proc.kill()
            proc.wait()


def main() -> int:
    from db.migrate import upgrade
    from db.session import Database
    from settings import Settings, SettingsError
    from workers.celery_app import create_celery
    from workers.queues import declare_queues

    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"run_local: {exc}", file=sys.stderr)
        return 2
    if not settings.models_dir.is_dir() or not any(settings.models_dir.iterdir()):
        print(f"run_local: no model files in {settings.models_dir}; run `make models` first", file=sys.stderr)
        return 2
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    database = Database.for_url(settings.database_url)
    upgrade(database)
    database.dispose()
    declare_queues(create_celery(settings))

    stopping = False

    def on_signal(signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    procs: dict[str, subprocess.Popen] = {}
    for name, cmd in commands(settings).items():
        # Own process groups: a Ctrl-C reaches us once and we stop the children in order.
        procs[name] = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True)
    auth = "API keys required" if settings.auth_required else "no API key needed from this machine (loopback only)"
    print(f"docpipe: http://{settings.api_host}:{settings.api_port}/  ({auth}); Ctrl-C stops", flush=True)

    status = 0
    while not stopping:
        dead = [(n, p.returncode) for n, p in procs.items() if p.poll() is not None]
        if dead:
            for name, code in dead:
                print(f"run_local: {name} exited with status {code}; stopping the others", file=sys.stderr)
            status = 1
            break
        time.sleep(0.5)
    stop_all(procs)
    return status


if __name__ == "__main__":
    sys.exit(main())
