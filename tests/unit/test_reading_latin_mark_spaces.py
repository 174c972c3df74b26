"""The word space after an ASCII comma or colon between Latin words on a Chinese line comes out (etex,
latex, pdftex; New: 2021-09-21), and none is put after a comma set solid in code ((3cm,4cm)), a
full-width one the page compresses to half its cell between code words (fontset=windows，adobefonts)
or a monospace face's colon (key:value). Lines typeset as a TeX engine sets them, read by the real
engine."""
import re
import pytest


from tests.factories import encode_png
from tests.mixed_print import typeset

LIST = ["使得许多很少使用的工具\u2005(fix*, getafm, psmerge, showchar)\u2005被大幅更新了。",
        "针对\u2005etex, latex, pdftex\u2005的格式文件以及\u2005bibtex, biber\u2005等工具都已更新。"]
LABEL = ["程序的信息：Version: ImageMagick\u2005的版本号，以及\u2005tex4ht: (LA)TeX\u2005的转换。",
         "图表的标题是\u2005Table 4.5: uput\u2005命令的角度参数，和\u2005New: 2021-09-21\u2005这些。"]
CODE = ["命令格式为\u2005key:value;other:thing\u2005这样的写法。",
        "它带有一个参数\u2005(0,0)--(3cm,4cm)\u2005表示两个点，而\u2005fontset=windows，adobefonts\u2005相当于旧选项。"]


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
    assert "key:value;other:thing" in text
    assert re.search(r"3cm[,，]4cm", text) and re.search(r"windows[,，]adobefonts", text)


@pytest.mark.parametrize("face,space,scan", [("sans", 0.3, False), ("serif", 0.3, True), ("sans", 0.25, True)])
def test_a_label_keeps_its_space_after_the_colon(engine, face, space, scan):
    # A justified line's word space, a little shrunk: the model reads none after some of the colons.
    text = _read(engine, typeset(LABEL, size=28, space=space, scan=scan, latin_face=face))
    assert "Version: ImageMagick" in text and "Table 4.5: uput" in text and "New: 2021-09-21" in text
