"""One ONNX Runtime session, configured once: threads, provider, errors.

Every model in the pipeline runs through ``OnnxSession`` so thread limits
and error wrapping live in one place. A failure inside ONNX Runtime becomes
an ``InferenceError`` (code ``inference_failed``), never an empty result.
"""
from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import onnxruntime as ort

from pipeline.errors import InferenceError, ModelError

_arena_lock = threading.Lock()
_arena_registered = False


def _share_one_arena(opts: ort.SessionOptions) -> None:
    """Make the session allocate from the process's one CPU arena, registered with ORT's environment once."""
    global _arena_registered
    with _arena_lock:
        if not _arena_registered:
            info = ort.OrtMemoryInfo("Cpu", ort.OrtAllocatorType.ORT_ARENA_ALLOCATOR, 0, ort.OrtMemType.DEFAULT)
            # ORT's defaults: no limit, the arena grows by powers of two (growing by what each
            # request asks, its other strategy, fragmented it to twice the peak here).
            ort.create_and_register_allocator(info, ort.OrtArenaCfg(0, 0, -1, -1))
            _arena_registered = True
    opts.add_session_config_entry("session.use_env_allocators", "1")


class OnnxSession:
    def __init__(self, path: Path, *, threads: int = 1):
        opts = ort.SessionOptions()
        # Parallelism comes from running pages in separate worker processes;
        # inside one session we only use the intra-op threads we were given.
        opts.intra_op_num_threads = max(1, int(threads))
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        # Keep ORT's memory arena: without it whole pages were 13 % slower (1.16 vs 1.01 s
        # CPU per page). One arena for every session of the process: an arena never shrinks,
        # and each model's own would end the size of its largest input ever; the models run
        # one after the other, so one arena serves them all (bench/PERF_RESULTS.md).
        opts.enable_cpu_mem_arena = True
        _share_one_arena(opts)
        # No memory pattern: it plans buffers per input shape, and line widths
        # (and page sizes) differ on every call, so the plans only add up
        # (bench/PERF_RESULTS.md: a page's peak RSS lower, same CPU and text).
        opts.enable_mem_pattern = False
        try:
            self._session = ort.InferenceSession(
                str(path), sess_options=opts, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # ORT raises its own untyped errors
            raise ModelError(f"could not load model {path}: {exc}; run `make models`") from exc
        self.path = Path(path)
        self.input_name = self._session.get_inputs()[0].name
        self.output_names = [o.name for o in self._session.get_outputs()]
        self.input_shape = self._session.get_inputs()[0].shape
        self.output_shape = self._session.get_outputs()[0].shape
        self.metadata = dict(self._session.get_modelmeta().custom_metadata_map)

    def run(self, batch: np.ndarray) -> np.ndarray:
        try:
            return self._session.run(self.output_names, {self.input_name: batch})[0]
        except Exception as exc:
            raise InferenceError(
                f"{self.path.name} failed on input {tuple(batch.shape)}: {exc}",
                details={"model": self.path.name, "shape": list(batch.shape)},
            ) from exc
