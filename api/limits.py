"""Rate limits (Flask-Limiter): a budget per API key, and one per client address for requests
without a valid key, so guessing keys is as slow as the address budget allows.

Counters live in the broker's Redis when there is one (every API process and machine spends
the same budget) and in this process's memory in the embedded default. A refused request gets
429 ``rate_limited`` in the error envelope with ``Retry-After``, and is counted in /metrics
(``docpipe_requests_refused_total{route, reason}``, with the sync route's 503s beside it).
"""
from __future__ import annotations

import math
import time

from flask import g, request
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded
from prometheus_client import Counter

from api.auth import identify
from api.errors import envelope

# Liveness must answer however busy a client is; static files are the page's own assets.
_EXEMPT_ENDPOINTS = {"health.health", "ocr_sync.ocr_health", "openapi.spec", "openapi.docs", "docs_assets.asset"}

REFUSED = "docpipe_refused"


def _key_of_caller() -> str:
    return identify().key_id


def _address() -> str:
    return "addr:" + (request.remote_addr or "unknown")


def _has_key() -> bool:
    return identify().tenant_id is not None


def _exempt() -> bool:
    endpoint = request.endpoint or ""
    return endpoint in _EXEMPT_ENDPOINTS or endpoint == "static" or endpoint.endswith(".static")


def refused_counter(app) -> Counter:
    """This app's count of refused requests (429 here, 503 from the sync route's gate)."""
    return app.extensions[REFUSED]


def count_refusal(app, reason: str) -> None:
    route = request.url_rule.rule if request.url_rule else "unknown"
    refused_counter(app).labels(route=route, reason=reason).inc()


def init_app(app, settings) -> Limiter:
    # Own registry (None): several apps in one process (tests) must not collide in the global one.
    app.extensions[REFUSED] = Counter(
        "docpipe_requests_refused", "Requests refused by a rate limit or a saturated engine",
        ["route", "reason"], registry=None,
    )

    def on_breach(limit) -> None:
        g.docpipe_retry_after = max(1, math.ceil(limit.reset_at - time.time()))
        g.docpipe_limit_scope = "address" if "addr:" in limit.key else "key"
        count_refusal(app, f"rate_limit_{g.docpipe_limit_scope}")

    storage = settings.ratelimit_storage or "memory://"
    limiter = Limiter(
        key_func=_address,
        application_limits=[
            ApplicationLimit(settings.ratelimit_per_key, key_function=_key_of_caller, scope="key",
                             exempt_when=lambda: not _has_key()),
            ApplicationLimit(settings.ratelimit_per_address, key_function=_address, scope="address",
                             exempt_when=_has_key),
        ],
        # Approximates a moving window with two counters per key: constant memory in Redis.
        strategy="sliding-window-counter",
        storage_uri=storage,
        storage_options={"socket_connect_timeout": 1, "socket_timeout": 1} if storage.startswith("redis") else {},
        key_prefix=f"docpipe{settings.queue_prefix}",
        # Redis down must not take the API down with it: count in memory until it is back.
        in_memory_fallback_enabled=True,
        swallow_errors=True,
        headers_enabled=False,
        on_breach=on_breach,
        enabled=settings.ratelimit_enabled,
    )
    limiter.request_filter(_exempt)
    limiter.init_app(app)

    @app.errorhandler(RateLimitExceeded)
    def _rate_limited(exc):
        retry_after = getattr(g, "docpipe_retry_after", 1)
        scope = getattr(g, "docpipe_limit_scope", "key")
        body = envelope(
            "rate_limited",
            f"too many requests for this {'API key' if scope == 'key' else 'client address'}; "
            f"retry after {retry_after} s",
            {"limit": exc.description, "scope": scope, "retry_after": retry_after},
        )
        return body, 429, {"Retry-After": str(retry_after)}

    return limiter


def document_429(spec: dict) -> dict:
    """apiflask spec processor: every operation but liveness may answer 429."""
    for path, operations in spec.get("paths", {}).items():
        if path in ("/health", "/ocr/health"):
            continue
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("429", {"description": "Rate limited (see Retry-After)"})
    return spec
