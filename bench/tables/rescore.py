"""Scans of the tables bench, re-scored on cached OCR lines: the table step alone, in seconds.

``python -m bench.tables.rescore build --cache C --out DIR`` makes the same scans as
``python -m bench.tables --seeds 2 --first 100 --sets generated,published`` (same pages, same
degradation seeds), reads each once with the engine and keeps its OCR lines (pickle) beside the PNG.
``python -m bench.tables.rescore score --out DIR [--json F] [--show published] [--cells published]`` runs only the
table step (``find_image_tables``) on those images and lines and prints the bench's scan figures,
and per table what went wrong: ``shape`` (rows/cols wrong, or none found) or ``text`` (shape right,
cells missed). The recognizer is not re-run, so table-step changes are compared on identical OCR.
"""
from __future__ import annotations

import argparse
import json
import pickle
import time
from pathlib import Path

from bench.scan import scan_like
from bench.tables.__main__ import _best, _generated, _grid, _real, summarize, markdown
from bench.tables.metrics import Grid, teds
from tests.factories import edit_distance
from pipeline import Engine, EngineConfig, Options, open_document
from pipeline.render import render_page
from pipeline.tables.raster import find_image_tables
from tests.factories import encode_png
from tests.table_factories import render_pages


def build(first: int, seeds: int, out: Path, cache: Path, sets: tuple[str, ...], docs: set[str] | None = None) -> None:
    """``docs`` builds only those documents' tables, numbered as in the whole set (same names, same seeds),
    so two builds split by document can be scored as one directory; a table already built is kept."""
    out.mkdir(parents=True, exist_ok=True)
    engine = Engine(EngineConfig(threads=1))
    inputs = list(_generated(first, seeds)) if "generated" in sets else []
    inputs += [x for x in _real(cache, sets) if x[0]["set"] in sets]
    for i, (meta, pdf, truth) in enumerate(inputs):
        if docs and meta.get("document") not in docs or (out / f"{i:03d}.pkl").exists():
            continue
        # the bench writes 4 text-layer rows per input before its scan row: same seed as the bench's
        img, _ = scan_like(render_pages(pdf, 200)[0], meta["seed"] * 31 + 5 * i + 4)
        png = out / f"{i:03d}.png"
        png.write_bytes(encode_png(img))
        # The page's OCR in CPU seconds, as ``score`` times the table step: the engine's own timings are wall
        # clock, which a loaded machine stretches (the share of OCR then came out several times too small
        # or too large, by when each side ran). The table step, timed again alone, is taken out.
        t0 = time.process_time()
        page = next(engine.process(png.read_bytes(), Options(tables=True)))
        page_cpu = time.process_time() - t0
        with open_document(png.read_bytes()) as doc:
            rendered = render_page(doc, doc.select(None)[0], 200)
        t0 = time.process_time()
        find_image_tables(rendered.image, page.lines, rendered.dpi, engine.recognizer, engine.second_recognizer)
        ocr = max(page_cpu - (time.process_time() - t0), 0.0)
        with open(out / f"{i:03d}.pkl", "wb") as f:
            pickle.dump({"meta": meta, "truth": truth, "lines": page.lines, "ocr_seconds": ocr}, f)
        print(i, meta.get("document", "gen"), meta["page"] if "page" in meta else meta["seed"], flush=True)


def cell_misses(truth: Grid, found: Grid, slack: int = 2) -> list[tuple[str, str, str]]:
    """Each truth cell missed at the best shift, as (kind, truth text, found text): ``misread`` (the
    found text at that place differs by at most a third of its characters), ``merged`` (it holds the
    truth and more), ``split`` (it holds part of it), ``empty``, ``misplaced`` (the text is elsewhere)
    or ``other``."""
    want = [(r, c, cell[0]) for r, row in enumerate(truth) for c, cell in enumerate(row) if cell and cell[0]]
    best, shift = -1, (0, 0)
    for dr in range(-slack, slack + 1):
        for dc in range(-slack, slack + 1):
            hit = sum(0 <= r + dr < len(found) and 0 <= c + dc < len(found[r + dr]) and found[r + dr][c + dc] is not None
                      and found[r + dr][c + dc][0] == t for r, c, t in want)
            if hit > best:
                best, shift = hit, (dr, dc)
    texts = {cell[0] for row in found for cell in row if cell}
    out = []
    for r, c, t in want:
        rr, cc = r + shift[0], c + shift[1]
        got = found[rr][cc][0] if 0 <= rr < len(found) and 0 <= cc < len(found[rr]) and found[rr][cc] else ""
        if got == t:
            continue
        if not got:
            kind = "misplaced" if t in texts else "empty"
        elif edit_distance(got, t) <= max(1, len(t) // 3):
            kind = "misread"
        elif t in got or "".join(t.split()) in "".join(got.split()):
            kind = "merged"
        elif got in t:
            kind = "split"
        elif t in texts:
            kind = "misplaced"
        else:
            kind = "other"
        out.append((kind, t, got))
    return out


def score(out: Path, show: str | None) -> list[dict]:
    rows = []
    # the recognizer too, as the engine hands it over: the table step reads some pieces of the page again
    engine = Engine(EngineConfig(threads=1))
    for pkl in sorted(out.glob("*.pkl")):
        item = pickle.loads(pkl.read_bytes())
        with open_document((out / (pkl.stem + ".png")).read_bytes()) as doc:
            rendered = render_page(doc, doc.select(None)[0], 200)
        t0 = time.process_time()
        tables = find_image_tables(rendered.image, item["lines"], rendered.dpi, engine.recognizer,
                                   engine.second_recognizer)
        secs = time.process_time() - t0
        meta = item["meta"]
        best = _best(item["truth"], [_grid(t) for t in tables])
        row = {**meta, "input": "scan", "tool": "docpipe", "seconds": secs, "ocr_seconds": item["ocr_seconds"],
               "id": pkl.stem, **best}
        row["miss"] = "shape" if not best["structure"] else ("text" if best["cells"] < 1 else "")
        if tables:
            grids = [_grid(t) for t in tables]
            g = max(grids, key=lambda g: teds(item["truth"], g))
            row["cell_misses"] = cell_misses(item["truth"], g)
        else:
            row["cell_misses"] = [("no table", "", "")]
        rows.append(row)
        if show and meta["set"] == show and row["miss"]:
            print(f"--- {pkl.stem} {meta.get('document', '')} p{meta.get('page', meta['seed'])} "
                  f"{meta['rules']}/{meta['shape']}/{meta['lang']}: {row['miss']} cells={best['cells']:.2f} "
                  f"truth {len(item['truth'])}x{len(item['truth'][0]) if item['truth'] else 0}, "
                  f"found {[(t.rows, t.cols) for t in tables]}")
    return rows


def text_layer(first: int, seeds: int, cache: Path, sets: tuple[str, ...]) -> list[dict]:
    """docpipe on the text layer of the same pages (no OCR: fast enough to run whole)."""
    import pymupdf
    from pipeline.tables import find_pdf_tables
    inputs = list(_generated(first, seeds)) if "generated" in sets else []
    inputs += [x for x in _real(cache, sets) if x[0]["set"] in sets]
    rows = []
    for i, (meta, pdf, truth) in enumerate(inputs):
        with pymupdf.open(stream=pdf, filetype="pdf") as doc:
            t0 = time.process_time()
            found = find_pdf_tables(doc[0], 200)
            secs = time.process_time() - t0
        rows.append({**meta, "input": "text", "tool": "docpipe", "seconds": secs, "id": f"{i:03d}",
                     **_best(truth, [_grid(t) for t in found])})
    return rows


def _losses(rows: list[dict]) -> None:
    """Per table, the cells lost (1 - cells right: a table-equivalent) and the kinds of its missed cells,
    then the sum for tables of the right shape (what the words say) and of the wrong shape."""
    from collections import Counter
    print("table losses (id, document, page, shape, lost, missed cells by kind):")
    for r in rows:
        if r["cells"] < 1:
            kinds = dict(Counter(m[0] for m in r.get("cell_misses", [])))
            print(f"   {r['id']} {r.get('document', 'generated')} p{r.get('page', r['seed'])} "
                  f"{'right' if r['structure'] else 'WRONG'} {1 - r['cells']:.2f} {kinds}")
    right = sum(1 - r["cells"] for r in rows if r["structure"])
    wrong = sum(1 - r["cells"] for r in rows if not r["structure"])
    print(f"lost: {right:.2f} tables in tables of the right shape, {wrong:.2f} in tables of the wrong shape, "
          f"of {len(rows)}")


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.tables.rescore")
    p.add_argument("what", choices=("build", "score", "text"))
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--cache", type=Path, default=Path("bench/out/tables/cache"))
    p.add_argument("--seeds", type=int, default=2)
    p.add_argument("--first", type=int, default=100)
    p.add_argument("--sets", default="generated,published")
    p.add_argument("--docs", default=None, help="build: only these documents (ids, comma-separated)")
    p.add_argument("--show", default=None, help="print the missed tables of this set")
    p.add_argument("--cells", default=None, help="list the cell misses of this set (counts for both)")
    p.add_argument("--json", type=Path, default=None, help="write the per-table rows here")
    args = p.parse_args()
    if args.what == "build":
        build(args.first, args.seeds, args.out, args.cache, tuple(args.sets.split(",")),
              set(args.docs.split(",")) if args.docs else None)
        return
    rows = score(args.out, args.show) if args.what == "score" else \
        text_layer(args.first, args.seeds, args.cache, tuple(args.sets.split(",")))
    if args.json:
        args.json.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    if args.cells:
        from collections import Counter
        for kind in dict.fromkeys(r["set"] for r in rows):
            ms = [(r["id"], m) for r in rows if r["set"] == kind for m in r.get("cell_misses", [])]
            print(kind, "cell misses by kind:", Counter(m[0] for _, m in ms).most_common())
            if args.cells == kind:
                for i, m in ms:
                    print("  ", i, m)
                _losses([r for r in rows if r["set"] == kind])
    summary = summarize(rows)
    print(markdown(summary))
    for kind in summary:
        miss = [r for r in rows if f"{r['set']} {r['input']}" == kind]
        print(kind, "shape misses", sum(not r["structure"] for r in miss), "text misses",
              sum(r["structure"] and r["cells"] < 1 for r in miss), "of", len(miss),
              f"table step CPU s median {sorted(r['seconds'] for r in miss)[len(miss) // 2]:.4f}")


if __name__ == "__main__":
    main()
