"""INT8 detector experiment: the same pages through the float and a quantized detector, boxes compared.

``python -m bench.perf_quant_det --corpus DIR [--method minmax|pNN.NN] [--out DIR] SET ...``

Calibration inputs are the detector's own inputs on the even-numbered corpus pages
(corpus order; ranges as ``bench.perf_quant calibrate`` computes them); the
comparison runs on the odd-numbered pages: each page's detection (the engine's
whole ``TextDetector`` call, re-detections included) is run with the float
network and with each node set, alternating the order, and the lines found are
matched by the intersection over union of their bounding rectangles. Prints
network CPU seconds (``time.process_time`` around each detection), the ratio to
float, and how many of the float lines have a match at IoU >= 0.9 / 0.7.
Node sets: ``conv`` (every Conv), ``conv-first`` (not the first), ``conv-ends``
(neither the first nor the last three, the head's), or a comma list of names.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx

from models import quantize
from bench.perf_quant import calibrate
from bench.real_accuracy import load_corpus
from models import registry

DET = "ppocrv6_tiny_det"


def _pages(corpus: Path, parity: int) -> list[dict]:
    return [p for k, p in enumerate(load_corpus(corpus)) if k % 2 == parity]


def network_inputs(corpus: Path) -> list[np.ndarray]:
    """The detector's input tensors on the even pages, as the engine makes them."""
    from pipeline import Engine, EngineConfig, Options, open_document
    from pipeline.detect import TextDetector

    seen: list[np.ndarray] = []
    run = TextDetector._run_in_strips

    def keep(self, x):
        seen.append(x.copy())
        return run(self, x)
    TextDetector._run_in_strips = keep  # this process only
    engine = Engine(EngineConfig(threads=1))
    for page in _pages(corpus, 0):
        with open_document((corpus / page["images"]["scan"]).read_bytes()) as doc:
            engine.process_page(doc, 1, Options(mode="ocr"))
    TextDetector._run_in_strips = run
    return seen


def node_set(spec: str, model: Path) -> list[str]:
    convs = [n.name for n in onnx.load(str(model)).graph.node if n.op_type == "Conv"]
    sets = {"conv": convs, "conv-first": convs[1:], "conv-ends": convs[1:-3]}
    return sets.get(spec) or spec.split(",")


def _rects(lines) -> np.ndarray:
    return np.array([[*d.quad.min(0), *d.quad.max(0)] for d in lines], np.float64).reshape(-1, 4)


def best_iou(ref: np.ndarray, other: np.ndarray) -> np.ndarray:
    """For each rectangle of ``ref`` the highest IoU with any of ``other``."""
    if not len(ref) or not len(other):
        return np.zeros(len(ref))
    lo = np.maximum(ref[:, None, :2], other[None, :, :2])
    hi = np.minimum(ref[:, None, 2:], other[None, :, 2:])
    inter = np.prod(np.clip(hi - lo, 0, None), axis=2)
    area = lambda r: np.prod(r[:, 2:] - r[:, :2], axis=1)  # noqa: E731
    return (inter / (area(ref)[:, None] + area(other)[None, :] - inter)).max(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.perf_quant_det", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--method", default="minmax")
    parser.add_argument("--calibration-inputs", type=int, default=24)
    parser.add_argument("--out", type=Path, default=None, help="keep the quantized files here")
    parser.add_argument("sets", nargs="+")
    args = parser.parse_args(argv)

    from pipeline import Engine, EngineConfig, Options, open_document
    from pipeline.detect import TextDetector
    from pipeline.onnx_session import OnnxSession

    out = args.out or Path(tempfile.mkdtemp(prefix="perf_quant_det_"))
    out.mkdir(parents=True, exist_ok=True)
    model = registry.resolve(DET)
    inputs = network_inputs(args.corpus)
    pick = np.random.default_rng(0).permutation(len(inputs))[: args.calibration_inputs]
    cal = out / f"det_{args.method}.json"
    calibrate([], cal, args.method, model=model, inputs=[inputs[i] for i in sorted(pick)])
    del inputs
    sessions = {"float": OnnxSession(model)}
    for spec in args.sets:
        path = quantize.quantize(model, out / f"det_{spec.replace(',', '+')[:60]}.onnx", cal, node_set(spec, model))
        sessions[spec] = OnnxSession(path)

    names = list(sessions)
    cpu = dict.fromkeys(names, 0.0)
    found = dict.fromkeys(names, 0)
    match9 = dict.fromkeys(names, 0)
    match7 = dict.fromkeys(names, 0)
    call = TextDetector.__call__
    flip = [0]

    def both(self, gray):
        lines = {}
        flip[0] ^= 1
        for name in (names if flip[0] else names[::-1]):
            self.session = sessions[name]
            t0 = time.process_time()
            lines[name] = call(self, gray)
            cpu[name] += time.process_time() - t0
        self.session = sessions["float"]
        ref = _rects(lines["float"])
        for name in names:
            ious = best_iou(ref, _rects(lines[name]))
            found[name] += len(lines[name])
            match9[name] += int(np.sum(ious >= 0.9))
            match7[name] += int(np.sum(ious >= 0.7))
        return lines["float"]
    TextDetector.__call__ = both  # this process only
    engine = Engine(EngineConfig(threads=1))
    for page in _pages(args.corpus, 1):
        with open_document((args.corpus / page["images"]["scan"]).read_bytes()) as doc:
            engine.process_page(doc, 1, Options(mode="ocr"))
    TextDetector.__call__ = call
    for name in names:
        print(f"{name[:30]:30s} {cpu[name]:7.2f} CPU s  ratio {cpu[name] / cpu['float']:.3f}  lines {found[name]}  "
              f"float lines matched IoU>=0.9 {match9[name]}/{found['float']}  >=0.7 {match7[name]}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
