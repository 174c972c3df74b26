"""docpipe in a process of its own, the way a worker runs it.

The benchmark process also renders pages and aligns texts; its heap would
count toward any memory figure taken there. Here only the engine lives in the
child (started with ``spawn``: a fresh interpreter importing just ``pipeline``),
so the peak RSS read around each page is the engine's. Wall and CPU time are
taken inside the child too, without the pipe.
"""
from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

_runner: "DocpipeRunner | None" = None  # one per child process


def _rss_mb(field: str) -> float | None:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return None


def _reset_peak_rss() -> bool:
    """Reset the RSS high-water mark to the current RSS (Linux ≥ 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


class EngineUnavailableError(RuntimeError):
    code = "engine_unavailable"


class DocpipeRunner:
    """docpipe through its public entry point, the engine built once."""

    def __init__(self, models_dir: Path, threads: int, dpi: int):
        # Imported here so `--engines tesseract` works on a tree without the engine.
        from pipeline import Engine, EngineConfig, Options, PipelineError, open_document

        self._open, self._error = open_document, PipelineError
        self.rss_before_engine_mb = _rss_mb("VmRSS")
        self.engine = Engine(EngineConfig(models_dir=models_dir, threads=threads))
        self.options = Options(mode="ocr", dpi=dpi)

    def model_info(self) -> dict:
        return dict(self.engine.model_info())

    def run(self, data: bytes) -> dict:
        reset = _reset_peak_rss()
        rss_before = _rss_mb("VmRSS")
        wall0, cpu0 = time.perf_counter(), time.process_time()
        try:
            with self._open(data) as doc:
                result = self.engine.process_page(doc, 1, self.options)
        except self._error as exc:  # a failed page counts as empty text, and is reported
            return {"text": "", "error": exc.code, "message": exc.message,
                    "wall_s": time.perf_counter() - wall0, "cpu_s": time.process_time() - cpu0}
        except Exception as exc:  # an engine bug: report it and keep benchmarking the other pages
            return {"text": "", "error": "unexpected_error", "message": f"{type(exc).__name__}: {exc}",
                    "wall_s": time.perf_counter() - wall0, "cpu_s": time.process_time() - cpu0}
        return {
            "text": result.text,
            "wall_s": time.perf_counter() - wall0,
            # process CPU time covers every thread, so it shows if "one thread" leaks
            "cpu_s": time.process_time() - cpu0,
            "timings": dict(result.timings),
            "confidence": result.confidence,
            "lines": len(result.lines),
            "preprocessing": dict(result.preprocessing),
            "rss_before_mb": rss_before,
            "peak_rss_mb": _rss_mb("VmHWM") if reset else None,
        }


def _info(models_dir: Path, threads: int, dpi: int) -> dict:
    """Build the engine (a task, not the pool's initializer, so a missing model
    comes back as the engine's own error instead of a dead pool)."""
    global _runner
    _runner = DocpipeRunner(models_dir, threads, dpi)
    return {"models": _runner.model_info(), "rss_before_engine_mb": _runner.rss_before_engine_mb,
            "rss_after_engine_mb": _rss_mb("VmRSS")}


def _run(data: bytes) -> dict:
    return _runner.run(data)


class DocpipeProcess:
    """One worker process holding the engine; ``run(png_bytes)`` → result dict.

    If the worker dies (a crash in native code, the OOM killer), that page is
    recorded as failed and a fresh worker is started for the next one.
    """

    def __init__(self, models_dir: Path, threads: int, dpi: int):
        self._args = (models_dir, threads, dpi)
        self._start_pool()

    def _start_pool(self) -> None:
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        try:
            self.info = self._pool.submit(_info, *self._args).result()
        except Exception as exc:
            self._pool.shutdown(wait=False)
            raise EngineUnavailableError(f"docpipe's engine could not be built: {type(exc).__name__}: {exc}") from exc

    def run(self, data: bytes) -> dict:
        try:
            return self._pool.submit(_run, data).result()
        except BrokenProcessPool as exc:
            self._pool.shutdown(wait=False)
            self._start_pool()
            return {"text": "", "error": "worker_lost", "message": str(exc), "wall_s": 0.0, "cpu_s": 0.0}

    def close(self) -> None:
        self._pool.shutdown(wait=True)
