"""RapidOCR as a peer, run under its own interpreter (``var/ocr-peers/rapidocr``): one image path per line on
stdin, one JSON line per image on stdout (its text, CPU and wall seconds). Its default pipeline (detection,
angle classifier, recognition), on one thread like docpipe's worker. Imports nothing from docpipe.
"""
import json
import sys
import time

THREADS = {f"{part}_{kind}_op_num_threads": 1 for part in ("det", "cls", "rec") for kind in ("intra", "inter")}


def page_text(result) -> str:
    """Boxes (already top to bottom, then left to right) grouped into rows where their vertical centres fall within
    half a box height of the row's first box; a row's boxes joined by a space, rows by a newline."""
    rows: list[list[tuple[float, float, str]]] = []
    for box, text, _score in result or []:
        ys = [p[1] for p in box]
        centre, height = (min(ys) + max(ys)) / 2, max(ys) - min(ys)
        x = min(p[0] for p in box)
        if rows and abs(centre - rows[-1][0][0]) <= rows[-1][0][1] / 2:
            rows[-1].append((centre, height, text, x))
        else:
            rows.append([(centre, height, text, x)])
    return "\n".join(" ".join(t for _, _, t, _ in sorted(row, key=lambda b: b[3])) for row in rows)


def main() -> None:
    from rapidocr_onnxruntime import RapidOCR  # here, so that page_text imports (and is tested) anywhere

    engine = RapidOCR(**THREADS)
    for line in sys.stdin:
        path = line.strip()
        if not path:
            continue
        cpu0, wall0 = time.process_time(), time.perf_counter()
        try:
            result, _ = engine(path)
            out = {"text": page_text(result)}
        except Exception as exc:  # a page it cannot read scores as empty, the run goes on
            out = {"text": "", "error": f"{type(exc).__name__}: {exc}"[:300]}
        out.update(cpu_s=time.process_time() - cpu0, wall_s=time.perf_counter() - wall0)
        print(json.dumps(out, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
