"""The TeX logo whose T the recognizer did not read (`EX`: the T's arm overhangs the kerned, lowered E,
and the two are taken for one E) reads TEX; an EX set in plain letters stays EX.

Lines typeset as TeX sets the logo (the E lowered and kerned into the T) beside Chinese and English text,
read by the real engine.
"""


from tests.factories import encode_png
from tests.unit.test_reading_latex_logo import _typeset


def test_tex_logo_whose_t_was_not_read(engine):
    lines = ["以下是一份简单的 {TeX} 文档，它演示了基本用法。", "• {TeX} 和 MS Word 并不存在高下之分",
             "从 {TeX} 阵营中分流了大部分用户"]
    text = list(engine.process(encode_png(_typeset(lines, 28))))[0].text
    assert "简单的 TEX 文档" in text and "TEX 和 MS Word" in text and "从 TEX 阵营" in text


def test_ex_in_plain_letters_stays(engine):
    text = list(engine.process(encode_png(_typeset(["Set the EX flag, then 读取 EX 寄存器 and exit."], 28))))[0].text
    assert "TEX" not in text and text.count("EX") == 2
