"""Scores for one page: three character error rates, and what kinds of error.

- ``cer_free``: edit distance / reference length with all whitespace removed
  (what was read);
- ``cer_collapsed``: whitespace runs collapsed to one space (whether words are
  separated as printed; a line break counts as a space);
- ``cer_bag``: order-independent: the multisets of characters (whitespace
  removed) compared, ``max(missing, extra) / reference length``. Every edit
  operation fixes at most one missing and one extra character, so this is never
  above ``cer_free``; the difference is what the order of the text cost.

All three first turn dot leaders into a space on both sides (``strip_leaders``).
"""
from __future__ import annotations

import re
from collections import Counter

from bench.alignment import line_errors
from tests.factories import cer, normalize_whitespace


_LEADER = re.compile(r"(?:\.[ \t]?){2,}")


def strip_leaders(text: str) -> str:
    """Dot leaders (a table of contents' `. . . . . 13`) become one space, in the
    reference and in every hypothesis: the number of dots is fill, not content,
    and no two engines (nor a human transcriber) agree on it."""
    return _LEADER.sub(" ", text)


def _chars(text: str) -> str:
    return re.sub(r"\s+", "", text)


def bag_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(missing, extra): reference characters the hypothesis lacks, and the reverse,
    counted as multisets (whitespace ignored)."""
    ref, hyp = Counter(_chars(reference)), Counter(_chars(hypothesis))
    return sum((ref - hyp).values()), sum((hyp - ref).values())


def cer_bag(reference: str, hypothesis: str) -> float:
    n = len(_chars(reference))
    missing, extra = bag_errors(reference, hypothesis)
    if not n:
        return 0.0 if not extra else 1.0
    return max(missing, extra) / n


def reference_sizes(reference: str) -> dict:
    """Reference lengths each rate is divided by (for micro-averages over pages)."""
    reference = strip_leaders(reference)
    free = len(_chars(reference))
    return {"ref_chars_free": free, "ref_chars_collapsed": len(normalize_whitespace(reference)), "ref_chars_bag": free}


def score(reference: str, hypothesis: str) -> dict:
    reference, hypothesis = strip_leaders(reference), strip_leaders(hypothesis)
    return {
        "cer_free": cer(reference, hypothesis, ignore_whitespace=True),
        "cer_collapsed": cer(reference, hypothesis, ignore_whitespace=False),
        "cer_bag": cer_bag(reference, hypothesis),
    }


def error_kinds(reference_lines: list[str], hypothesis: str, top: int = 5) -> dict:
    """What a page's errors are: the most frequent substitutions (ref→hyp),
    characters dropped and added, spaces missing and extra (from the
    whitespace-collapsed alignment of ``bench.alignment``), and the share of the
    whitespace-free errors that only the order explains (free − bag)."""
    reference_lines = [strip_leaders(l) for l in reference_lines]
    hypothesis = strip_leaders(hypothesis)
    reference = "\n".join(reference_lines)
    _, confusions = line_errors(reference_lines, hypothesis)
    subs = Counter({(r, h): n for (r, h), n in confusions.items() if r and h and " " not in (r, h)})
    free_edits = round(cer(reference, hypothesis) * len(_chars(reference)))
    bag_edits = max(bag_errors(reference, hypothesis))
    return {
        "substitutions": [[r, h, n] for (r, h), n in subs.most_common(top)],
        "dropped_chars": sum(n for (r, h), n in confusions.items() if r and r != " " and not h),
        "added_chars": sum(n for (r, h), n in confusions.items() if h and h != " " and not r),
        "missing_spaces": sum(n for (r, h), n in confusions.items() if r == " " and h != " "),
        "extra_spaces": sum(n for (r, h), n in confusions.items() if h == " " and r != " "),
        "order_edits": max(0, free_edits - bag_edits),
        "edits": sum(confusions.values()),
    }
