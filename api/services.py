"""What the request handlers share, built once per API process by ``create_app``."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from flask import current_app

from db.blobs import blob_store
from db.session import Database
from workers.celery_app import create_celery
from workers.queues import Enqueuer


@dataclass
class Services:
    settings: object
    database: Database
    blobs: object
    enqueuer: Enqueuer
    gate: object = None  # api.engine_gate.EngineGate for the sync route
    default_tenant_id: str | None = None
    _engine: object = None
    _engine_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def build(cls, settings) -> "Services":
        from api.engine_gate import EngineGate

        database = Database.for_url(settings.database_url)
        return cls(
            settings=settings,
            database=database,
            blobs=blob_store(settings, database),
            enqueuer=Enqueuer(create_celery(settings), settings),
            gate=EngineGate(settings.sync_concurrency, settings.sync_max_wait, settings.sync_max_waiting),
        )

    def engine(self):
        """The API process's own OCR engine, for answers given in the request (built on first use)."""
        if self._engine is None:
            with self._engine_lock:
                if self._engine is None:
                    from pipeline import Engine, EngineConfig, SecondOpinionSettings

                    self._engine = Engine(EngineConfig(
                        models_dir=self.settings.models_dir, threads=self.settings.ocr_threads,
                        # Answers within the request, with the fast recognizer alone: the larger one would cost
                        # every API process its memory (each must stay under 600 MB) and every answer its time.
                        second_opinion=SecondOpinionSettings(below=0),
                        recognizer_model=self.settings.recognizer_model,
                    ))
        return self._engine


def services() -> Services:
    return current_app.extensions["docpipe"]
