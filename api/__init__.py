"""The HTTP API: ``create_app(settings)`` builds the Flask (apiflask) application.

    gunicorn 'api:create_app()'     # settings from the environment
"""
from __future__ import annotations

import importlib.util
import logging

from apiflask import APIFlask
from werkzeug.middleware.proxy_fix import ProxyFix

from api import errors, guards, openapi_doc
from api.schemas import ErrorEnvelope
from api.services import Services
from db.tenants import DEFAULT_TENANT, ensure_tenant
from db.migrate import upgrade

# Multipart and base64 add overhead on top of the file bytes; the exact per-file
# limit is checked after parsing (file_too_large), this only stops runaway bodies.
_BODY_OVERHEAD = 1024 * 1024


def create_app(settings=None, *, migrate: bool = True) -> APIFlask:
    if settings is None:
        from settings import Settings

        settings = Settings.from_env()
    app = APIFlask(__name__, title="docpipe", version="1", spec_path="/openapi.json", docs_path="/docs")
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_upload_bytes * 4 // 3 + _BODY_OVERHEAD,
        MAX_FORM_MEMORY_SIZE=1024 * 1024,
        JSON_SORT_KEYS=False,
        VALIDATION_ERROR_STATUS_CODE=422,
        # Every error answer is the envelope (api/errors.py); the document says so.
        HTTP_ERROR_SCHEMA=ErrorEnvelope,
        VALIDATION_ERROR_SCHEMA=ErrorEnvelope,
        SYNC_LOCAL_SPEC=False,
        INFO={"description": "Submit documents for OCR and read per-page results. Errors: "
              '{"error": {"code", "message", "details"}}.'},
        SECURITY_SCHEMES={"BearerAuth": {"type": "http", "scheme": "bearer"}},
    )
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    svc = Services.build(settings)
    if migrate:
        upgrade(svc.database)
    with svc.database.session() as s:
        svc.default_tenant_id = ensure_tenant(s, DEFAULT_TENANT).id
    app.extensions["docpipe"] = svc
    if settings.trusted_proxies:
        # The client's address (rate limits, logs, the loopback check of /metrics) and scheme as the
        # last N proxies saw them; without proxies the headers are the client's own and are ignored.
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=0, x_port=0, x_prefix=0)

    errors.register(app)
    guards.register(app)
    from api import (batches, docs_assets, exports, fields, health, jobs, limits, ocr_sync, retention, table_exports,
                     webhooks)

    docs_assets.configure(app)
    limits.init_app(app, settings)
    # apiflask keeps one spec processor: the envelope-wide answers first, then 429 where limits apply.
    app.spec_processor(lambda spec: limits.document_429(openapi_doc.document(spec)))

    for bp in (jobs.bp, retention.bp, exports.bp, ocr_sync.bp, health.bp, webhooks.bp, batches.bp, table_exports.bp,
               fields.bp):
        app.register_blueprint(bp)
    if importlib.util.find_spec("api.web") is not None:
        from api import web

        app.register_blueprint(web.bp)
    return app
