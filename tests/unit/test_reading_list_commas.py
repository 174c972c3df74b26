"""The word space after an ASCII comma between Latin words on a Chinese line comes out (etex, latex,
pdftex), and none is put after a comma set solid in code ((3cm,4cm)) or a full-width one the page
compresses to half its cell between code words (fontset=windows，adobefonts). Lines typeset as a TeX
engine sets them, read by the real engine."""
import re

import pytest

from pipeline.engine import Engine, EngineConfig
from tests.factories import encode_png
from tests.mixed_print import typeset

LIST = ["使得许多很少使用的工具\u2005(fix*, getafm, psmerge, showchar)\u2005被大幅更新了。",
        "针对\u2005etex, latex, pdftex\u2005的格式文件以及\u2005bibtex, biber\u2005等工具都已更新。"]
CODE = ["它带有一个参数\u2005(0,0)--(3cm,4cm)\u2005表示两个点，而\u2005fontset=windows，adobefonts\u2005相当于旧选项。"]


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=1))


def _read(engine, img) -> str:
    return list(engine.process(encode_png(img)))[0].text


@pytest.mark.parametrize("scan", [False, True])
def test_a_list_of_latin_words_keeps_its_spaces_after_commas(engine, scan):
    # At 28 px an em: the model reads no space after some of the commas.
    text = _read(engine, typeset(LIST, size=28, scan=scan))
    assert "fix*, getafm, psmerge, showchar" in text and "etex, latex, pdftex" in text and "bibtex, biber" in text


@pytest.mark.parametrize("scan", [False, True])
def test_no_space_after_a_comma_set_solid_in_code(engine, scan):
    text = _read(engine, typeset(CODE, scan=scan, latin_face="mono", squeeze="，"))
    assert re.search(r"3cm[,，]4cm", text) and re.search(r"windows[,，]adobefonts", text)
