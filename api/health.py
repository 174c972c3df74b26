"""Liveness, readiness and Prometheus metrics.

Metrics are read from the database at scrape time (jobs and pages by
state, the page latency histogram the workers accumulate there) and from
the broker (queue depth), so one scrape of any API process sees the whole
deployment, however many worker machines there are.
"""
from __future__ import annotations

from apiflask import APIBlueprint
from flask import Response, current_app
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import text

from api.auth import require_operator
from api.limits import refused_counter
from api.schemas import HealthOut, ReadyOut
from api.services import services
from db.telemetry import count_by_status, live_workers, stage_latencies
from db.models import LATENCY_BUCKETS
from db.states import JobStatus, PageStatus
from workers.queues import OCR_QUEUES, WEBHOOKS

bp = APIBlueprint("health", __name__, tag="Health")


@bp.get("/health")
@bp.output(HealthOut)
@bp.doc(summary="The process is up")
def health():
    return {"status": "ok"}


def _check(fn):
    try:
        ok, detail = fn()
    except Exception as exc:  # noqa: BLE001 - readiness reports, it does not raise
        return {"ok": False, "detail": f"{type(exc).__name__}: {exc}"[:300]}
    return {"ok": ok, "detail": detail}


def ocr_workers(svc, live) -> list:
    """Live workers that read pages: a webhook worker alone cannot make the service ready."""
    ocr_queues = {svc.settings.queue(name) for name in OCR_QUEUES}
    return [w for w in live if ocr_queues & set((w.queues or "").split(","))]


@bp.get("/ready")
@bp.output(ReadyOut)
@bp.doc(summary="Database, broker and at least one live OCR worker (metrics token or loopback)", responses={
    401: "No metrics token",
    503: {"description": "Not ready: the same body, naming the failing check",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReadyOut"}}}}})
def ready():
    require_operator()
    svc = services()

    def database():
        with svc.database.session() as s:
            s.execute(text("SELECT 1"))
        return True, svc.database.engine.dialect.name

    def broker():
        depth = svc.enqueuer.depth("interactive")
        return depth is not None, "reachable" if depth is not None else "unreachable"

    def workers():
        with svc.database.session() as s:
            live = ocr_workers(svc, live_workers(s, svc.settings.worker_stale_after))
        return bool(live), {"live": len(live), "hostnames": sorted(w.hostname for w in live)}

    checks = {"database": _check(database), "broker": _check(broker), "workers": _check(workers)}
    ok = all(c["ok"] for c in checks.values())
    return {"ready": ok, "checks": checks}, 200 if ok else 503


class _DeploymentCollector:
    def __init__(self, svc):
        self.svc = svc

    def collect(self):
        with self.svc.database.session() as s:
            jobs, pages = count_by_status(s)
            latencies = stage_latencies(s)
            live = len(live_workers(s, self.svc.settings.worker_stale_after))
        g = GaugeMetricFamily("docpipe_jobs", "Jobs by state", labels=["state"])
        for state in JobStatus:
            g.add_metric([state], jobs.get(state, 0))
        yield g
        g = GaugeMetricFamily("docpipe_pages", "Pages by state", labels=["state"])
        for state in PageStatus:
            g.add_metric([state], pages.get(state, 0))
        yield g
        g = GaugeMetricFamily("docpipe_queue_depth", "Messages waiting in each broker queue", labels=["queue"])
        for name in (*OCR_QUEUES, WEBHOOKS):
            depth = self.svc.enqueuer.depth(name)
            if depth is not None:
                g.add_metric([name], depth)
        yield g
        yield GaugeMetricFamily("docpipe_workers_live", "Workers with a recent heartbeat", value=live)
        h = HistogramMetricFamily("docpipe_page_stage_seconds", "Page processing time by stage", labels=["stage"])
        for stage, buckets in sorted(latencies.items()):
            cumulative, rows = 0, []
            for i, le in enumerate(LATENCY_BUCKETS):
                cumulative += buckets.get(i, (0, 0.0))[0]
                rows.append((repr(float(le)), cumulative))
            cumulative += buckets.get(-1, (0, 0.0))[0]
            rows.append(("+Inf", cumulative))
            total = sum(t for _, t in buckets.values())
            h.add_metric([stage], rows, total)
        yield h


@bp.get("/metrics")
@bp.doc(summary="Prometheus metrics (metrics token or loopback)", responses={
    200: {"description": "text/plain exposition format", "content": {"text/plain": {"schema": {"type": "string"}}}},
    401: "No metrics token"})
def metrics():
    require_operator()
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_DeploymentCollector(services()))
    # This process's refusals (429, sync 503): Prometheus sums them over the API processes it scrapes.
    registry.register(refused_counter(current_app))
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST.split(";")[0], content_type=CONTENT_TYPE_LATEST)
