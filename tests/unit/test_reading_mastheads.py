"""Reading order on a brochure's page (``pipeline/mastheads.py``, ``pipeline/captions.py``): its masthead, a
large logo beside its title lines, read before both columns below it (not the logo as the left column's
first line and the title as the right one's); a caption under a picture, level with the last line of a
quotation beside it, read as a block of its own before the quotation (not joined to the quotation's last
line as one row)."""
import numpy as np
import pytest

from pipeline import Engine, EngineConfig
from tests.factories import _pil_font, cer, degrade, render_text_image
from tests.unit.test_page_order import SCAN, paste, position, read

LOGO = "DOCPIPE"
TITLE = ["Reading documents on any", "machine for any office"]
LEFT = ["The whole of a document", "read in minutes, on the", "computer you already", "have on your own desk,",
        "with no service to pay", "for and nothing sent out."]
RIGHT = ["If you need to turn a box of paper records into text you can search, this is for you: pages",
         "come in as scans or files and go out as text, with the place of every line on its page, ready",
         "for an archive, a search index or a reader who needs the words and not the picture of them.",
         "The pages are read in the order a person reads them, column after column, heading first."]
QUOTE = ["I found it a powerful tool for", "turning our old minutes into", "text we can search again, and",
         "it asked for nothing but the", "machine we already had on the", "desk of our secretary."]
ATTRIBUTION = "Anne Smith, Archivist"
CAPTION = "Drawing of the first press (artist unknown)"


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=2))


def line(page: np.ndarray, text: str, x: int, y: int, size_px: int, font: str = "sans") -> int:
    """Put ``text`` on ``page`` with its left edge at x, its top at y; the x where it ends."""
    width = round(_pil_font(font, size_px).getlength(text)) + 4
    block = render_text_image([text], font=font, size_px=size_px, width=width + 40, margin=0)
    paste(page, block[:, :width], x, y)
    return x + width


def brochure() -> np.ndarray:
    """A logo in large type top left, two title lines beside it, a wide space, then a narrow column of
    large sans text left and a wide column of serif prose right."""
    page = np.full((1250, 1654), 255, np.uint8)
    end = line(page, LOGO, 70, 60, 130, "serif")
    for k, text in enumerate(TITLE):
        line(page, text, end + 16, 70 + 62 * k, 48, "serif")
    for k, text in enumerate(LEFT):
        line(page, text, 70, 420 + 52 * k, 36)
    for k, text in enumerate(RIGHT):
        line(page, text, 640, 420 + 40 * k, 22, "serif")
    return page


def picture_and_quote() -> np.ndarray:
    """A framed picture with its caption under it, in small type, level with the last line of a quotation
    beside it (its attribution set flush right), the two a little over half a line height apart."""
    page = np.full((900, 1400), 255, np.uint8)
    page[100:330, 80:520] = 120
    page[104:326, 84:516] = 255
    for k, text in enumerate(QUOTE):
        line(page, text, 550, 120 + 38 * k, 26)
    end = line(page, CAPTION, 84, 120 + 38 * len(QUOTE) + 6, 20)
    assert end < 535  # the caption under the picture, its end short of the quotation
    width = round(_pil_font("sans", 26).getlength(ATTRIBUTION)) + 4
    right = max(line(np.full_like(page, 255), text, 550, 0, 26) for text in QUOTE)
    line(page, ATTRIBUTION, right - width, 120 + 38 * len(QUOTE), 26)
    return page


@pytest.mark.parametrize("scanned", [False, True], ids=["clean", "scan"])
def test_masthead_beside_its_logo_read_before_both_columns(engine, scanned):
    page = brochure()
    r = read(engine, degrade(page, **SCAN) if scanned else page)
    truth = "\n".join([LOGO, *TITLE, *LEFT, *RIGHT])
    assert cer(truth, r.text) <= 0.05, r.text
    where = [position(r.text, piece) for piece in (TITLE[0], TITLE[1], LEFT[0], LEFT[-1], RIGHT[0])]
    assert 0 <= where[0] and where == sorted(where), (where, r.text)


@pytest.mark.parametrize("scanned", [False, True], ids=["clean", "scan"])
def test_caption_under_a_picture_read_apart_from_the_quotation_beside_it(engine, scanned):
    page = picture_and_quote()
    r = read(engine, degrade(page, **SCAN) if scanned else page)
    truth = "\n".join([CAPTION, *QUOTE, ATTRIBUTION])
    assert cer(truth, r.text) <= 0.05, r.text
    # The caption first, the quotation whole after it, its attribution last.
    where = [position(r.text, piece) for piece in (CAPTION, QUOTE[0], QUOTE[-1], ATTRIBUTION)]
    assert 0 <= where[0] and where == sorted(where), (where, r.text)
    caption_block = {ln.block for ln in r.lines if "press" in ln.text}
    assert caption_block.isdisjoint({ln.block for ln in r.lines if "Archivist" in ln.text})


@pytest.mark.parametrize("first", [(20, 390, 340, 410), (280, 390, 340, 410), (20, 312, 340, 332)],
                         ids=["caption", "short key", "level with the first line"])
def test_only_a_wide_line_level_with_the_block_end_is_a_caption(first):
    # A quotation's four lines (20 px a line height) beside a line: a caption under a picture when as wide as
    # a sentence and level with the quotation's last line; a reference card's short key, or a line level
    # with the quotation's first line (a table's label), is no caption.
    from pipeline.captions import caption_beside
    from pipeline.layout import LayoutSettings

    boxes = np.array([first, *[(360, 312 + 26 * k, 700, 332 + 26 * k) for k in range(4)]], dtype=float)
    split = caption_beside(np.arange(5), boxes, 20.0, LayoutSettings())
    if first[1] == 390 and first[0] == 20:
        assert split is not None and list(split[0]) == [0]
    else:
        assert split is None
