"""A traditional character the page's recognizer cannot name, in the page's lines, read by the larger recognizer.

The page's recognizer reads a traditional glyph it has no class for (`繫` of `多體繫結構`) as the simplified
character it looks most like (`紧`), and on a traditional page ``traditional_script`` writes that one's traditional
form (`緊`): a real character, but not the one printed. The table step reads such cells' words again
(``pipeline/tables/unknown_glyphs.py``); a line of prose read again whole cost as much as the rest of the table
step on such pages. Here only the character and its neighbours are cut out and read again by the larger recognizer:
where it reads the same neighbours and, for the character, another ideograph the page's recognizer cannot name
either, that one is taken.
"""
from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.page_rereads import Crops
from pipeline.punctuation import IDEOGRAPH
from pipeline.traditional_script import is_traditional, script_counts, written_traditional


def unnamed_traditional(decoded: list[DecodedLine], crops: Crops, read: Callable, known: Container[str]) -> list[DecodedLine]:
    """``decoded`` with each character the traditional step may have written, that the page's recognizer
    (``known``: its characters) cannot name, changed where ``read`` (the larger recognizer) reads its crop,
    with one neighbour each side, as one it cannot name either and the neighbours as read."""
    written = written_traditional()
    suspect = lambda c: c in written and c not in known  # noqa: E731
    at = [i for i, d in enumerate(decoded) if any(suspect(c.char) for c in d.chars)]
    if not at or not is_traditional(*script_counts("".join(d.text for d in decoded))):
        return decoded
    pieces, which = [], []
    for i, crop in zip(at, crops(at)):
        line = decoded[i]
        step = crop.shape[1] / max(1, line.steps)
        # each glyph about half a step before its steps' middle (CTC fires on or just after it); cut midway between
        mids = [((c.start + c.end) / 2 - 0.5) * step for c in line.chars]
        for k, c in enumerate(line.chars):
            if not suspect(c.char):
                continue
            j0, j1 = max(0, k - 1), min(len(mids) - 1, k + 1)
            left = 0 if j0 == 0 else round((mids[j0 - 1] + mids[j0]) / 2)
            right = crop.shape[1] if j1 == len(mids) - 1 else round((mids[j1] + mids[j1 + 1]) / 2)
            if right - left >= 8:
                pieces.append(np.ascontiguousarray(crop[:, left:right]))
                which.append((i, k, j0, j1))
    if not pieces:
        return decoded
    out = list(decoded)
    for (i, k, j0, j1), again in zip(which, read(pieces)):
        first = "".join(c.char for c in decoded[i].chars[j0 : j1 + 1])
        second = again.text.strip()
        at_k = k - j0
        if (len(second) == len(first) and second[at_k] != first[at_k] and second[at_k] not in known
                and IDEOGRAPH.match(second[at_k]) and all(a == b for n, (a, b) in enumerate(zip(first, second)) if n != at_k)):
            line = out[i]
            chars = list(line.chars)
            chars[k] = replace(chars[k], char=second[at_k], second=chars[k].char)
            out[i] = replace(line, chars=tuple(chars))
    return out
