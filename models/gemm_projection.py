"""A recognizer whose class projection is one Gemm, derived at set-up from the pinned model.

Each recognizer ends in MatMul → Add (bias) → Softmax over its classes. ONNX
Runtime fuses MatMul + Add into a Gemm only for 2-D inputs, and the
recognizer's is (batch, steps, channels), so the bias is added in a second
pass over the network's widest tensor. Here the pair becomes Reshape → Gemm →
Reshape: the same probabilities bit for bit, less CPU (bench/PERF_RESULTS.md).
Done at set-up, not at engine load, because importing ``onnx`` costs more
than a worker's model load may; the graph edit adds nothing random, so the
file has the same bytes each time and is pinned by sha256 in the manifest.
Needs ``onnx`` (requirements.txt: only set-up imports this module).
"""
from __future__ import annotations



class ProjectionNotFound(Exception):
    """The graph does not end in MatMul → Add → Softmax with constant weights and bias."""


def _projection(graph):
    """The (MatMul, Add) pair that feeds the graph's output Softmax, Identity nodes skipped."""
    made_by = {out: node for node in graph.node for out in node.output}
    outputs = {o.name for o in graph.output}
    consts = {i.name for i in graph.initializer}
    softmax = next((n for n in graph.node if n.op_type == "Softmax" and n.output[0] in outputs), None)
    add = made_by.get(softmax.input[0]) if softmax is not None else None
    while add is not None and add.op_type == "Identity":
        add = made_by.get(add.input[0])
    if add is None or add.op_type != "Add" or add.input[1] not in consts:
        raise ProjectionNotFound("no bias Add before the output Softmax")
    matmul = made_by.get(add.input[0])
    if matmul is None or matmul.op_type != "MatMul" or matmul.input[1] not in consts:
        raise ProjectionNotFound("the bias Add is not fed by a MatMul with constant weights")
    # The product must feed only the Add, or removing it would starve another node.
    if sum(matmul.output[0] in n.input for n in graph.node) != 1 or matmul.output[0] in outputs:
        raise ProjectionNotFound("the MatMul's product is used elsewhere too")
    return matmul, add


def rewrite(model) -> str:
    """Replace, in ``model`` (an ``onnx.ModelProto``), the projection by Reshape → Gemm → Reshape.

    The input is flattened to (rows, channels), multiplied with the bias inside
    the Gemm, and given back its leading dimensions. Returns the MatMul's name.
    """
    import numpy as np
    from onnx import helper, numpy_helper

    graph = model.graph
    matmul, add = _projection(graph)
    weights = next(i for i in graph.initializer if i.name == matmul.input[1])
    channels, classes = weights.dims
    x, y, p = matmul.input[0], add.output[0], matmul.name + "/gemm/"
    graph.initializer.extend(numpy_helper.from_array(np.array(v, np.int64), p + name) for name, v in (
        ("rows", [-1, channels]), ("start", [0]), ("end", [-1]), ("classes", [classes])))
    nodes = [
        helper.make_node("Shape", [x], [p + "x_shape"], name=p + "shape"),
        helper.make_node("Slice", [p + "x_shape", p + "start", p + "end"], [p + "lead"], name=p + "lead"),
        helper.make_node("Concat", [p + "lead", p + "classes"], [p + "y_shape"], axis=0, name=p + "y_shape"),
        helper.make_node("Reshape", [x, p + "rows"], [p + "x2"], name=p + "flatten"),
        helper.make_node("Gemm", [p + "x2", matmul.input[1], add.input[1]], [p + "y2"], name=p + "gemm"),
        helper.make_node("Reshape", [p + "y2", p + "y_shape"], [y], name=p + "unflatten"),
    ]
    at = list(graph.node).index(matmul)
    graph.node.remove(matmul)
    graph.node.remove(add)
    for i, node in enumerate(nodes):
        graph.node.insert(at + i, node)
    # The product no longer exists; a shape recorded for it would describe nothing.
    stale = [v for v in graph.value_info if v.name == matmul.output[0]]
    for v in stale:
        graph.value_info.remove(v)
    return matmul.name
