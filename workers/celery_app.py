"""The Celery application, built from Settings (``celery -A workers.celery_app worker``).

``app`` is created on first access, so importing this module to call
``create_celery(settings)`` (the API does) reads no environment.
"""
from __future__ import annotations

from celery import Celery
from kombu import Queue

from webhooks.tasks import DISPATCH_INTERVAL, DISPATCH_WEBHOOKS
from workers import redis_broker, sqla_broker
from workers.queues import OCR_PAGE, SWEEP, WEBHOOKS, queue_names


def _transport_options(settings) -> dict:
    # Redis re-delivers an unacknowledged message after visibility_timeout; it must
    # exceed the longest a task may run, or a slow page would go to a second worker.
    if settings.broker_url.startswith("sqla+"):
        # Kombu hands these to SQLAlchemy's create_engine: wait for SQLite's lock, don't fail.
        return {"connect_args": {"timeout": 30}}
    options = {"visibility_timeout": settings.broker_visibility_timeout}
    if settings.queue_prefix and settings.broker_url.startswith(("redis://", "rediss://")):
        # Also prefix Redis's own bookkeeping keys (unacked, bindings), not just queue names.
        options["global_keyprefix"] = settings.queue_prefix
    return options


def create_celery(settings) -> Celery:
    if settings.broker_url.startswith("sqla+"):
        sqla_broker.install()  # polled every 0.1 s, not every second
    elif settings.broker_url.startswith(("redis://", "rediss://")):
        redis_broker.install()  # survives Redis going away while a task is acknowledged
    app = Celery("docpipe", broker=settings.broker_url, include=["workers.tasks", "webhooks.tasks"])
    app.conf.update(
        # JSON only: a message can never make a worker unpickle code.
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        # The database holds every outcome; Celery keeps none.
        task_ignore_result=True,
        result_backend=None,
        # A message is acknowledged after its task ran, and given back when the
        # process running it dies, so a killed worker loses no page.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # When the broker connection drops, running tasks can no longer be acknowledged:
        # cancel them (the page's lease expires and the sweeper offers it again).
        worker_cancel_long_running_tasks_on_connection_loss=True,
        worker_concurrency=settings.worker_concurrency,
        worker_max_memory_per_child=settings.worker_max_memory_mb * 1024,
        task_annotations={
            OCR_PAGE: {"soft_time_limit": settings.page_soft_time_limit, "time_limit": settings.page_time_limit}
        },
        task_queues=[Queue(name, routing_key=name) for name in queue_names(settings)],
        task_default_queue=settings.queue("interactive"),
        task_create_missing_queues=False,
        broker_transport_options=_transport_options(settings),
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=5,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        # Beat runs the sweep itself (workers/beat.py), so it never waits behind OCR work; the options
        # only matter to a beat started with another scheduler (-S), which sends it as a task.
        beat_scheduler="workers.beat:SweepingScheduler",
        beat_schedule={
            "sweep": {
                "task": SWEEP,
                "schedule": settings.sweep_interval,
                "options": {"queue": settings.queue("interactive"), "expires": max(settings.sweep_interval, 5.0)},
            },
            # Webhook fan-out every few seconds on the webhooks queue: callbacks need not wait for the sweep.
            "dispatch-webhooks": {
                "task": DISPATCH_WEBHOOKS,
                "schedule": min(settings.sweep_interval, DISPATCH_INTERVAL),
                "options": {"queue": settings.queue(WEBHOOKS), "expires": DISPATCH_INTERVAL},
            },
        },
        beat_schedule_filename=str(settings.var_dir / f"celerybeat-schedule{settings.queue_prefix}"),
    )
    app.docpipe_settings = settings
    return app


def __getattr__(name: str):
    if name in ("app", "celery"):
        from settings import Settings
        from workers import lifecycle

        built = create_celery(Settings.from_env())
        lifecycle.install(built)
        globals()["app"] = globals()["celery"] = built
        return built
    raise AttributeError(name)
