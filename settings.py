"""docpipe's settings: the only module that reads the environment.

Every ``DOCPIPE_*`` variable is parsed here into one frozen, validated
``Settings`` object. Composition roots (``api.create_app``,
``workers.celery_app``, the CLIs, ``tests/conftest.py``) call
``Settings.from_env()`` once and pass values down; nothing else touches
``os.environ``. A bad value fails at start with the variable's name.
"""
from __future__ import annotations

import base64
import ipaddress
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent


class SettingsError(ValueError):
    pass


_QUEUE_PREFIX = re.compile(r"[A-Za-z0-9._-]+")


def _int(env: dict, name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be >= {minimum}, got {value}")
    return value


def _float(env: dict, name: str, default: float, minimum: float = 0.0) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be >= {minimum}, got {value}")
    return value


def _bool(env: dict, name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _choice(env: dict, name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = env.get(name) or default
    if raw not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw


def _networks(env: dict, name: str) -> str:
    raw = env.get(name) or ""
    for item in raw.split(","):
        if item.strip():
            try:
                ipaddress.ip_network(item.strip(), strict=False)
            except ValueError:
                raise SettingsError(f"{name} must be comma-separated CIDRs (like 10.0.0.0/8), got {item.strip()!r}") from None
    return raw


def _webhook_secret(env: dict, name: str) -> str:
    raw = env.get(name) or ""
    if not raw:
        return ""
    encoded = raw.removeprefix("whsec_")
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except ValueError:
        key = b""
    if not raw.startswith("whsec_") or len(key) < 24:
        raise SettingsError(f"{name} must be 'whsec_' + base64 of at least 24 random bytes")
    return raw


def _rate(env: dict, name: str, default: str) -> str:
    raw = env.get(name) or default
    from limits import parse_many

    try:
        parse_many(raw)
    except ValueError:
        raise SettingsError(f"{name} must be limits like '50/second;1500/minute', got {raw!r}") from None
    return raw


def _ratelimit_storage(env: dict, name: str) -> str:
    """Where rate-limit counters live: shared Redis, so every API process sees one budget."""
    raw = env.get(name) or ""
    if raw:
        if not raw.startswith(("memory://", "redis://", "rediss://")):
            raise SettingsError(f"{name} must be memory:// or a redis:// URL, got {raw!r}")
        return raw
    broker = env.get("DOCPIPE_BROKER_URL") or ""
    return broker if broker.startswith(("redis://", "rediss://")) else "memory://"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Settings:
    env: str = "development"  # development | production
    var_dir: Path = ROOT / "var"
    database_url: str = ""  # default: sqlite under var_dir
    broker_url: str = ""  # default: Kombu's SQLAlchemy transport on SQLite under var_dir
    blob_dir: Path = ROOT / "var" / "blobs"
    models_dir: Path = ROOT / "models" / "files"
    # limits (DESIGN.md §5)
    max_upload_bytes: int = 100 * 1024 * 1024
    max_pages: int = 2000
    max_pixels: int = 50_000_000
    # OCR
    dpi: int = 200
    ocr_threads: int = 1  # ONNX Runtime intra-op threads per worker process
    # Lines read with a mean character confidence below this are read again by the larger recognizer
    # (pipeline/second_opinion.py); 0 switches it off; None: the engine's default.
    second_opinion_below: float | None = None
    # The fast recognizer's file (models/manifest.json): the float model with its class projection as one Gemm
    # and a one-channel grey input (the same text as the pinned file, less CPU), the same with three channels, the
    # pinned file itself, or the one with its last two stages' convs in INT8 too, derived at set-up (~9 % less CPU
    # per page, slightly worse text: bench/PERF_RESULTS.md).
    recognizer_model: str = "ppocrv6_tiny_rec_grey"
    # worker / queue behaviour (DESIGN.md §2)
    # A killed worker's page is offered again once its lease has expired and a sweep has run, so
    # lease + sweep_interval bounds recovery: 50 + 10 s stays within a minute. The lease must outlast
    # the hard limit (a page still running is never taken twice), so the limits shrink with it; a
    # 200 dpi page takes a few CPU seconds, and 40 s is left for the very large ones.
    page_soft_time_limit: int = 40
    page_time_limit: int = 45
    page_max_attempts: int = 3
    lease_seconds: int = 50
    # Seconds the split task may spend reading text-layer pages itself (0: every page gets its own task).
    split_read_budget: float = 2.0
    sweep_interval: float = 10.0  # a handful of indexed queries: cheap enough to run this often
    requeue_after: int = 120  # seconds a queued row may wait before the sweeper re-enqueues it
    retention_days: int = 30  # ended jobs' files and results are deleted after this (0: kept forever)
    # An uploaded file no job names (its API process died before the row committed) is deleted once it
    # is this old; the sweeper looks for such files once per this interval too.
    orphan_grace_seconds: int = 3600
    auth_required: bool = False
    # service (api/, workers/, db/)
    blob_store: str = "local"  # local | db (db: blobs in the database, readable from any machine)
    queue_prefix: str = ""  # prepended to every Celery queue name (isolates parallel deployments/tests)
    api_host: str = "127.0.0.1"
    api_port: int = 5000
    worker_concurrency: int = 2  # worker processes; each builds its own ONNX engine
    worker_max_memory_mb: int = 1500  # a worker child above this is recycled after its task
    broker_visibility_timeout: int = 3600  # Redis: unacked messages come back after this (> page_time_limit)
    heartbeat_interval: float = 5.0  # workers record they are alive this often
    worker_stale_after: float = 20.0  # /ready: a worker unseen for longer (four beats) is not counted
    log_level: str = "info"
    # webhooks (the webhooks package)
    webhook_allowed_networks: str = ""  # CIDRs that private/loopback callback addresses may be in
    webhook_secret: str = ""  # whsec_...: signs job callback_urls that are no registered endpoint
    webhook_timeout: float = 15.0  # seconds per attempt, connect to last byte
    webhook_schedule_scale: float = 1.0  # multiplies the retry schedule (tests shorten it)
    public_url: str = ""  # base of the links in webhook bodies (default http://api_host:api_port)
    # rate limits (api/limits.py), in the `limits` package's notation: "N/second;M/minute"
    ratelimit_enabled: bool = True
    ratelimit_per_key: str = "50/second;1500/minute"  # each API key (the embedded default: its one tenant)
    ratelimit_per_address: str = "10/second;60/minute"  # requests without a valid key, per client address
    ratelimit_storage: str = ""  # default: the broker's Redis, else this process's memory
    metrics_token: str = ""  # bearer token for /metrics and /ready (unset: loopback in the embedded default)
    # Reverse proxies in front of the API that set X-Forwarded-For/-Proto (0: the header is ignored,
    # so a client cannot choose its own rate-limit bucket by sending one).
    trusted_proxies: int = 0
    # POST /v1/ocr backpressure (api/engine_gate.py)
    sync_concurrency: int = 1  # pages the API process's own engine reads at once
    sync_max_wait: float = 5.0  # seconds a request may wait for the engine before a 503 (a few pages)
    sync_max_waiting: int = 4  # requests allowed to wait at once; more get a 503 at once

    @classmethod
    def from_env(cls, environ: dict | None = None, **overrides) -> "Settings":
        env = dict(os.environ if environ is None else environ)
        mode = _choice(env, "DOCPIPE_ENV", "development", ("development", "production", "test"))
        var_dir = Path(env.get("DOCPIPE_VAR_DIR") or ROOT / "var")
        s = cls(
            env=mode,
            var_dir=var_dir,
            database_url=env.get("DOCPIPE_DATABASE_URL") or f"sqlite:///{var_dir / 'docpipe.db'}",
            broker_url=env.get("DOCPIPE_BROKER_URL") or f"sqla+sqlite:///{var_dir / 'broker.db'}",
            blob_dir=Path(env.get("DOCPIPE_BLOB_DIR") or var_dir / "blobs"),
            models_dir=Path(env.get("DOCPIPE_MODELS_DIR") or ROOT / "models" / "files"),
            max_upload_bytes=_int(env, "DOCPIPE_MAX_UPLOAD_BYTES", cls.max_upload_bytes, 1),
            max_pages=_int(env, "DOCPIPE_MAX_PAGES", cls.max_pages, 1),
            max_pixels=_int(env, "DOCPIPE_MAX_PIXELS", cls.max_pixels, 1),
            dpi=_int(env, "DOCPIPE_DPI", cls.dpi, 50),
            ocr_threads=_int(env, "DOCPIPE_OCR_THREADS", cls.ocr_threads, 1),
            second_opinion_below=(_float(env, "DOCPIPE_SECOND_OPINION_BELOW", 0.0, 0.0)
                                  if env.get("DOCPIPE_SECOND_OPINION_BELOW") else None),
            recognizer_model=_choice(env, "DOCPIPE_RECOGNIZER_MODEL", cls.recognizer_model,
                                     ("ppocrv6_tiny_rec_grey", "ppocrv6_tiny_rec_gemm", "ppocrv6_tiny_rec",
                                      "ppocrv6_tiny_rec_int8")),
            page_soft_time_limit=_int(env, "DOCPIPE_PAGE_SOFT_TIME_LIMIT", cls.page_soft_time_limit, 1),
            page_time_limit=_int(env, "DOCPIPE_PAGE_TIME_LIMIT", cls.page_time_limit, 1),
            page_max_attempts=_int(env, "DOCPIPE_PAGE_MAX_ATTEMPTS", cls.page_max_attempts, 1),
            lease_seconds=_int(env, "DOCPIPE_LEASE_SECONDS", cls.lease_seconds, 1),
            split_read_budget=_float(env, "DOCPIPE_SPLIT_READ_BUDGET", cls.split_read_budget, 0.0),
            sweep_interval=_float(env, "DOCPIPE_SWEEP_INTERVAL", cls.sweep_interval, 0.1),
            requeue_after=_int(env, "DOCPIPE_REQUEUE_AFTER", cls.requeue_after, 0),
            retention_days=_int(env, "DOCPIPE_RETENTION_DAYS", cls.retention_days, 0),
            orphan_grace_seconds=_int(env, "DOCPIPE_ORPHAN_GRACE_SECONDS", cls.orphan_grace_seconds, 60),
            auth_required=_bool(env, "DOCPIPE_AUTH_REQUIRED", mode == "production"),
            blob_store=_choice(env, "DOCPIPE_BLOB_STORE", cls.blob_store, ("local", "db")),
            queue_prefix=env.get("DOCPIPE_QUEUE_PREFIX", ""),
            api_host=env.get("DOCPIPE_API_HOST") or cls.api_host,
            api_port=_int(env, "DOCPIPE_API_PORT", cls.api_port, 1),
            worker_concurrency=_int(env, "DOCPIPE_WORKER_CONCURRENCY", cls.worker_concurrency, 1),
            worker_max_memory_mb=_int(env, "DOCPIPE_WORKER_MAX_MEMORY_MB", cls.worker_max_memory_mb, 100),
            broker_visibility_timeout=_int(
                env, "DOCPIPE_BROKER_VISIBILITY_TIMEOUT", cls.broker_visibility_timeout, 1
            ),
            heartbeat_interval=_float(env, "DOCPIPE_HEARTBEAT_INTERVAL", cls.heartbeat_interval, 0.1),
            worker_stale_after=_float(env, "DOCPIPE_WORKER_STALE_AFTER", cls.worker_stale_after, 0.1),
            log_level=_choice(env, "DOCPIPE_LOG_LEVEL", cls.log_level, ("debug", "info", "warning", "error")),
            webhook_allowed_networks=_networks(env, "DOCPIPE_WEBHOOK_ALLOWED_NETWORKS"),
            webhook_secret=_webhook_secret(env, "DOCPIPE_WEBHOOK_SECRET"),
            webhook_timeout=_float(env, "DOCPIPE_WEBHOOK_TIMEOUT", cls.webhook_timeout, 0.1),
            webhook_schedule_scale=_float(env, "DOCPIPE_WEBHOOK_SCHEDULE_SCALE", cls.webhook_schedule_scale, 0.0),
            public_url=(env.get("DOCPIPE_PUBLIC_URL") or "").rstrip("/"),
            ratelimit_enabled=_bool(env, "DOCPIPE_RATELIMIT_ENABLED", cls.ratelimit_enabled),
            ratelimit_per_key=_rate(env, "DOCPIPE_RATELIMIT_PER_KEY", cls.ratelimit_per_key),
            ratelimit_per_address=_rate(env, "DOCPIPE_RATELIMIT_PER_ADDRESS", cls.ratelimit_per_address),
            ratelimit_storage=_ratelimit_storage(env, "DOCPIPE_RATELIMIT_STORAGE"),
            metrics_token=env.get("DOCPIPE_METRICS_TOKEN", ""),
            trusted_proxies=_int(env, "DOCPIPE_TRUSTED_PROXIES", cls.trusted_proxies, 0),
            sync_concurrency=_int(env, "DOCPIPE_SYNC_CONCURRENCY", cls.sync_concurrency, 1),
            sync_max_wait=_float(env, "DOCPIPE_SYNC_MAX_WAIT", cls.sync_max_wait, 0.0),
            sync_max_waiting=_int(env, "DOCPIPE_SYNC_MAX_WAITING", cls.sync_max_waiting, 0),
        )
        if s.env == "production" and not s.auth_required:
            raise SettingsError("DOCPIPE_AUTH_REQUIRED cannot be false when DOCPIPE_ENV=production")
        if s.page_time_limit <= s.page_soft_time_limit:
            raise SettingsError("DOCPIPE_PAGE_TIME_LIMIT must be greater than DOCPIPE_PAGE_SOFT_TIME_LIMIT")
        if s.lease_seconds <= s.page_time_limit:
            raise SettingsError("DOCPIPE_LEASE_SECONDS must be greater than DOCPIPE_PAGE_TIME_LIMIT")
        if not s.auth_required and not is_loopback(s.api_host):
            # Without keys every caller is tenant "default": only safe when nobody else can connect.
            raise SettingsError("DOCPIPE_AUTH_REQUIRED must be true when DOCPIPE_API_HOST is not a loopback address")
        if s.broker_visibility_timeout <= s.page_time_limit:
            raise SettingsError(
                "DOCPIPE_BROKER_VISIBILITY_TIMEOUT must be greater than DOCPIPE_PAGE_TIME_LIMIT"
            )
        if s.queue_prefix and not _QUEUE_PREFIX.fullmatch(s.queue_prefix):
            raise SettingsError("DOCPIPE_QUEUE_PREFIX may hold only letters, digits, '.', '_' and '-'")
        return replace(s, **overrides) if overrides else s

    def queue(self, name: str) -> str:
        """The broker queue for ``interactive``, ``bulk`` or ``webhooks``."""
        return f"{self.queue_prefix}{name}"
