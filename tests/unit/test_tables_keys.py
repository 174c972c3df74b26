"""Asking for tables changes the keys that name a job's work (the bulk client's idempotency key, the
worker's result-reuse key), and not asking leaves every existing key as it was."""
from __future__ import annotations

from pathlib import Path

import pytest

from client.__main__ import build_parser
from client.bulk import BulkOptions
from client.idempotency import content_key
from client.outputs import output_path
from workers.result_reuse import reuse_key

SHA = "ab" * 32


def test_content_key_moves_only_with_tables():
    # the key as computed before tables existed (written out: runs resumed across the upgrade keep their jobs)
    assert content_key(SHA, mode="auto") == content_key(SHA, mode="auto", tables=False)
    assert content_key(SHA, mode="auto", tables=True) != content_key(SHA, mode="auto")
    assert content_key(SHA, mode="auto") == "d8caab76ab805b2a6dc3b5f5acfd18894abe6ed0f8fbd5a4a325386c09fb184e"


def test_reuse_key_moves_only_with_tables():
    base = dict(mode="auto", pages=None, dpi=200, max_pixels=50_000_000, engine={"models": {"det": "x"}})
    assert reuse_key([SHA], **base) == reuse_key([SHA], **base, tables=False)
    assert reuse_key([SHA], **base) == "260eff4c62a6156b0b5c45959af6192f3e687a2bf6bc15e234f66ac9cb68bffb"  # as before tables
    assert reuse_key([SHA], **base, tables=True) != reuse_key([SHA], **base)


@pytest.mark.parametrize("formats,tables", [(("txt", "json"), False), (("txt", "tables.xlsx"), True),
                                            (("tables.csv",), True)])
def test_bulk_asks_for_tables_when_a_tables_format_is_wanted(formats, tables):
    assert BulkOptions(src_dir=Path("."), out_dir=Path("o"), formats=formats).tables is tables


def test_bulk_accepts_the_tables_formats_and_names_their_files():
    args = build_parser().parse_args(["bulk", "src", "out", "--formats", "txt,tables.xlsx,TABLES.CSV"])
    assert args.formats == ("txt", "tables.xlsx", "tables.csv")
    assert output_path(Path("o"), "a/x.pdf", "tables.csv") == Path("o/a/x.pdf.tables.csv.zip")
    assert output_path(Path("o"), "a/x.pdf", "tables.xlsx") == Path("o/a/x.pdf.tables.xlsx")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["bulk", "src", "out", "--formats", "tables.ods"])
