"""The page checks' shared loop asks a check about only the characters read as what its candidates are read as, and
finds the same lines and makes the same changes as asking about every character. Lines rendered and read by the
recognizer."""
from __future__ import annotations

import re
from dataclasses import replace

import pytest

from pipeline import Engine, EngineConfig
from pipeline.page_rereads import lines_with, reread_chars
from tests.line_crops import render_line_crop

_TEXTS = ("if l = 1 then x.y = z;", "Illinois, 1.5 l|I", "no uprights here")


@pytest.fixture(scope="module")
def lines():
    recognizer = Engine(EngineConfig(threads=1)).recognizer
    crops = [render_line_crop(t, "mono", 22) for t in _TEXTS]
    return recognizer(crops), crops


@pytest.mark.parametrize("reads", ["1Il|", ".", "l1", "=;"])
def test_only_characters_read_as_a_candidate_are_asked(lines, reads):
    decoded, crops = lines
    asked = []

    def candidate(line, k):
        asked.append(line.chars[k].char)
        return line.chars[k].char in reads

    found = lines_with(decoded, candidate, reads)
    assert found == [i for i, d in enumerate(decoded) if any(c.char in reads for c in d.chars)]
    assert asked and set(asked) <= set(reads)
    # Where the reads are given as a pattern, every character of a line reading one is asked about, as before.
    asked.clear()
    assert lines_with(decoded, candidate, re.compile(f"[{re.escape(reads)}]")) == found
    assert set(asked) - set(reads)


def test_the_changes_are_those_of_asking_about_every_character(lines):
    decoded, crops = lines

    def candidate(line, k):
        return line.chars[k].char in "1l" and k > 0

    def decide(line, ink, k):
        return replace(line.chars[k], char="!") if ink.shape[1] > 0 else None

    out = reread_chars(decoded, lambda idx: [crops[i] for i in idx], candidate, decide, "1l")
    expected = ["".join("!" if candidate(d, k) else c.char for k, c in enumerate(d.chars)) for d in decoded]
    assert [d.text for d in out] == expected
    assert any(a is not b for a, b in zip(out, decoded)) and out[2] is decoded[2]
