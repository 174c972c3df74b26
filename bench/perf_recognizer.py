"""The recognizer network alone, run different ways on the same line crops.

``python -m bench.perf_recognizer --corpus DIR [--lines 200] [--int8 OUT.onnx] [--openvino] VARIANT ...``

Crops are the recognizer's own inputs (48 px high) taken from the corpus pages
by running the engine once. Variants (the first is the reference):
``ort`` as the engine runs it; ``gelu`` ORT's Gelu approximation; ``daz`` denormals
flushed to zero; ``nospin`` intra-op threads that do not spin; ``nonchwc``
without ORT's NCHWc layout pass; ``extended`` graph optimizations at the
EXTENDED level; ``pad64``/``pad128`` width padded to a bucket; ``h40``/``h36``
a lower input height (the model's height made free); ``int8`` the model
statically quantized (QDQ, per-channel weights, MinMax calibration on crops of
the corpus pages, which hold no reserved document; ``int8conv``/``int8mm`` only
its Conv/MatMul nodes, a ``-pct`` suffix percentile calibration); ``openvino`` OpenVINO's
CPU plugin in f32 with a dynamic width. Each crop goes through every variant
in turn, the order alternating; prints CPU seconds (``time.process_time``),
the ratio to the first, and how many lines decode (greedy) to the same text.
Needs ``onnx`` (requirements-dev) for ``h40``/``h36``/``int8``, and ``openvino==2026.4.1``
(not in any requirements file: it was not adopted) for ``openvino``.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort

from bench.real_accuracy import load_corpus
from models import registry

REC = "ppocrv6_tiny_rec"


def collect_crops(corpus: Path, every: int) -> list[np.ndarray]:
    from pipeline import Engine, EngineConfig, Options, open_document
    from pipeline.recognize import TextRecognizer

    crops: list[np.ndarray] = []
    resize = TextRecognizer._resize

    def keep(self, crop):
        out = resize(self, crop)
        crops.append(out)
        return out
    TextRecognizer._resize = keep  # this process only: records what the network is given
    engine = Engine(EngineConfig(threads=1))
    for page in load_corpus(corpus)[::every]:
        with open_document((corpus / page["images"]["scan"]).read_bytes()) as doc:
            engine.process_page(doc, 1, Options(mode="ocr"))
    TextRecognizer._resize = resize
    return crops


def free_height(src: Path, dst: Path) -> Path:
    import onnx

    model = onnx.load(str(src))
    dim = model.graph.input[0].type.tensor_type.shape.dim[2]
    dim.ClearField("dim_value")
    dim.dim_param = "height"
    onnx.save(model, str(dst))
    return dst


def quantize_int8(src: Path, dst: Path, calibration: list[np.ndarray], ops: tuple[str, ...] = ("Conv", "MatMul"),
                  method: str = "MinMax") -> Path:
    import onnx
    from onnx import version_converter
    from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_static

    # Per-channel QDQ needs opset 13 or later; the shipped model is opset 11.
    upgraded = dst.with_suffix(".opset17.onnx")
    onnx.save(version_converter.convert_version(onnx.load(str(src)), 17), str(upgraded))

    class Crops(CalibrationDataReader):
        def __init__(self):
            self._it = iter([{"x": _tensor(c)} for c in calibration])

        def get_next(self):
            return next(self._it, None)
    quantize_static(str(upgraded), str(dst), Crops(), quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                    op_types_to_quantize=list(ops), calibrate_method=getattr(CalibrationMethod, method))
    return dst


def _tensor(crop: np.ndarray, pad: int = 1, height: int = 48) -> np.ndarray:
    if crop.shape[0] != height:
        crop = cv2.resize(crop, (max(16, round(crop.shape[1] * height / crop.shape[0])), height),
                          interpolation=cv2.INTER_AREA)
    w = crop.shape[1]
    x = np.zeros((1, 3, height, -(-w // pad) * pad), np.float32)
    x[0, :, :, :w] = crop.astype(np.float32) / 127.5 - 1.0
    return x


def _session(path: Path, **config) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    if config.get("level"):
        opts.graph_optimization_level = config["level"]
    for key, value in config.get("entries", {}).items():
        opts.add_session_config_entry(key, value)
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"],
                                disabled_optimizers=config.get("disabled", []))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.perf_recognizer", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--every", type=int, default=3, help="crops from every n-th corpus page")
    parser.add_argument("--lines", type=int, default=200)
    parser.add_argument("--calibration", type=int, default=64, help="crops for INT8 calibration (others)")
    parser.add_argument("variants", nargs="+")
    args = parser.parse_args(argv)

    crops = collect_crops(args.corpus, args.every)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(crops))
    sample = [crops[i] for i in order[: args.lines]]
    calibration = [crops[i] for i in order[args.lines: args.lines + args.calibration]]
    model = registry.resolve(REC)
    tmp = Path(tempfile.mkdtemp(prefix="perf_rec_"))
    runners = {}
    for name in args.variants:
        height, pad = 48, 1
        if name == "ort":
            s = _session(model)
        elif name == "gelu":
            s = _session(model, entries={"optimization.enable_gelu_approximation": "1"})
        elif name == "daz":
            s = _session(model, entries={"session.set_denormal_as_zero": "1"})
        elif name == "nospin":
            s = _session(model, entries={"session.intra_op.allow_spinning": "0"})
        elif name == "nonchwc":
            s = _session(model, disabled=["NchwcTransformer"])
        elif name == "extended":
            s = _session(model, level=ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED)
        elif name.startswith("pad"):
            s, pad = _session(model), int(name[3:])
        elif name.startswith("h"):
            s, height = _session(free_height(model, tmp / "free.onnx")), int(name[1:])
        elif name.startswith("int8"):  # int8, int8conv, int8mm; "-pct": percentile calibration
            ops = {"int8": ("Conv", "MatMul"), "int8conv": ("Conv",), "int8mm": ("MatMul",)}[name.split("-")[0]]
            method = "Percentile" if name.endswith("-pct") else "MinMax"
            s = _session(quantize_int8(model, tmp / f"{name}.onnx", calibration, ops, method))
        elif name in ("openvino", "openvino-bf16"):
            import openvino

            precision = "bf16" if name.endswith("bf16") else "f32"
            compiled = openvino.Core().compile_model(str(model), "CPU", {
                "INFERENCE_NUM_THREADS": 1, "INFERENCE_PRECISION_HINT": precision, "NUM_STREAMS": 1})
            request = compiled.create_infer_request()
            runners[name] = (lambda x, r=request, c=compiled: r.infer({0: x})[c.output(0)], 48, 1)
            continue
        else:
            parser.error(f"unknown variant {name}")
        runners[name] = (lambda x, s=s: s.run(None, {"x": x})[0], height, pad)

    classes = ["", *registry.load_charset("ppocrv6_tiny_dict"), " "]

    def greedy(probs: np.ndarray) -> str:
        best = probs.argmax(-1)
        return "".join(classes[c] for i, c in enumerate(best) if c and (i == 0 or c != best[i - 1]))

    names = list(runners)
    cpu = dict.fromkeys(names, 0.0)
    texts: dict[str, list[str]] = {n: [] for n in names}
    for k, crop in enumerate(sample):
        for name in (names if k % 2 == 0 else names[::-1]):
            run, height, pad = runners[name]
            x = _tensor(crop, pad, height)
            t0 = time.process_time()
            y = run(x)
            cpu[name] += time.process_time() - t0
            steps = max(1, round(y.shape[1] * crop.shape[1] * height / 48 / x.shape[3]))
            texts[name].append(greedy(y[0][:steps]))
    first = names[0]
    for name in names:
        same = sum(a == b for a, b in zip(texts[name], texts[first]))
        print(f"{name:9s} {cpu[name]:7.3f} CPU s  ratio {cpu[name] / cpu[first]:.3f}  "
              f"same text {same}/{len(sample)} lines")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
