"""The recognizer's class projection rewritten as one Gemm (bench/perf_gemm_projection.py) reads a rendered
line to the same probabilities, bit for bit; a graph without that MatMul + Add is left alone."""
import cv2
import numpy as np
import onnx
import onnxruntime as ort
import pytest

from bench.perf_gemm_projection import gemm_projection
from models import registry
from tests.factories import render_line_crop


def _session(model) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])


@pytest.mark.parametrize("text, font", [("A projection, fused: 42 lines.", "serif"), ("一页中文，读两遍。", "cjk")])
def test_the_gemm_gives_the_same_probabilities(text, font):
    path = registry.resolve("ppocrv6_tiny_rec")
    proto = onnx.load(str(path))
    assert gemm_projection(proto) is not None
    assert "Gemm" in {n.op_type for n in proto.graph.node}
    crop = render_line_crop(text, font, 30, scan=True)
    line = cv2.resize(crop, (round(crop.shape[1] * 48 / crop.shape[0]), 48), interpolation=cv2.INTER_AREA)
    x = np.repeat((line.astype(np.float32) / 127.5 - 1.0)[None, None], 3, axis=1)
    before, after = _session(str(path)), _session(proto.SerializeToString())
    name = before.get_inputs()[0].name
    assert np.array_equal(before.run(None, {name: x})[0], after.run(None, {name: x})[0])


def test_a_graph_without_the_projection_is_left_alone():
    proto = onnx.load(str(registry.resolve("ppocrv6_tiny_det")))
    nodes = len(proto.graph.node)
    assert gemm_projection(proto) is None
    assert len(proto.graph.node) == nodes
