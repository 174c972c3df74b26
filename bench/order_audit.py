"""Which runs of a page's text are out of place, and what their order costs.

The scorer's `order` figure (ws-free edits − bag edits) also counts misreads that
cancel in the bag (`n` read `m` on one line, `m` read `n` on another). This audit
finds the text really moved: the hypothesis's words are tiled greedily by the
longest runs they share with the reference, longest first; the tiles off the
longest run in reference order are candidates, and each, longest first, is put
where the reference has it if that saves edits (a short word tiled to the wrong
occurrence is left alone). What all such moves save is the **move cost**: the
whitespace-free edits that order alone explains; the edits left (`in order`) are
what an order-forgiving score would count. Each moved run is printed with what it
saved, so a reader can judge whose order it is (the engine's, or the text layer's
drawing order). The scorer's three measures are not changed by it.

    .venv/bin/python -m bench.order_audit --corpus /work/realcorpus --out DIR [--pages a b] [--show N]

DIR is `bench.real_accuracy`'s `--out` (its `<page>.scan.docpipe.txt` files).
Chinese text is tiled by character runs (no word spaces), English by words.
"""
from __future__ import annotations

import argparse
import re
from bisect import bisect_left
from difflib import SequenceMatcher
from pathlib import Path

from bench.realdocs.score import strip_leaders
from tests.factories import cer


def _tokens(text: str) -> list[str]:
    # words; a CJK character is a word of its own (Chinese has no spaces to cut at)
    return re.findall(r"[\u3000-\u9fff\uff00-\uffef]|[^\s\u3000-\u9fff\uff00-\uffef]+", text)


def tiles(reference: list[str], hypothesis: list[str]) -> list[tuple[int, int, int]]:
    """(hyp_start, ref_start, length) of the greedy tiling, longest runs first."""
    ref, hyp = list(reference), list(hypothesis)
    found: list[tuple[int, int, int]] = []
    while True:
        m = SequenceMatcher(None, ref, hyp, autojunk=False)
        a, b, size = m.find_longest_match(0, len(ref), 0, len(hyp))
        if size == 0:
            break
        found.append((b, a, size))
        # tiled tokens become unique sentinels: never matched again
        for k in range(size):
            ref[a + k] = ("r", a + k)
            hyp[b + k] = ("h", b + k)
    return sorted(found)


def _longest_increasing(values: list[int]) -> set[int]:
    """Indices of a longest strictly increasing subsequence."""
    ends: list[int] = []
    ends_at: list[int] = []
    parent = [-1] * len(values)
    for i, v in enumerate(values):
        k = bisect_left(ends, v)
        if k == len(ends):
            ends.append(v)
            ends_at.append(i)
        else:
            ends[k], ends_at[k] = v, i
        parent[i] = ends_at[k - 1] if k else -1
    keep, i = set(), ends_at[-1] if ends_at else -1
    while i >= 0:
        keep.add(i)
        i = parent[i]
    return keep


def audit(reference: str, hypothesis: str) -> dict:
    reference, hypothesis = strip_leaders(reference), strip_leaders(hypothesis)
    ref, hyp = _tokens(reference), _tokens(hypothesis)
    # pieces: the tiles, and between them the untiled tokens (misreads), which stay where they were read
    pieces: list[tuple[int, list[str]]] = []
    pos = 0
    for b, a, size in tiles(ref, hyp):
        if b > pos:
            pieces.append((-1, hyp[pos:b]))
        pieces.append((a, hyp[b:b + size]))
        pos = b + size
    if pos < len(hyp):
        pieces.append((-1, hyp[pos:]))
    n = len(re.sub(r"\s+", "", reference))
    edits = lambda seq: round(cer(reference, " ".join(" ".join(pieces[i][1]) for i in seq)) * n)  # noqa: E731
    tiled = [i for i, (a, _) in enumerate(pieces) if a >= 0]
    keep = {tiled[k] for k in _longest_increasing([pieces[i][0] for i in tiled])}
    order = list(range(len(pieces)))
    before = best = edits(order)
    moved = []
    # Each tile off the longest in-order run is put where the reference has it (right after the kept tile
    # before it there, or after the misreads that follow that tile), kept only if that saves edits: a short
    # word tiled to the wrong occurrence (the, 1) is left where it was read.
    for i in sorted(set(tiled) - keep, key=lambda i: -len(" ".join(pieces[i][1]))):
        rest = [j for j in order if j != i]
        placed = [k for k, j in enumerate(rest) if j in keep and pieces[j][0] < pieces[i][0]]
        at = placed[-1] + 1 if placed else 0
        spots = [at]
        while at < len(rest) and pieces[rest[at]][0] < 0:
            at += 1
            spots.append(at)
        trials = [rest[:k] + [i] + rest[k:] for k in spots]
        cost, trial = min((edits(t), t) for t in trials)
        if cost < best:
            moved.append((" ".join(pieces[i][1]), best - cost))
            order, best = trial, cost
            keep.add(i)
    return {"edits": before, "edits_in_order": best, "move_cost": before - best, "moved": moved}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True, help="bench.real_accuracy's --out directory")
    p.add_argument("--variant", default="scan")
    p.add_argument("--pages", nargs="*")
    p.add_argument("--show", type=int, default=0, help="print up to N moved runs per page")
    args = p.parse_args(argv)
    total = {"edits": 0, "move_cost": 0}
    for path in sorted(args.out.glob(f"*.{args.variant}.docpipe.txt")):
        page = path.name.split(".")[0]
        if args.pages and page not in args.pages:
            continue
        truth = (args.corpus / "pages" / f"{page}.gt.txt").read_text()
        r = audit(truth, path.read_text())
        total["edits"] += r["edits"]
        total["move_cost"] += r["move_cost"]
        if r["move_cost"] or args.pages:
            print(f"{page:36s} edits {r['edits']:4d}  in order {r['edits_in_order']:4d}  move cost {r['move_cost']:4d}"
                  f"  moved runs {len(r['moved'])}")
            for text, saved in r["moved"][: args.show]:
                print(f"    {saved:4d} | {text[:100]}")
    print(f"total: edits {total['edits']}, move cost {total['move_cost']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
