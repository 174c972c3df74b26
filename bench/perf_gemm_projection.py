"""The recognizers' class projection as one Gemm: the same text for less CPU? (issue 17)

``python -m bench.perf_gemm_projection --corpus DIR [--lang en] [--every 2] [--json OUT]``

Each recognizer ends in MatMul → Add (bias) → Softmax over its classes (6,906 and 18,710 columns per
time step). ONNX Runtime fuses MatMul + Add into a Gemm only for 2-D inputs, and the recognizer's is
(batch, steps, channels), so the bias is added in a second pass over the widest tensor of the network.
``gemm_projection`` rewrites that MatMul + Add as Reshape → Gemm → Reshape (the bias added inside the
GEMM). Two engines in this process, A as shipped and B with both recognizers rewritten in memory, read
every page in turn (the order alternating per page); per page: CPU seconds of each and whether the texts
are equal. The rewrite belongs at set-up (a derived file pinned in the manifest, as models/quantize.py's
INT8 file): importing ``onnx`` at engine load costs more CPU than the model load's bar allows.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np

from bench.real_accuracy import load_corpus


def gemm_projection(model) -> str | None:
    """Rewrite, in ``model`` (an ``onnx.ModelProto``), the MatMul + Add that feed the output Softmax as
    Reshape → Gemm → Reshape; the MatMul's name, or None where the graph has no such pair."""
    from onnx import helper, numpy_helper

    graph = model.graph
    consts = {i.name: i for i in graph.initializer}
    made_by = {out: node for node in graph.node for out in node.output}
    outputs = {o.name for o in graph.output}
    softmax = next((n for n in graph.node if n.op_type == "Softmax" and n.output[0] in outputs), None)
    if softmax is None:
        return None
    add = made_by.get(softmax.input[0])
    while add is not None and add.op_type == "Identity":
        add = made_by.get(add.input[0])
    matmul = made_by.get(add.input[0]) if add is not None and add.op_type == "Add" else None
    if matmul is None or matmul.op_type != "MatMul" or matmul.input[1] not in consts or add.input[1] not in consts:
        return None
    if sum(matmul.output[0] in n.input for n in graph.node) != 1:
        return None  # the product is used elsewhere too
    k, n = numpy_helper.to_array(consts[matmul.input[1]]).shape
    x, y, p = matmul.input[0], add.output[0], matmul.name + "/gemm/"
    graph.initializer.extend([numpy_helper.from_array(np.array(v, np.int64), p + name) for name, v in
                              (("rows", [-1, k]), ("from", [0]), ("to", [-1]), ("classes", [n]))])
    nodes = [
        helper.make_node("Shape", [x], [p + "x_shape"], name=p + "shape"),
        helper.make_node("Slice", [p + "x_shape", p + "from", p + "to"], [p + "lead"], name=p + "lead"),
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
    return matmul.name


def _engines():
    import onnx

    from pipeline import Engine, EngineConfig
    from pipeline import onnx_session

    plain = Engine(EngineConfig(threads=1))
    real = onnx_session.ort.InferenceSession

    def rewritten(model, *args, **kwargs):
        if str(model).endswith("_rec.onnx"):
            proto = onnx.load(str(model))
            if gemm_projection(proto) is None:
                raise SystemExit(f"{model}: no MatMul + Add before the output Softmax")
            model = proto.SerializeToString()
        return real(model, *args, **kwargs)

    onnx_session.ort.InferenceSession = rewritten  # this process only, while B loads
    try:
        gemm = Engine(EngineConfig(threads=1))
    finally:
        onnx_session.ort.InferenceSession = real
    return {"A": plain, "B": gemm}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.perf_gemm_projection", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--lang", choices=("en", "zh"), default=None)
    parser.add_argument("--variant", default="scan")
    parser.add_argument("--every", type=int, default=1, help="only every n-th page")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    from pipeline import Options, open_document

    engines = _engines()
    pages = [p for p in load_corpus(args.corpus) if args.lang in (None, p["lang"])][:: args.every]
    rows = []
    for n, page in enumerate(pages):
        data = (args.corpus / page["images"][args.variant]).read_bytes()
        row, texts = {"page": page["id"], "lang": page["lang"]}, {}
        for name in ("A", "B") if n % 2 == 0 else ("B", "A"):
            t0 = time.process_time()
            with open_document(data) as doc:
                texts[name] = engines[name].process_page(doc, 1, Options(mode="ocr")).text
            row[name] = time.process_time() - t0
        row["same_text"] = texts["A"] == texts["B"]
        rows.append(row)
        print(f"{row['page']:32s} A {row['A']:.3f}  B {row['B']:.3f}  ×{row['B'] / row['A']:.3f}"
              f"  {'same text' if row['same_text'] else 'TEXT DIFFERS'}", flush=True)
    for lang in ("en", "zh"):
        part = [r for r in rows if r["lang"] == lang]
        if not part:
            continue
        a, b = [r["A"] for r in part], [r["B"] for r in part]
        print(f"{lang}: {len(part)} pages, same text on {sum(r['same_text'] for r in part)}; CPU s/page median "
              f"{statistics.median(a):.3f} → {statistics.median(b):.3f}, mean {statistics.fmean(a):.3f} → "
              f"{statistics.fmean(b):.3f}; paired median ×{statistics.median(y / x for x, y in zip(a, b)):.3f}, "
              f"sum ×{sum(b) / sum(a):.3f}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
