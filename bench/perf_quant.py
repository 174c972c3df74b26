"""INT8 recognizer experiments: calibration, per-layer sensitivity, node sets.

``python -m bench.perf_quant --corpus DIR calibrate --out models/calibration/X.json [--method minmax|pNN.NN]``
``python -m bench.perf_quant --corpus DIR compare --calibration F.json SET ...``
``python -m bench.perf_quant --corpus DIR sensitivity --calibration F.json [--only]``

Crops are the recognizer's own inputs, taken by running the engine on the
corpus's scan pages: calibration uses the even-numbered pages (corpus order),
comparisons the odd-numbered ones, so no crop is both. Ranges are computed
here (not by ORT's calibrators, whose histograms fail on crops of different
widths): per tensor the min/max, or a percentile of |x| on each side
(``p99.99``), over every crop at its own width, and written as ORT's
calibration-cache JSON that ``models.quantize`` reads. ``compare`` prints,
per node set, CPU seconds on the test crops (each crop through every variant
in turn), the ratio to float, how many lines decode (greedy) to the float
model's text, and the character edit rate against the float text. Node sets:
``float``, ``all`` (every Conv and MatMul), ``big`` (the convolutions over
whole feature maps: not the squeeze-excitation convs on pooled vectors),
``big-first`` (``big`` without the first conv), ``big-first-neck`` (also
without the neck's convs), ``pw`` (of those only the pointwise 1x1 convs),
``pw1`` (``pw`` and the second, full 3x3 conv), ``pw1mm`` (also the final
projection), a set and more nodes (``big-first-neck+MatMul.1``), or a comma
list of node names.
"""
from __future__ import annotations

import argparse
import pickle
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort

from bench.real_accuracy import load_corpus
from models import quantize
from models import registry

REC = "ppocrv6_tiny_rec"
# Convs on pooled (1x1) squeeze-excitation vectors: negligible cost.
SE_CONVS = ("Conv.3", "Conv.4", "Conv.14", "Conv.15", "Conv.25", "Conv.26")
NECK = ("Conv.35", "Conv.36")


def collect(corpus: Path, parity: int, cache: Path | None) -> dict[str, list[np.ndarray]]:
    if cache and cache.exists():
        return pickle.loads(cache.read_bytes())
    from pipeline import Engine, EngineConfig, Options, open_document
    from pipeline.recognize import TextRecognizer

    current: list[np.ndarray] = []
    resize = TextRecognizer._resize

    def keep(self, crop):
        out = resize(self, crop)
        current.append(out)
        return out
    TextRecognizer._resize = keep  # this process only: records what the network is given
    engine = Engine(EngineConfig(threads=1, models_dir=registry.DEFAULT_MODELS_DIR))
    crops = {}
    for k, page in enumerate(load_corpus(corpus)):
        if k % 2 != parity:
            continue
        current.clear()
        with open_document((corpus / page["images"]["scan"]).read_bytes()) as doc:
            engine.process_page(doc, 1, Options(mode="ocr"))
        crops[page["id"]] = list(current)
    TextRecognizer._resize = resize
    if cache:
        cache.write_bytes(pickle.dumps(crops))
    return crops


def tensor(crop: np.ndarray) -> np.ndarray:
    return (crop.astype(np.float32) / 127.5 - 1.0)[None, None].repeat(3, axis=1)


def _all_outputs(prepared: Path, dst: Path) -> list[str]:
    model = onnx.load(str(prepared))
    have = {o.name for o in model.graph.output}
    names = []
    for node in model.graph.node:
        for out in node.output:
            if out not in have:
                model.graph.output.append(onnx.ValueInfoProto(name=out))
                names.append(out)
    names.extend(o for o in have)
    names.append(model.graph.input[0].name)
    onnx.save(model, str(dst))
    return names


def calibrate(crops: list[np.ndarray], out: Path, method: str, model: Path | None = None,
              inputs: list[np.ndarray] | None = None) -> None:
    """Ranges of every tensor of ``model`` (the recognizer) over ``inputs`` (the crops as its tensors)."""
    from onnxruntime.quantization.calibrate import CalibrationMethod, TensorData, TensorsData, save_tensors_data

    with tempfile.TemporaryDirectory() as tmp:
        prepared = quantize.prepare(model or registry.resolve(REC), Path(tmp) / "prepared.onnx")
        names = _all_outputs(prepared, Path(tmp) / "augmented.onnx")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        sess = ort.InferenceSession(str(Path(tmp) / "augmented.onnx"), opts, providers=["CPUExecutionProvider"])
    fetch = [o.name for o in sess.get_outputs()]
    lo = dict.fromkeys(fetch, np.inf)
    hi = dict.fromkeys(fetch, -np.inf)
    values: dict[str, list[np.ndarray]] = {n: [] for n in fetch}
    pct = float(method[1:]) if method.startswith("p") else None
    rng = np.random.default_rng(0)
    for x in inputs if inputs is not None else map(tensor, crops):
        for name, y in zip(fetch, sess.run(fetch, {"x": x})):
            if y.dtype != np.float32:
                continue
            lo[name] = min(lo[name], float(y.min()))
            hi[name] = max(hi[name], float(y.max()))
            if pct is not None:  # a sample of each tensor keeps memory bounded
                flat = y.ravel()
                values[name].append(flat if flat.size <= 4096 else rng.choice(flat, 4096, replace=False))
    ranges = {}
    for name in fetch:
        if not np.isfinite(lo[name]):
            continue
        a, b = lo[name], hi[name]
        if pct is not None:
            v = np.concatenate(values[name])
            a, b = float(np.percentile(v, 100 - pct)), float(np.percentile(v, pct))
        ranges[name] = TensorData(lowest=np.array(min(a, 0.0), np.float32), highest=np.array(max(b, 0.0), np.float32))
    if inputs is None:
        ranges["x"] = TensorData(lowest=np.array(-1.0, np.float32), highest=np.array(1.0, np.float32))
    else:
        ranges["x"] = TensorData(lowest=np.array(min(float(x.min()) for x in inputs), np.float32),
                                 highest=np.array(max(float(x.max()) for x in inputs), np.float32))
    save_tensors_data(TensorsData(CalibrationMethod.MinMax, ranges), out)
    print(f"{len(ranges)} tensor ranges from {len(inputs if inputs is not None else crops)} inputs -> {out}")


def node_set(spec: str, prepared: Path) -> list[str] | None:
    if spec == "float":
        return None
    model = onnx.load(str(prepared))
    heavy = [n.name for n in model.graph.node if n.op_type in ("Conv", "MatMul")]
    convs = [n for n in heavy if n.startswith("Conv.") and n not in SE_CONVS]
    # Pointwise: 1x1, not grouped (the depthwise 3x3 convs cost ~1.5 % of the network)
    pointwise = [n.name for n in model.graph.node if n.name in convs and n.name not in NECK
                 and _attr(n, "kernel_shape") == [1, 1] and _attr(n, "group") in (None, 1)]
    sets = {"all": heavy, "big": convs, "big-first": [n for n in convs if n != "Conv.0"],
            "big-first-neck": [n for n in convs if n != "Conv.0" and n not in NECK],
            "pw": pointwise, "pw1": ["Conv.1", *pointwise], "pw1mm": ["Conv.1", *pointwise, "MatMul.1"]}
    if spec in sets:
        return sets[spec]
    base, _, extra = spec.partition("+")
    if base in sets:  # a set and more nodes: ``big-first-neck+MatMul.1``
        return [*sets[base], *extra.split("+")]
    if spec.startswith("big-first-neck-"):  # additionally leave these (``+``-joined) in float
        drop = set(spec[len("big-first-neck-"):].split("+"))
        return [n for n in sets["big-first-neck"] if n not in drop]
    return spec.split(",")


def _attr(node, name: str):
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return None


def _session(path: Path) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    opts.enable_mem_pattern = False
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def _edits(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def compare(crops: list[np.ndarray], specs: list[str], calibration: Path | None) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="perf_quant_"))
    model = registry.resolve(REC)
    prepared = quantize.prepare(model, tmp / "prepared.onnx")
    runners = {}
    for spec in specs:
        nodes = node_set(spec, prepared)
        path = model if nodes is None else quantize.quantize(model, tmp / f"{len(runners)}.onnx", calibration, nodes)
        runners[spec] = _session(path)
    classes = ["", *registry.load_charset("ppocrv6_tiny_dict"), " "]

    def greedy(probs: np.ndarray) -> str:
        best = probs.argmax(-1)
        return "".join(classes[c] for i, c in enumerate(best) if c and (i == 0 or c != best[i - 1]))

    cpu = dict.fromkeys(specs, 0.0)
    texts: dict[str, list[str]] = {s: [] for s in specs}
    # Against the first set's CTC outputs, per time step: KL divergence and whether the argmax agrees.
    kl = dict.fromkeys(specs, 0.0)
    agree = dict.fromkeys(specs, 0)
    steps = 0
    for k, crop in enumerate(crops):
        x = tensor(crop)
        outs = {}
        for spec in (specs if k % 2 == 0 else specs[::-1]):
            t0 = time.process_time()
            outs[spec] = runners[spec].run(None, {"x": x})[0][0]
            cpu[spec] += time.process_time() - t0
            texts[spec].append(greedy(outs[spec]))
        ref = outs[specs[0]]
        steps += ref.shape[0]
        for spec, y in outs.items():
            kl[spec] += float(np.sum(ref * (np.log(ref + 1e-9) - np.log(y + 1e-9))))
            agree[spec] += int(np.sum(ref.argmax(-1) == y.argmax(-1)))
    first = specs[0]
    chars = sum(len(t) for t in texts[first])
    for spec in specs:
        same = sum(a == b for a, b in zip(texts[spec], texts[first]))
        edits = sum(_edits(a, b) for a, b in zip(texts[spec], texts[first]) if a != b)
        print(f"{spec[:40]:40s} {cpu[spec]:7.2f} CPU s  ratio {cpu[spec] / cpu[first]:.3f}  "
              f"same {same}/{len(crops)}  edits vs first {100 * edits / max(1, chars):.3f} %  "
              f"KL/step {kl[spec] / steps:.5f}  steps differing {100 * (1 - agree[spec] / steps):.3f} %", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.perf_quant", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--crops", type=Path, default=None, help="cache the crops here (pickle; prefix)")
    parser.add_argument("--lines", type=int, default=400, help="test crops for compare/sensitivity")
    sub = parser.add_subparsers(dest="cmd", required=True)
    cal = sub.add_parser("calibrate")
    cal.add_argument("--out", type=Path, required=True)
    cal.add_argument("--method", default="minmax")
    cal.add_argument("--max-crops", type=int, default=600)
    cmp_ = sub.add_parser("compare")
    cmp_.add_argument("--calibration", type=Path, default=None)
    cmp_.add_argument("sets", nargs="+")
    sens = sub.add_parser("sensitivity")
    sens.add_argument("--calibration", type=Path, required=True)
    sens.add_argument("--only", action="store_true", help="quantize one conv at a time instead")
    args = parser.parse_args(argv)

    def crops_of(parity: int) -> list[np.ndarray]:
        cache = args.crops.with_name(f"{args.crops.name}{parity}.pkl") if args.crops else None
        pages = collect(args.corpus, parity, cache)
        return [c for page in sorted(pages) for c in pages[page]]

    rng = np.random.default_rng(0)
    if args.cmd == "calibrate":
        crops = crops_of(0)
        pick = sorted(rng.permutation(len(crops))[: args.max_crops])
        calibrate([crops[i] for i in pick], args.out, args.method)
        return 0
    crops = crops_of(1)
    test = [crops[i] for i in sorted(rng.permutation(len(crops))[: args.lines])]
    if args.cmd == "compare":
        compare(test, args.sets, args.calibration)
    else:  # sensitivity: the big-first-neck set with one conv at a time left in float
        with tempfile.TemporaryDirectory() as tmp:
            base = node_set("big-first-neck", quantize.prepare(registry.resolve(REC), Path(tmp) / "p.onnx"))
        each = base if args.only else [f"big-first-neck-{n}" for n in base]
        compare(test, ["float", "big-first-neck", *each], args.calibration)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
