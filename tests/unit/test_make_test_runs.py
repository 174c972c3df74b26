"""`make test` runs the suite in two pytest runs (tests/unit and bench/tests on every core, the service
tests one at a time). A test directory that neither names would silently never run in CI."""
from __future__ import annotations

import configparser
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _make_test_paths() -> set[Path]:
    recipe = re.search(r"^test:.*?\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M)
    assert recipe, "the Makefile has no test target"
    runs = [line for line in recipe.group(1).splitlines() if "-m pytest" in line]
    assert len(runs) == 2, runs
    return {ROOT / word for line in runs for word in line.split() if (ROOT / word).is_dir()}


def _test_dirs() -> set[Path]:
    ini = configparser.ConfigParser()
    ini.read(ROOT / "pytest.ini")
    dirs = set()
    for top in ini["pytest"]["testpaths"].split():
        for f in (ROOT / top).rglob("test_*.py"):
            dirs.add(f.parent)
    return dirs


def test_the_two_runs_of_make_test_cover_every_test_directory():
    named = _make_test_paths()
    uncovered = [d.relative_to(ROOT) for d in _test_dirs() if not any(d == p or p in d.parents for p in named)]
    assert not uncovered, f"make test runs no tests in {sorted(map(str, uncovered))}"


def test_no_directory_runs_in_both():
    named = sorted(_make_test_paths())
    nested = [(a, b) for a in named for b in named if a != b and a in b.parents]
    assert not nested, nested
