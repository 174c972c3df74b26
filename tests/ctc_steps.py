"""Recognizer outputs written by hand for decoder tests: a step per character, a blank step after each."""
import numpy as np

from pipeline.ctc import CtcDecoder


def steps(dec: CtcDecoder, text: str, char: str, second: str, weight: float) -> np.ndarray:
    """Steps reading ``text``, where each ``char`` also gives ``second`` the model's ``weight``."""
    n, space = dec.num_classes, dec.num_classes - 1
    rows = []
    for ch in text:
        row = np.full(n, 1e-4, dtype=np.float32)
        if ch == char:
            row[dec.index[char]], row[dec.index[second]] = 0.9 - weight, weight
        else:
            row[space if ch == " " else dec.index[ch]] = 0.9
        blank = np.full(n, 1e-4, dtype=np.float32)
        blank[0] = 0.9
        rows += [row, blank]
    return np.stack(rows)


def sure_line(dec: CtcDecoder, text: str):
    """``text`` decoded from steps that give each character all the weight, a blank step after each."""
    n = dec.num_classes
    rows = []
    for ch in text:
        row, blank = np.zeros(n, np.float32), np.zeros(n, np.float32)
        row[dec.index[ch] if ch != " " else n - 1] = 1.0
        blank[0] = 1.0
        rows += [row, blank]
    return dec.decode(np.array(rows))
