"""A date read with an impossible field (``2818-81-15``: the 0s of a blurred scan filled in and read 8) is read
again from the digits the model weighed on those steps; a possible date stays as read, even where the model
weighed other digits too.

The recognizer's weights are built by hand (as in test_ctc) and decoded by the real decoder."""
import numpy as np

from pipeline.ctc import CtcDecoder

DEC = CtcDecoder(list("0123456789-/:UNdeptaw"))


def _line(text: str, split: dict[int, tuple[str, float]] | None = None) -> str:
    """``text`` decoded, one glyph per step with a blank between; at ``split``'s positions the glyph read
    shares its weight with another digit (position -> (other digit, its weight))."""
    n = DEC.num_classes
    steps = []
    for k, ch in enumerate(text):
        row = np.zeros(n, np.float32)
        other, w = (split or {}).get(k, (None, 0.0))
        if other is not None:
            row[DEC.index[other]] = w
        row[DEC.index[ch] if ch != " " else n - 1] = 1 - w
        blank = np.zeros(n, np.float32)
        blank[0] = 1.0
        steps += [row, blank]
    return DEC.decode(np.array(steps)).text


def test_impossible_fields_take_the_digit_the_model_weighed():
    # Year 2818, month 81: the filled-in 0s weigh 0.06 and 0.16.
    assert _line("Updated: 2818-81-15", {10: ("0", 0.06), 14: ("0", 0.16)}) == "Updated: 2018-01-15"
    assert _line("New: 2021-89-21", {10: ("0", 0.2)}) == "New: 2021-09-21"
    assert _line("2007/31/14", {5: ("0", 0.3)}) == "2007/01/14"
    # A day past 31 with a 3 read for a 2 the model weighed.
    assert _line("2019-03-38", {8: ("2", 0.1)}) == "2019-03-28"


def test_possible_dates_and_other_numbers_stay():
    # A possible month stays though the model weighed a 0 on its 1 (months 10 and 01 are both dates).
    assert _line("2019-10-12", {5: ("0", 0.4)}) == "2019-10-12"
    # Nothing weighed that makes the field possible: left as read.
    assert _line("2019-83-12", {5: ("9", 0.3)}) == "2019-83-12"
    assert _line("2019-83-12", {5: ("0", 0.01)}) == "2019-83-12"
    # Not a date: more digits around it, or two different separators.
    assert _line("12019-83-12", {6: ("0", 0.3)}) == "12019-83-12"
    assert _line("2019-83/12", {5: ("0", 0.3)}) == "2019-83/12"
