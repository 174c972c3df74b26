"""Large print: single images like those sent to ``POST /v1/ocr``, engine variants side by side.

``python -m bench.perf_large_print [--sizes 22,26,30,36,44] A=detector.large_line_px=1e9 B=``

The real-page corpus holds A4 pages only, whose print the detector sees at
9–18 px a line; this set is the other end: 800-px-wide images with a few
paragraphs of English or Chinese (``tests.factories`` texts) at ``--sizes``
pixels, in two fonts, each clean and scan-like (tilt, blur, noise, JPEG).
Each variant (``bench.perf_ab``'s syntax) reads every image in turn, the order
rotating, in this process on one thread. Per variant: median CPU seconds per
image, CER (whitespace-free) per language against the drawn lines, and how
many images came out with exactly the first variant's text.
"""
from __future__ import annotations

import argparse
import statistics
import time

from bench.perf_ab import parse_variant
from tests.factories import EN_TEXT, ZH_TEXT, _pil_font, cer, degrade, encode_png, render_text_image, wrap_line

WIDTH, MARGIN = 800, 40


def images(sizes: list[int]) -> list[dict]:
    out = []
    for lang, texts, fonts in (("en", EN_TEXT, ("sans", "serif")), ("zh", ZH_TEXT, ("cjk", "cjk-serif"))):
        for k, size in enumerate(sizes):
            for font in fonts:
                paragraphs = [texts[(k * 3 + j) % len(texts)] for j in range(3 if size < 32 else 2)]
                pil_font = _pil_font(font, size)
                truth = [w for p in paragraphs for w in wrap_line(p, lambda s: pil_font.getlength(s) <= WIDTH - 2 * MARGIN)]
                img = render_text_image(paragraphs, font=font, size_px=size, width=WIDTH, margin=MARGIN)
                for variant, pixels in (("clean", img), ("scan", degrade(img, angle=0.6, blur=0.7, noise=4,
                                                                          jpeg_quality=70, seed=size))):
                    out.append({"id": f"{lang}-{size}px-{font}-{variant}", "lang": lang, "png": encode_png(pixels),
                                "truth": "\n".join(truth)})
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.perf_large_print", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="22,26,30,36,44")
    parser.add_argument("variants", nargs="+", help="NAME=part.field=value,... (NAME= alone: the defaults)")
    args = parser.parse_args(argv)
    from pipeline import Engine, Options, open_document

    engines = dict(parse_variant(v) for v in args.variants)
    engines = {name: Engine(config) for name, config in engines.items()}
    names = list(engines)
    rows = []
    for k, page in enumerate(images([int(s) for s in args.sizes.split(",")])):
        row = {"id": page["id"], "lang": page["lang"], "chars": len("".join(page["truth"].split()))}
        for name in names[k % len(names):] + names[: k % len(names)]:
            with open_document(page["png"]) as doc:
                t0 = time.process_time()
                text = engines[name].process_page(doc, 1, Options()).text
                row[name] = {"cpu_s": time.process_time() - t0, "text": text, "cer": cer(page["truth"], text)}
        rows.append(row)
        print(f"{page['id']:28s} " + "  ".join(f"{n} {1000 * row[n]['cpu_s']:.0f}ms {100 * row[n]['cer']:.2f}%"
                                             for n in names), flush=True)
    print(f"\n{len(rows)} images, CPU per image on one thread; CER whitespace-free, micro-averaged")
    for name in names:
        cpus = [r[name]["cpu_s"] for r in rows]
        cers = {lang: sum(r[name]["cer"] * r["chars"] for r in rows if r["lang"] == lang)
                / sum(r["chars"] for r in rows if r["lang"] == lang) for lang in ("en", "zh")}
        same = sum(r[name]["text"] == r[names[0]]["text"] for r in rows)
        print(f"{name:10s} median {1000 * statistics.median(cpus):.0f} ms  mean {1000 * statistics.fmean(cpus):.0f} ms  "
              f"ratio {sum(cpus) / sum(r[names[0]]['cpu_s'] for r in rows):.3f}  same text {same}/{len(rows)}  "
              + "  ".join(f"CER {lang} {100 * v:.2f}%" for lang, v in cers.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
