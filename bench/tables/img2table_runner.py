"""Run img2table with Tesseract on scans; prints one JSON line per image: its tables as rows of cells.

Runs under its own interpreter (``var/img2table-venv``): img2table needs
opencv-contrib-python, which cannot share a virtualenv with the
opencv-python-headless docpipe uses (both install the ``cv2`` module).
Usage: ``python img2table_runner.py LANG IMAGE...``; LANG as Tesseract
names it (``eng``, ``chi_sim``).
"""
import json
import sys
import time

from img2table.document import Image
from img2table.ocr import TesseractOCR


def main() -> None:
    lang, paths = sys.argv[1], sys.argv[2:]
    ocr = TesseractOCR(n_threads=1, lang=lang)
    for path in paths:
        t0 = time.perf_counter()
        try:
            tables = Image(path, detect_rotation=True).extract_tables(ocr=ocr, implicit_rows=True, implicit_columns=True,
                                                borderless_tables=True, min_confidence=50)
        except Exception as exc:  # one page it cannot read scores as no table found, not a lost run
            print(json.dumps({"path": path, "tables": [], "seconds": time.perf_counter() - t0,
                              "error": f"{type(exc).__name__}: {exc}"[:300]}), flush=True)
            continue
        out = []
        for table in tables:
            # img2table repeats a merged cell at every position it covers: one cell per box, with spans.
            seen: dict[tuple, dict] = {}
            nrows = len(table.content)
            ncols = max((len(cells) for cells in table.content.values()), default=0)
            for r, cells in enumerate(table.content.values()):
                for c, cell in enumerate(cells):
                    key = (cell.bbox.x1, cell.bbox.y1, cell.bbox.x2, cell.bbox.y2)
                    if key in seen:
                        got = seen[key]
                        got["row_span"] = max(got["row_span"], r - got["row"] + 1)
                        got["col_span"] = max(got["col_span"], c - got["col"] + 1)
                    else:
                        seen[key] = {"row": r, "col": c, "row_span": 1, "col_span": 1, "text": cell.value or ""}
            out.append({"rows": nrows, "cols": ncols, "cells": list(seen.values())})
        print(json.dumps({"path": path, "tables": out, "seconds": time.perf_counter() - t0}, ensure_ascii=False),
              flush=True)


if __name__ == "__main__":
    main()
