"""The bulk command's progress bar: files done (with tqdm's rate and ETA) plus pages and pages per second."""
from __future__ import annotations

import sys
import threading
import time

from tqdm import tqdm


class BulkProgress:
    def __init__(self, total_files: int, *, enabled: bool = True, pages_before: int = 0):
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._pages_this_run = 0
        self._pages_before = pages_before
        self._bar = tqdm(
            total=total_files,
            unit="file",
            desc="docpipe bulk",
            file=sys.stderr,
            disable=not enabled,
            dynamic_ncols=True,
        )
        self._refresh()

    def files_done(self, count: int = 1) -> None:
        with self._lock:
            self._bar.update(count)

    def pages_done(self, count: int) -> None:
        if count <= 0:
            return
        with self._lock:
            self._pages_this_run += count
            self._refresh()

    @property
    def pages_this_run(self) -> int:
        return self._pages_this_run

    def _refresh(self) -> None:
        elapsed = max(time.monotonic() - self._started, 1e-6)
        self._bar.set_postfix(
            pages=self._pages_before + self._pages_this_run,
            pages_per_s=f"{self._pages_this_run / elapsed:.2f}",
            refresh=False,
        )
        self._bar.refresh()

    def close(self) -> None:
        with self._lock:
            self._bar.close()
