"""pipeline/tables/words.text_lines keeps each line's core extent as it grows (the shortest tokens and those up to
half again as tall), not recomputed from all its tokens on every token: the same lines as the recomputation, on
random words of mixed heights (tall braces and bullets among them) and tight line pitches."""
from __future__ import annotations

import random

import pytest

from pipeline.tables.model import Token
from pipeline.tables.words import text_lines


def _recomputed(tokens: list[Token]) -> list[list[Token]]:
    """The grouping text_lines describes, each line's core extent taken again from all its tokens."""
    lines: list[list[Token]] = []
    spans: list[tuple[float, float]] = []
    for tok in sorted(tokens, key=lambda t: (t.cy, t.box[0])):
        for k in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
            overlap = min(tok.box[3], spans[k][1]) - max(tok.box[1], spans[k][0])
            if overlap > 0.5 * min(tok.height, spans[k][1] - spans[k][0]):
                lines[k].append(tok)
                low = 1.5 * min(t.height for t in lines[k])
                core = [t for t in lines[k] if t.height <= low]
                spans[k] = (min(t.box[1] for t in core), max(t.box[3] for t in core))
                break
        else:
            lines.append([tok])
            spans.append((tok.box[1], tok.box[3]))
    order = sorted(range(len(lines)), key=lambda k: spans[k][0])
    return [sorted(lines[k], key=lambda t: t.box[0]) for k in order]


@pytest.mark.parametrize("seed", range(40))
def test_lines_are_those_of_the_recomputed_extents(seed):
    rng = random.Random(seed)
    pitch, tokens = rng.uniform(14, 40), []
    for row in range(rng.randint(1, 12)):
        for k in range(rng.randint(1, 9)):
            size = 20 * rng.choice([0.6, 0.8, 1.0, 1.0, 1.0, 1.3, 1.6, 2.4])
            top = row * pitch + rng.uniform(-6, 6) + (20 - size) * rng.random()
            tokens.append(Token(f"w{row}.{k}", (k * 60.0, top, k * 60.0 + 50, top + size), 0.9))
    assert [[t.text for t in line] for line in text_lines(tokens)] == \
        [[t.text for t in line] for line in _recomputed(tokens)]
