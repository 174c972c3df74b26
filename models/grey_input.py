"""A recognizer that takes its grey line as one channel, derived at set-up.

The recognizers are trained on colour and take three channels; docpipe reads
grey pages and feeds the same values on all three, so the first convolution
computes each of its sums three times over equal inputs. Here its weights are
summed over the input channels and the input is declared one channel wide: the
same function up to the order of float additions (bench/RESULTS.md: tiny20).
Done at set-up for the reason models/gemm_projection.py gives.
Needs ``onnx`` (requirements.txt: only set-up imports this module).
"""
from __future__ import annotations



class GreyInputNotFound(Exception):
    """The graph's input is not a three-channel image read by exactly one Conv with constant weights."""


def rewrite(model) -> str:
    """Make ``model``'s (an ``onnx.ModelProto``) input one channel wide. Returns the first Conv's name."""
    from onnx import numpy_helper

    graph = model.graph
    x = graph.input[0]
    dims = x.type.tensor_type.shape.dim
    readers = [n for n in graph.node if x.name in n.input]
    consts = {i.name: i for i in graph.initializer}
    if len(dims) != 4 or dims[1].dim_value != 3:
        raise GreyInputNotFound("the input is not (batch, 3, height, width)")
    if len(readers) != 1 or readers[0].op_type != "Conv" or list(readers[0].input[:1]) != [x.name] \
            or readers[0].input[1] not in consts:
        raise GreyInputNotFound("the input is not read by one Conv with constant weights")
    conv = readers[0]
    if sum(conv.input[1] in n.input for n in graph.node) != 1:
        raise GreyInputNotFound("the first Conv's weights are used elsewhere too")
    if any(a.name == "group" and a.i != 1 for a in conv.attribute):
        raise GreyInputNotFound("the first Conv is grouped")
    weights = consts[conv.input[1]]
    summed = numpy_helper.to_array(weights).sum(axis=1, keepdims=True)
    weights.CopyFrom(numpy_helper.from_array(summed.astype(numpy_helper.to_array(weights).dtype), weights.name))
    dims[1].dim_value = 1
    return conv.name
