"""What a blank scanned page costs, with and without the blank-page check.

``python -m bench.perf_blank [--pages 10]``

Empty A4 sheets at 200 DPI as a scanner gives them (paper grey, light falling
off to one side, blur, noise, JPEG; a different seed per sheet) go through two
engines in this process, one thread, alternating per sheet: the default, and
one whose check can never fire (``blank_max_ink=0``). Prints median CPU
seconds per sheet and the ratio.
"""
from __future__ import annotations

import argparse
import dataclasses
import statistics
import time

import numpy as np


def blank_sheet(seed: int) -> bytes:
    from tests.factories import degrade, encode_png

    rng = np.random.default_rng(seed)
    x = np.linspace(0.0, 1.0, 1654)[None, :]
    paper = np.broadcast_to(rng.uniform(235, 250) - rng.uniform(0, 30) * x, (2339, 1654)).astype(np.uint8)
    return encode_png(degrade(paper, blur=0.8, noise=float(rng.uniform(3, 8)), jpeg_quality=70, seed=seed))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.perf_blank", description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10)
    args = parser.parse_args(argv)

    from pipeline import Engine, EngineConfig, Options, open_document

    base = EngineConfig(threads=1)
    engines = {"check": Engine(base),
               "no check": Engine(dataclasses.replace(base, detector=dataclasses.replace(base.detector, blank_max_ink=0)))}
    cpu: dict[str, list[float]] = {name: [] for name in engines}
    for k in range(args.pages):
        data = blank_sheet(k)
        for name in (list(engines) if k % 2 == 0 else list(engines)[::-1]):
            t0 = time.process_time()
            with open_document(data) as doc:
                result = engines[name].process_page(doc, 1, Options(mode="ocr"))
            cpu[name].append(time.process_time() - t0)
            assert result.text == "", f"{name} read {result.text!r} on an empty sheet"
    med = {name: statistics.median(v) for name, v in cpu.items()}
    for name, v in med.items():
        print(f"{name:9s} median {v:.3f} CPU s per blank page ({args.pages} pages)")
    print(f"ratio check / no check: {med['check'] / med['no check']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
