"""The recognizer in INT8, derived from the pinned float model.

Static quantization (QDQ, per-channel INT8 weights, UINT8 activations) of
the named nodes only; the rest of the network stays in float. Activation
ranges come from a calibration file (ONNX Runtime's calibration-cache JSON,
written by ``bench.perf_quant calibrate``), so deriving needs no images and
gives the same bytes each time with the pinned onnx/onnxruntime: a file
that set-up could make and check against a sha256 in the manifest. Not used
by the engine: on the corpus the INT8 text was worse than the bar allows
(bench/PERF_RESULTS.md); ``bench.perf_quant`` uses it for the experiments.
Needs ``onnx`` (requirements-dev).
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
    return dst


def quantize(src: Path, dst: Path, calibration: Path, nodes: list[str]) -> Path:
    """Write the INT8 model for ``src`` (the float file) to ``dst``."""
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static

    dst.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="docpipe_quant_") as tmp:
        prepared = prepare(src, Path(tmp) / "prepared.onnx")
        level = logging.getLogger().level
        logging.getLogger().setLevel(logging.ERROR)  # ORT warns about pre-processing it cannot detect
        try:
            quantize_static(
                str(prepared), str(dst), None, calibration_cache_path=str(calibration),
                quant_format=QuantFormat.QDQ, per_channel=True, reduce_range=False,
                activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                nodes_to_quantize=list(nodes), calibrate_method=CalibrationMethod.MinMax,
            )
        finally:
            logging.getLogger().setLevel(level)
    return dst
