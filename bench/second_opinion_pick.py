"""Which lines, and which part of them, the second opinion reads again: policies compared on one capture.

    .venv/bin/python -m bench.second_opinion_pick capture --corpus DIR [--lang en] [--shard K/N] --out DIR
    .venv/bin/python -m bench.second_opinion_pick report DIR [DIR ...]

``capture`` reads each page as ``Engine._ocr_page`` does up to the second opinion, then reads every line the
engine would consider (under the default threshold) again with the larger recognizer, whole and as its unsure
spans only (``unsure_spans`` below; not adopted), each with its CPU seconds, and pickles the page's work,
readings and truth. ``report`` assembles each page's text under every policy (which lines, whole or spans) and
scores it, so policies are compared on the very same detections; a policy's CPU is the page's own plus the
larger recognizer's on what it reads.
"""
from __future__ import annotations

import argparse
import dataclasses
import pickle
import statistics
import time
from pathlib import Path

import numpy as np

from bench.real_accuracy import load_corpus
from bench.realdocs.score import reference_sizes, score
from pipeline.ctc import DecodedLine
from pipeline.punctuation import is_cjk
from pipeline.recognize import TextRecognizer
from pipeline.second_opinion import SecondOpinionSettings, unsure_within_budget


# Spans wider than this share of their line are read as the whole line: the saving is small and the line's
# context helps the reading.
WHOLE_LINE_SHARE = 0.6
MIN_SPAN_CHARS = 3


def unsure_spans(line: DecodedLine, below: float) -> list[tuple[int, int]]:
    """(first, last) character indices of the parts of ``line`` holding a character under ``below``: the
    Latin word around it (cut at the spaces), widened by the token on either side when it is a CJK character
    or shorter than ``MIN_SPAN_CHARS`` (a lone bracket or digit reads worse without neighbours)."""
    chars = line.chars
    n = len(chars)

    def joined(i: int) -> bool:  # whether chars[i] and chars[i + 1] belong to one token
        a, b = chars[i].char, chars[i + 1].char
        return a != " " and b != " " and not is_cjk(a) and not is_cjk(b)

    def token(i: int) -> tuple[int, int]:
        a = b = i
        while a > 0 and joined(a - 1):
            a -= 1
        while b < n - 1 and joined(b):
            b += 1
        return a, b

    spans: list[tuple[int, int]] = []
    for i, c in enumerate(chars):
        if c.char == " " or c.confidence >= below:
            continue
        a, b = token(i)
        if is_cjk(c.char) or b - a + 1 < MIN_SPAN_CHARS:
            left = a - 1 - (a > 1 and chars[a - 1].char == " ")
            right = b + 1 + (b < n - 2 and chars[b + 1].char == " ")
            a = token(left)[0] if left >= 0 and chars[left].char != " " else a
            b = token(right)[1] if right < n and chars[right].char != " " else b
        if spans and a <= spans[-1][1] + 2:  # overlapping, or one space apart
            spans[-1] = (spans[-1][0], max(b, spans[-1][1]))
        else:
            spans.append((a, b))
    return spans


def read_spans(line: DecodedLine, crop: np.ndarray, recognizer: TextRecognizer, below: float) -> DecodedLine:
    """``line`` with its unsure spans read again by ``recognizer`` from their part of ``crop`` alone (the whole
    line when they cover most of it)."""
    spans = unsure_spans(line, below)
    if not spans or line.steps < 1:
        return line
    chars, width = line.chars, crop.shape[1]
    px = width / line.steps  # crop pixels per CTC step

    def centre(i: int) -> float:
        return (chars[i].start + chars[i].end) / 2

    def cut(i: int) -> int:  # x between chars[i] and chars[i + 1], in the crop
        if i < 0:
            return 0
        if i >= len(chars) - 1:
            return width
        at = centre(i) if chars[i].char == " " else centre(i + 1) if chars[i + 1].char == " " \
            else (centre(i) + centre(i + 1)) / 2
        return int(round(at * px))

    cuts = [(cut(a - 1), cut(b)) for a, b in spans]
    if sum(x1 - x0 for x0, x1 in cuts) > WHOLE_LINE_SHARE * width:
        return recognizer([crop])[0]
    readings = recognizer([np.ascontiguousarray(crop[:, x0:x1]) for x0, x1 in cuts])
    out, done = [], 0
    for (a, b), (x0, x1), again in zip(spans, cuts, readings):
        out.extend(chars[done:a])
        k = (x1 - x0) / max(1, again.steps) / px  # the reading's steps → the line's
        out.extend(dataclasses.replace(c, start=int(x0 / px + c.start * k), end=max(int(x0 / px + c.start * k) + 1,
                                                                       int(round(x0 / px + c.end * k))))
                   for c in again.chars)
        done = b + 1
    out.extend(chars[done:])
    return DecodedLine(tuple(out), line.steps)


def capture(args) -> int:
    from pipeline import Engine, EngineConfig, open_document
    from pipeline.engine import _prepare
    from pipeline.page_work import StageClock
    from pipeline.render import render_page
    from pipeline.upright import detect_upright, line_crops, recognize_upright

    engine = Engine(EngineConfig(threads=1))
    cfg = engine.config
    settings = SecondOpinionSettings(budget=None)
    pages = [p for p in load_corpus(args.corpus) if args.lang in (None, p["lang"])]
    k, n = (int(x) for x in args.shard.split("/"))
    pages = pages[k - 1::n]
    args.out.mkdir(parents=True, exist_ok=True)
    for i, page in enumerate(pages):
        cpu0 = time.process_time()
        with open_document((args.corpus / page["images"][args.variant]).read_bytes()) as doc:
            rendered = render_page(doc, 1, 200)
        work, _ = _prepare(rendered.image, cfg.enhance_contrast)
        clock, pad = StageClock(), (cfg.recognizer.pad_x, cfg.recognizer.pad_y)
        detect_upright(work, engine.detector, engine.recognizer, cfg.fix_orientation, pad, clock)
        first = recognize_upright(work, engine.detector, engine.recognizer, cfg.fix_orientation, pad, clock)
        page_cpu = time.process_time() - cpu0
        unsure = unsure_within_budget(first, settings)
        whole, spans = {}, {}
        for j, crop in zip(unsure, line_crops(work, unsure)):
            t = time.process_time()
            line = engine.second_recognizer([crop])[0]
            whole[j] = (line, time.process_time() - t)
            t = time.process_time()
            line = read_spans(first[j], crop, engine.second_recognizer, args.span_below)
            spans[j] = (line, time.process_time() - t)
        truth = (args.corpus / page["truth"]).read_text(encoding="utf-8")
        with open(args.out / f"{page['id']}.pickle", "wb") as f:
            pickle.dump({"page": page, "truth": truth, "work": work, "first": first, "page_cpu": page_cpu,
                         "whole": whole, "spans": spans}, f)
        print(f"[{i + 1}/{len(pages)}] {page['id']}: {len(unsure)}/{len(first)} unsure, page {page_cpu:.2f}s, "
              f"whole {sum(c for _, c in whole.values()):.2f}s, spans {sum(c for _, c in spans.values()):.2f}s",
              flush=True)
    return 0


def page_text_of(work, decoded, layout) -> str:
    from pipeline.assemble import assemble_lines
    from pipeline.page_punctuation import page_punctuation
    from pipeline.page_text import page_text

    return page_text(assemble_lines(work, page_punctuation(list(decoded)), layout))


def policies(cap: dict) -> dict[str, tuple[list, float]]:
    """Policy name → (the page's lines under it, the larger recognizer's CPU seconds it costs)."""
    first, whole, spans = cap["first"], cap["whole"], cap["spans"]
    engine_pick = unsure_within_budget(first, SecondOpinionSettings())
    out = {"off": (first, 0.0)}

    def take(picked, source):
        lines = list(first)
        for j in picked:
            lines[j] = source[j][0]
        return lines, sum(source[j][1] for j in picked)

    out["engine (whole lines)"] = take(engine_pick, whole)
    out["engine lines, unsure spans"] = take(engine_pick, spans)
    for low in (0.5, 0.7):
        # Lines with no character under ``low``: the mean is low, but no single reading is in real doubt.
        picked = [j for j in engine_pick if min((c.confidence for c in first[j].chars), default=0.0) < low]
        out[f"engine lines with a char < {low}"] = take(picked, whole)
    return out


def report(dirs: list[Path]) -> int:
    from pipeline.layout import LayoutSettings

    layout = LayoutSettings()
    rows = []
    for d in dirs:
        for p in sorted(d.glob("*.pickle")):
            with open(p, "rb") as f:
                cap = pickle.load(f)
            row = {"id": cap["page"]["id"], "lang": cap["page"]["lang"], **reference_sizes(cap["truth"]), "p": {}}
            for name, (lines, cpu) in policies(cap).items():
                row["p"][name] = {"cpu": cap["page_cpu"] + cpu, "so_cpu": cpu,
                                  **score(cap["truth"], page_text_of(cap["work"], lines, layout))}
            rows.append(row)
    names = list(rows[0]["p"])
    print("| lang | policy | CER | CER ws | bag | second opinion CPU s (sum) | median CPU s/page | pages better / worse than engine |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for lang in sorted({r["lang"] for r in rows}):
        of = [r for r in rows if r["lang"] == lang]
        for name in names:
            def micro(key, size):
                return 100 * sum(r["p"][name][key] * r[size] for r in of) / sum(r[size] for r in of)
            ref = "engine (whole lines)"
            better = sum(r["p"][name]["cer_free"] < r["p"][ref]["cer_free"] - 1e-9 for r in of)
            worse = sum(r["p"][name]["cer_free"] > r["p"][ref]["cer_free"] + 1e-9 for r in of)
            print(f"| {lang} ({len(of)}) | {name} | {micro('cer_free', 'ref_chars_free'):.3f} % | "
                  f"{micro('cer_collapsed', 'ref_chars_collapsed'):.3f} % | {micro('cer_bag', 'ref_chars_free'):.3f} % | "
                  f"{sum(r['p'][name]['so_cpu'] for r in of):.2f} | {statistics.median(r['p'][name]['cpu'] for r in of):.3f} | "
                  f"{better} / {worse} |")
        for name in names[2:]:
            moved = [(r["id"], 100 * r["p"]["engine (whole lines)"]["cer_free"], 100 * r["p"][name]["cer_free"])
                     for r in of if abs(r["p"][name]["cer_free"] - r["p"]["engine (whole lines)"]["cer_free"]) > 1e-9]
            print(f"  {lang} {name}: " + ", ".join(f"{i} {a:.2f}→{b:.2f}" for i, a, b in moved))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.second_opinion_pick", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    cap = sub.add_parser("capture")
    cap.add_argument("--corpus", type=Path, default=Path("/work/realcorpus"))
    cap.add_argument("--lang", choices=("en", "zh"), default=None)
    cap.add_argument("--variant", default="scan")
    cap.add_argument("--shard", default="1/1", metavar="K/N")
    cap.add_argument("--span-below", type=float, default=0.9, help="characters under this confidence are unsure")
    cap.add_argument("--out", type=Path, required=True)
    rep = sub.add_parser("report")
    rep.add_argument("dirs", type=Path, nargs="+")
    args = parser.parse_args(argv)
    return capture(args) if args.cmd == "capture" else report(args.dirs)


if __name__ == "__main__":
    raise SystemExit(main())
