"""The CLI prints each page's tables with --json --tables; Options.tables is validated."""
from __future__ import annotations

import json

import pytest

from pipeline.__main__ import main
from pipeline.options import Options
from tests.table_factories import random_table, table_pdf


def test_cli_prints_tables(tmp_path, capsys):
    spec = random_table(2, rules="none", spans=True)
    path = tmp_path / "table.pdf"
    path.write_bytes(table_pdf(spec))
    assert main([str(path), "--json", "--tables", "--threads", "1"]) == 0
    [page] = json.loads(capsys.readouterr().out)["pages"]
    [table] = page["tables"]
    truth = spec.truth()
    assert (table["rows"], table["cols"], table["header_rows"]) == (truth["rows"], truth["cols"], truth["header_rows"])
    got = sorted((c["row"], c["col"], c["row_span"], c["col_span"], c["text"]) for c in table["cells"] if c["text"])
    assert got == sorted((c["row"], c["col"], c["row_span"], c["col_span"], c["text"]) for c in truth["cells"])
    assert page["timings"]["tables"] >= 0


def test_cli_without_the_flag_finds_none(tmp_path, capsys):
    path = tmp_path / "table.pdf"
    path.write_bytes(table_pdf(random_table(2, rules="grid")))
    assert main([str(path), "--json", "--threads", "1"]) == 0
    [page] = json.loads(capsys.readouterr().out)["pages"]
    assert page["tables"] == [] and "tables" not in page["timings"]


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_tables_option_must_be_a_bool(value):
    with pytest.raises(ValueError, match="tables must be true or false"):
        Options(tables=value)
