"""A recognizer with chosen layers in INT8, derived at set-up from the pinned float model.

Static quantization (QDQ, per-channel INT8 weights, UINT8 activations) of
the named nodes only; the rest of the network stays in float. Activation
ranges come from a calibration file (ONNX Runtime's calibration-cache JSON,
written by ``bench.perf_quant calibrate``), so deriving needs no images and
gives the same bytes each time with the pinned onnx/onnxruntime: the file
``models.setup`` makes is checked against its sha256 in the manifest like
the extracted ones. Which nodes, and why, in bench/PERF_RESULTS.md.
Needs ``onnx`` (requirements.txt: only set-up imports this module).
"""
from __future__ import annotations

import logging
import tempfile
from pathlib import Path

OPSET = 17  # per-channel QDQ needs opset >= 13; the shipped model is opset 11


def prepare(src: Path, dst: Path) -> Path:
    """The float model at opset 17 with ORT's basic fusions (BN and bias into Conv).

    Quantizing a Conv whose bias is a separate Add would put its output
    through INT8 before the bias; fused, the bias stays in INT32.
    """
    import onnx
    from onnx import version_converter
    from onnxruntime.quantization.shape_inference import quant_pre_process

    with tempfile.TemporaryDirectory(prefix="docpipe_quant_") as tmp:
        upgraded = Path(tmp) / "opset.onnx"
        onnx.save(version_converter.convert_version(onnx.load(str(src)), OPSET), str(upgraded))
        # Symbolic shape inference needs sympy and is only for transformer graphs.
        quant_pre_process(str(upgraded), str(dst), skip_symbolic_shape=True)
    model = onnx.load(str(dst))
    if fuse_gelu(model):
        onnx.save(model, str(dst))
    return dst


def fuse_gelu(model) -> int:
    """Replace each exported Gelu (x * (erf(x / sqrt 2) + 1) * 0.5) by one ``com.microsoft`` Gelu node.

    ORT fuses the pattern itself in a float model, but in a QDQ model it gives each
    consumer of x its own DequantizeLinear, so the pattern no longer matches and
    the five element-wise ops run one by one (slower than the INT8 convs gain).
    Returns how many were replaced.
    """
    import onnx
    from onnx import numpy_helper

    graph = model.graph
    consts = {i.name: numpy_helper.to_array(i) for i in graph.initializer if not i.dims}
    consumers: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)

    def only(name, op):
        nodes = consumers.get(name, [])
        return nodes[0] if len(nodes) == 1 and nodes[0].op_type == op else None

    def const(name, value):
        return name in consts and abs(float(consts[name]) - value) < 1e-6

    drop, fused = set(), []
    for div in graph.node:
        if div.op_type != "Div" or not const(div.input[1], 2 ** 0.5):
            continue
        x = div.input[0]
        erf = only(div.output[0], "Erf")
        add = erf and only(erf.output[0], "Add")
        mul = add and only(add.output[0], "Mul")
        half = mul and only(mul.output[0], "Mul")
        if not (half and const(add.input[1], 1.0) and x in mul.input and const(half.input[1], 0.5)):
            continue
        drop.update(id(n) for n in (div, erf, add, mul, half))
        fused.append((div, onnx.helper.make_node("Gelu", [x], [half.output[0]], name=f"Gelu.{len(fused)}",
                                                 domain="com.microsoft")))
    if not fused:
        return 0
    at = {id(div): gelu for div, gelu in fused}
    nodes = [at.get(id(n), n) for n in graph.node if id(n) not in drop or id(n) in at]
    del graph.node[:]
    graph.node.extend(nodes)
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(onnx.helper.make_opsetid("com.microsoft", 1))
    return len(fused)


def quantize(src: Path, dst: Path, calibration: Path, nodes: list[str]) -> Path:
    """Write the INT8 model for ``src`` (the float file) to ``dst``."""
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static

    dst.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="docpipe_quant_") as tmp:
        prepared = prepare(src, Path(tmp) / "prepared.onnx")
        import onnxruntime as ort

        level = logging.getLogger().level
        logging.getLogger().setLevel(logging.ERROR)  # ORT warns about pre-processing it cannot detect
        # ... and, from its sessions, about the constants the Gelu fusion left unused (it drops them itself).
        ort.set_default_logger_severity(3)
        try:
            quantize_static(
                str(prepared), str(dst), None, calibration_cache_path=str(calibration),
                quant_format=QuantFormat.QDQ, per_channel=True, reduce_range=False,
                activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                nodes_to_quantize=list(nodes), calibrate_method=CalibrationMethod.MinMax,
            )
        finally:
            logging.getLogger().setLevel(level)
            ort.set_default_logger_severity(2)  # ORT's default: warnings
    return dst
