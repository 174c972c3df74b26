"""A mirror list's addresses (tlmgr's manual, zh-cn): on a scan the recognizer read a point of the host name as a
comma (`https://mirrors,dgut.edu.cn/…`). A host name has no comma, so there it is a point
(pipeline/tables/url_hosts.py); commas elsewhere (a path, a query, the text around) stay. The readings are
given by hand: the recognizer's slip comes and goes with the scan's noise."""
from __future__ import annotations

import pytest

from pipeline.tables.model import Token
from pipeline.tables.url_hosts import url_hosts

BOX = (10.0, 10.0, 400.0, 40.0)


@pytest.mark.parametrize("read, truth", [
    ("https://mirrors,dgut.edu.cn/CTAN/systems/texlive/", "https://mirrors.dgut.edu.cn/CTAN/systems/texlive/"),
    ("https://mirror.lzu,edu.cn/CTAN/systems/texlive/", "https://mirror.lzu.edu.cn/CTAN/systems/texlive/"),
    ("镜像 ftp://ftp,example，org:21/pub", "镜像 ftp://ftp.example.org:21/pub"),
    ("http://www,tug.org", "http://www.tug.org"),
])
def test_a_comma_in_a_host_name_is_a_point(read, truth):
    out = url_hosts([Token(read, BOX, 0.9)])
    assert [t.text for t in out] == [truth]
    assert out[0].box == BOX and out[0].confidence == 0.9


@pytest.mark.parametrize("read", [
    "https://example.org/a,b?q=1,2",  # a path and a query may hold commas
    "https://tug.org, CTAN",  # a comma after the address is the sentence's
    "1,2,3",
    "word,word://x",  # no scheme: not an address
])
def test_commas_outside_a_host_name_stay(read):
    assert [t.text for t in url_hosts([Token(read, BOX, 0.9)])] == [read]
