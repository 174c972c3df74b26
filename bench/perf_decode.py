"""Opening and decoding the corpus's page images: OpenCV's PNG path against Pillow's, side by side.

    .venv/bin/python -m bench.perf_decode --corpus /work/realcorpus [--variant scan]

Every page image of the variant through ``open_document`` (which decodes a
single image at open) twice, the order alternating: as the pipeline does it
now, and with the OpenCV path for grey PNGs turned off (Pillow, as before).
Prints the median CPU milliseconds (``time.process_time``) of each, their
sums' ratio, and whether the pixels are identical on every page.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

from bench.real_accuracy import load_corpus
from pipeline.ingest import Document, open_document


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--variant", default="scan")
    args = parser.parse_args(argv)

    opencv = Document._decode_grey_png
    cpu: dict[str, list[float]] = {"pillow": [], "opencv": []}
    same = 0
    pages = load_corpus(args.corpus)
    for k, page in enumerate(pages):
        data = (args.corpus / page["images"][args.variant]).read_bytes()
        pixels = {}
        for name in (("pillow", "opencv") if k % 2 else ("opencv", "pillow")):
            Document._decode_grey_png = opencv if name == "opencv" else (lambda self: None)
            t = time.process_time()
            with open_document(data) as doc:
                pixels[name] = doc.raster_page(1)
            cpu[name].append(time.process_time() - t)
        Document._decode_grey_png = opencv
        same += np.array_equal(pixels["pillow"], pixels["opencv"])
    print(f"{len(pages)} {args.variant} pages; open_document CPU ms median: Pillow "
          f"{1000 * statistics.median(cpu['pillow']):.1f}, OpenCV {1000 * statistics.median(cpu['opencv']):.1f}; "
          f"ratio of sums {sum(cpu['opencv']) / sum(cpu['pillow']):.3f}; identical pixels {same}/{len(pages)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
