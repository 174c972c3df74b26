"""Backpressure for answers given in the request (``POST /v1/ocr``, ``/ocr/predict``).

The API process's engine reads ``DOCPIPE_SYNC_CONCURRENCY`` pages at once. A request that
finds it busy waits at most ``DOCPIPE_SYNC_MAX_WAIT`` seconds, and at most
``DOCPIPE_SYNC_MAX_WAITING`` requests wait at all; beyond that the answer is 503
``engine_busy`` with ``Retry-After`` at once, rather than a queue that grows until every
client times out (bench/RESULTS.md, "Backpressure").
"""
from __future__ import annotations

import math
import threading
from contextlib import contextmanager

from api.errors import ServiceUnavailable


class EngineBusy(ServiceUnavailable):
    code = "engine_busy"


class EngineGate:
    def __init__(self, concurrency: int, max_wait: float, max_waiting: int):
        self.max_wait, self.max_waiting = max_wait, max_waiting
        self._slots = threading.BoundedSemaphore(concurrency)
        self._lock = threading.Lock()
        self._waiting = 0

    def _busy(self, why: str) -> EngineBusy:
        retry_after = max(1, math.ceil(self.max_wait))
        return EngineBusy(
            f"the OCR engine is busy ({why}); retry after {retry_after} s, or submit to POST /v1/jobs",
            details={"retry_after": retry_after},
            headers={"Retry-After": str(retry_after)},
        )

    @contextmanager
    def slot(self):
        """Hold one of the engine's slots for the block, or raise ``EngineBusy``."""
        if not self._slots.acquire(blocking=False):
            with self._lock:
                if self._waiting >= self.max_waiting:
                    raise self._busy(f"{self._waiting} requests already wait")
                self._waiting += 1
            try:
                got = self._slots.acquire(timeout=self.max_wait)
            finally:
                with self._lock:
                    self._waiting -= 1
            if not got:
                raise self._busy(f"no slot within {self.max_wait:g} s")
        try:
            yield
        finally:
            self._slots.release()
