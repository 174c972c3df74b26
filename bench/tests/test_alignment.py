"""The alignment that explains the CER must agree with the CER's edit distance."""
import random

import pytest

from bench.alignment import align, line_errors
from tests.factories import edit_distance


@pytest.mark.parametrize("seed", range(40))
def test_alignment_is_a_minimal_edit_script(seed):
    rng = random.Random(seed)
    alphabet = "ab c中文，1"
    a = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
    b = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
    pairs = align(a, b)
    assert "".join(r for r, _ in pairs) == a
    assert "".join(h for _, h in pairs) == b
    assert sum(r != h for r, h in pairs) == edit_distance(a, b)


def test_line_errors_blame_the_right_lines():
    lines, confusions = line_errors(
        ["Invoice INV-2024-0042", "Total due: $1,250.00", "合同编号：HT-2024-0387"],
        "Invoice INV-2024-0042\nTotal due: $1,250.O0\n合同编号:HT-2024-0387",
    )
    assert [l.errors for l in lines] == [0, 1, 1]
    assert lines[1].hypothesis == "Total due: $1,250.O0"
    assert confusions == {("0", "O"): 1, ("：", ":"): 1}


def test_line_errors_count_a_missing_line_as_deletions():
    lines, confusions = line_errors(["first line", "second line"], "first line")
    assert lines[0].errors == 0
    assert lines[1].errors == len(" second line")  # its joining space included
    assert sum(confusions.values()) == len(" second line")
