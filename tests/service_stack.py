"""Start the real service for tests: a database, a broker, celery worker/beat processes, the API.

Reusable by any test suite (integration, e2e, bench)::

    with ServiceStack.start(tmp_path, backend="postgres_redis") as stack:
        stack.start_worker(); stack.start_beat()
        client = stack.app().test_client()       # or: url = stack.start_api()
        ...

Each stack isolates itself: its own PostgreSQL database (created, then
dropped) or SQLite file, its own queue prefix (Redis keys included), its own
var/ directory, and servers on free loopback ports. A missing service fails
loudly (``ServiceMissing``), never skips.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"
BACKENDS = ("postgres_redis", "sqlite_sqla")

# Short timings so reliability tests finish in seconds; the order rules of
# settings.py still hold (soft < hard < lease, hard < visibility timeout).
FAST_ENV = {
    "DOCPIPE_ENV": "test",
    "DOCPIPE_SWEEP_INTERVAL": "2",  # beat also fans out webhooks at this pace: more often clogs a 1-process SQLite worker
    "DOCPIPE_REQUEUE_AFTER": "3",
    "DOCPIPE_PAGE_SOFT_TIME_LIMIT": "20",
    "DOCPIPE_PAGE_TIME_LIMIT": "25",
    "DOCPIPE_LEASE_SECONDS": "30",
    "DOCPIPE_BROKER_VISIBILITY_TIMEOUT": "60",
    "DOCPIPE_HEARTBEAT_INTERVAL": "1",
    "DOCPIPE_WORKER_STALE_AFTER": "5",
    "DOCPIPE_OCR_THREADS": "1",
    "DOCPIPE_DPI": "150",
    "DOCPIPE_LOG_LEVEL": "warning",
    # Suites drive one shared app far faster than any client (hundreds of requests a second); the limits
    # themselves are tested with their own settings (tests/unit/test_limits.py, test_limits_service.py).
    "DOCPIPE_RATELIMIT_ENABLED": "false",
}


class ServiceMissing(RuntimeError):
    pass


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def _require(port: int, what: str) -> None:
    if not port_open(port):
        raise ServiceMissing(f"{what} is not reachable on 127.0.0.1:{port}; run `make services` (scripts/ensure_services.sh)")


def create_postgres_database(name: str) -> str:
    import psycopg

    _require(5432, "PostgreSQL")
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def drop_postgres_database(name: str) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class RedisServer:
    """A private redis-server on a free port (for tests that restart Redis)."""

    def __init__(self, workdir: Path):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir), "--maxmemory-policy", "noeviction"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(lambda: port_open(self.port), 10, "private redis-server did not start")
        return self

    def stop(self) -> None:
        """Stop without saving: every message in it is lost, as after a crash."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        _wait(lambda: not port_open(self.port), 10, "redis-server did not stop")


def _wait(predicate, timeout: float, message: str, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise TimeoutError(message)


class ServiceStack:
    def __init__(self, workdir: Path, env: dict, pg_database: str | None):
        self.workdir = Path(workdir)
        self.env = env  # DOCPIPE_* variables shared by this process and the subprocesses
        self.pg_database = pg_database
        self.procs: dict[str, subprocess.Popen] = {}
        self._app = None
        self._settings = None

    # -------------------------------------------------------------- set-up

    @classmethod
    def start(cls, workdir: Path, *, backend: str = "postgres_redis", broker_url: str | None = None, **env) -> "ServiceStack":
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}")
        workdir = Path(workdir)
        tag = uuid.uuid4().hex[:10]
        var = workdir / "var"
        var.mkdir(parents=True, exist_ok=True)
        full = {**FAST_ENV, "DOCPIPE_VAR_DIR": str(var), "DOCPIPE_QUEUE_PREFIX": f"t{tag}-", **{k: str(v) for k, v in env.items()}}
        pg = None
        if backend == "postgres_redis":
            pg = f"docpipe_test_{tag}"
            full["DOCPIPE_DATABASE_URL"] = create_postgres_database(pg)
            if broker_url is None:
                _require(6379, "Redis")
            full["DOCPIPE_BROKER_URL"] = broker_url or REDIS_URL
        else:
            full["DOCPIPE_DATABASE_URL"] = f"sqlite:///{var / 'docpipe.db'}"
            full["DOCPIPE_BROKER_URL"] = broker_url or f"sqla+sqlite:///{var / 'broker.db'}"
        stack = cls(workdir, full, pg)
        try:
            from db.migrate import upgrade
            from db.session import Database

            from workers.celery_app import create_celery
            from workers.queues import declare_queues

            upgrade(Database.for_url(stack.settings.database_url))
            declare_queues(create_celery(stack.settings))
        except BaseException:
            stack.close()
            raise
        return stack

    @property
    def settings(self):
        if self._settings is None:
            from settings import Settings

            self._settings = Settings.from_env(self.env)
        return self._settings

    def database(self):
        from db.session import Database

        return Database.for_url(self.settings.database_url)

    def app(self):
        """The Flask app in this process (use ``.test_client()``)."""
        if self._app is None:
            from api import create_app

            self._app = create_app(self.settings)
        return self._app

    def _proc_env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DOCPIPE_")}
        env.update(self.env)
        env["PYTHONPATH"] = str(ROOT)
        return env

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "ab")
        proc = subprocess.Popen(
            args, cwd=ROOT, env=self._proc_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs[name] = proc
        return proc

    def start_worker(self, name: str = "worker", *, concurrency: int = 1, queues: str | None = None, wait: bool = True):
        """A real ``celery worker`` (prefork) consuming this stack's queues."""
        s = self.settings
        queues = queues or ",".join(s.queue(q) for q in ("interactive", "bulk", "recovery", "webhooks"))
        proc = self._spawn(
            name,
            [PYTHON, "-m", "celery", "-A", "workers.celery_app", "worker", "--pool=prefork",
             f"--concurrency={concurrency}", f"--queues={queues}", f"--hostname={name}-{uuid.uuid4().hex[:6]}@%h",
             "--loglevel=INFO", "--without-gossip", "--without-mingle"],
        )
        if wait:
            self.wait_for_workers(1)
        return proc

    def start_beat(self) -> subprocess.Popen:
        return self._spawn(
            "beat",
            [PYTHON, "-m", "celery", "-A", "workers.celery_app", "beat", "--loglevel=INFO",
             f"--schedule={self.workdir / 'var' / 'beat-schedule'}"],
        )

    def start_api(self, port: int | None = None) -> str:
        """The API under gunicorn on a free loopback port; returns its base URL."""
        port = port or free_port()
        self._spawn(
            "api",
            [PYTHON, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4",
             "--worker-class", "gthread", "--timeout", "120", "api:create_app()"],
        )
        _wait(lambda: port_open(port), 60, "the API did not start; see api.log")
        return f"http://127.0.0.1:{port}"

    def wait_for_workers(self, n: int = 1, timeout: float = 60) -> None:
        from db.telemetry import live_workers

        def enough():
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode}: {self.log(name)[-2000:]}")
            with self.database().session() as s:
                return len(live_workers(s, self.settings.worker_stale_after)) >= n

        _wait(enough, timeout, f"fewer than {n} live workers after {timeout} s", 0.25)

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def worker_children(self, name: str = "worker") -> list[int]:
        """Pids of the prefork pool processes of a worker (the ones running tasks)."""
        parent = self.procs[name].pid
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(parent)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        try:
            # The main process only: it stops its own pool in order (a signal to the whole
            # group would kill pool children first and make the pool respawn them).
            proc.send_signal(sig)
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # whatever is left of the group
        except ProcessLookupError:
            pass
        proc.wait(10)

    def close(self) -> None:
        for name in list(self.procs):
            self.stop(name)
        try:
            self.database().dispose()
        except Exception:  # noqa: BLE001
            pass
        if self.pg_database:
            drop_postgres_database(self.pg_database)
        self._drop_redis_keys()

    def _drop_redis_keys(self) -> None:
        # Leave the shared Redis as we found it: every key of this stack carries its prefix.
        url, prefix = self.env.get("DOCPIPE_BROKER_URL", ""), self.env.get("DOCPIPE_QUEUE_PREFIX", "")
        if not url.startswith("redis://") or not prefix:
            return
        import redis

        try:
            client = redis.Redis.from_url(url, socket_connect_timeout=2)
            keys = [k for pattern in (f"{prefix}*", f"_kombu.binding.{prefix}*") for k in client.scan_iter(pattern)]
            if keys:
                client.delete(*keys)
        except redis.RedisError:
            pass  # a private redis-server may already be gone

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def bulk_command(url: str, src: Path, out: Path, *extra: str) -> list[str]:
    """The bulk client's command line against a stack's API (quiet, quick polling)."""
    return [PYTHON, "-m", "client", "bulk", str(src), str(out), "--url", url, "--no-progress",
            "--poll", "0.2", *extra]


def client_env() -> dict:
    """Environment for a client subprocess run from the repository root."""
    return {**os.environ, "PYTHONPATH": str(ROOT)}
