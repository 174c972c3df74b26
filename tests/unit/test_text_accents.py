"""Accents a text layer names as glyphs of their own (TeX's \\accent) read on the letter they are drawn over."""
import pymupdf

from bench.realdocs.truth import page_lines
from pipeline import textlayer
from pipeline.text_accents import attach_accents
from tests.factories import font_path

SIZE = 12


def _accented_pdf_page(pieces: list[tuple[str, str | None]], y: float = 100, before: bool = True) -> pymupdf.Page:
    """A page with one line of ``pieces``: (text, accent to draw over the text's last letter or None), each
    accent a glyph of its own centred over its letter, drawn before the letter (TeX) or after it."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_font(fontname="dv", fontfile=str(font_path("sans")))
    font = pymupdf.Font(fontfile=str(font_path("sans")))
    x = 72.0
    for text, accent in pieces:
        head, last = (text[:-1], text[-1]) if accent else (text, "")
        page.insert_text((x, y), head, fontname="dv", fontsize=SIZE)
        x += font.text_length(head, SIZE)
        if accent:
            w_letter, w_accent = font.text_length(last, SIZE), font.text_length(accent, SIZE)
            at = x + (w_letter - w_accent) / 2
            draws = [(at, accent), (x, last)] if before else [(x, last), (at, accent)]
            for dx, ch in draws:
                page.insert_text((dx, y), ch, fontname="dv", fontsize=SIZE)
            x += w_letter
    return pymupdf.open(stream=doc.tobytes())[0]


LINE = [("N principio erat verbu", "\u02dc"), (": L", None), ("u", "\u00a8"), ("beck, soup", None), ("c", "\u00b8"),
        ("on, Th", None), ("e", "\u02c6"), (" Thành", None)]


def test_service_text_layer_puts_accents_on_their_letters():
    for before in (True, False):
        lines = textlayer.extract_lines(_accented_pdf_page(LINE, before=before), 200)
        assert [l.text for l in lines] == ["N principio erat verbũ: Lübeck, soupçon, Thê Thành"]
        assert [w.text for w in lines[0].words] == ["N", "principio", "erat", "verbũ:", "Lübeck,", "soupçon,", "Thê", "Thành"]


def test_bench_truth_puts_accents_on_their_letters():
    lines = page_lines(_accented_pdf_page(LINE))
    assert [l.text for l in lines] == ["N principio erat verbũ: Lübeck, soupçon, Thê Thành"]


def test_bench_truth_spaces_a_letter_whose_accent_has_no_precomposed_form():
    lines = page_lines(_accented_pdf_page([("Om", "\u02dc"), (" next", None)]))
    assert [l.text for l in lines] == ["Om\u0303 next"]


def test_an_accent_set_beside_letters_and_ascii_marks_stay_as_they_are():
    page = _accented_pdf_page([("the \u00a8 key, x^2 and a~b `q'", None)])
    assert [l.text for l in textlayer.extract_lines(page, 200)] == ["the \u00a8 key, x^2 and a~b `q'"]
    assert [l.text for l in page_lines(page)] == ["the \u00a8 key, x^2 and a~b `q'"]


def test_attach_accents_takes_the_letter_the_accent_overlaps_most():
    # An acute over ê drawn after it (microtype's Thê´), an accent over a letter with no precomposed form.
    assert "".join(attach_accents([("ê", 10, 15), ("\u00b4", 9.5, 14.5), (" ", 14.5, 17)])) == "\u1ebf "
    assert "".join(attach_accents([("O", 0, 14), ("\u02dc", 15, 24), ("m", 14, 26)])) == "Om\u0303"
