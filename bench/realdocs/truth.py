"""Ground truth from a PDF page's own text layer: visual lines, in text-layer
order, with their boxes, and the reasons a line cannot be trusted.

MuPDF gives text-layer *fragments* (its "lines"): one visual line often comes as
several (a table row cell by cell, a footnote mark, a word in another font), in
the order the content stream draws them. Fragments that follow each other in
the stream and sit on the same baseline, left to right, are joined into one
visual line; everything else keeps the stream's order (TeX and most producers
draw in reading order: column by column, a table row by row). What MuPDF and
this module do with the pitfalls of text layers is written up in bench/README.md.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import pymupdf

from pipeline.text_accents import attach_accents, has_accents

# Text extraction: ligatures expanded by MuPDF (ﬁ → fi), text outside the page's
# box (clipped away when printed) left out; glyph boxes are advance boxes (origin
# to origin + advance), which is what the word-gap rule measures.
TEXT_FLAGS = (pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP) & ~pymupdf.TEXT_PRESERVE_LIGATURES
WORD_GAP = 0.15  # em: a gap this wide between two glyphs is a word space (see _spaced)

# What MuPDF leaves unexpanded in some fonts; the soft hyphen TeX-made PDFs
# sometimes carry where a hyphen is printed at the line end; hyphens that share
# the hyphen-minus glyph (a font's cmap maps both to it, and MuPDF may name it
# by either); spaces of other widths.
_FOLD = {"\u2010": "-", "\u2011": "-", "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st",
         "\ufb06": "st", "\u00ad": "-", "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u202f": " "}
_FOLD_TABLE = str.maketrans(_FOLD)

MATH_FONT = re.compile(r"cmmi|cmsy|cmex|cmbsy|msam|msbm|math|euex|eufm|rsfs|stmary|wasy|lmmi|lmsy|lmex", re.I)
MONO_FONT = re.compile(r"mono|typewriter|courier|cmtt|lmtt|sfmono|consol|code|inconsolata|txtt|beramono", re.I)
# Fonts whose glyphs are pictures filed under letter codes (a dingbat printed where
# the text layer says "k"): their characters are not truth.
SYMBOL_FONT = re.compile(r"dingbat|zapf|pzdr|^symbol|wasy|bbding|awesome|marvo|pifont|manfnt|webding|wingding|ifsym", re.I)


def is_unreliable_char(ch: str) -> bool:
    """U+FFFD, private use, unassigned or control characters: a glyph the text
    layer does not name (an unmapped font), so the line's truth is unknown."""
    cat = unicodedata.category(ch)
    return ch == "\ufffd" or cat in ("Co", "Cn", "Cs") or (cat == "Cc" and ch not in "\t\n")


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FFFF or 0xF900 <= o <= 0xFAFF


@dataclass
class Line:
    text: str
    bbox: tuple[float, float, float, float]  # PDF points, page coordinates
    size: float  # font size of the line's largest span, points
    chars: int = 0  # non-space characters
    math_chars: int = 0
    mono_chars: int = 0
    masked: list[tuple] = field(default_factory=list)  # boxes of glyphs left out of the truth
    problems: list[str] = field(default_factory=list)  # why this line is not used as truth (then whitened whole)

    @property
    def usable(self) -> bool:
        return not self.problems


def _visible(span: dict, page_rect: pymupdf.Rect) -> bool:
    """Text nobody sees: transparent (render mode 3 shows as alpha 0), white on
    the white page, or a zero-size box."""
    if span.get("alpha", 255) == 0:
        return False
    c = span["color"]
    if min((c >> 16) & 255, (c >> 8) & 255, c & 255) >= 0xF0:
        return False
    r = pymupdf.Rect(span["bbox"])
    return r.width > 0 and r.height > 0 and r.intersects(page_rect)


def untrusted_fonts(page: pymupdf.Page) -> set[str]:
    """Type 3 fonts without a ToUnicode map (their codes are arbitrary: a figure's
    labels come out as control characters and shuffled letters) and symbol fonts."""
    out = set()
    for xref, _ext, ftype, basefont, _name, _enc in page.get_fonts():
        name = basefont.split("+", 1)[-1]
        no_map = page.parent.xref_get_key(xref, "ToUnicode")[0] == "null"
        if (ftype == "Type3" and no_map) or SYMBOL_FONT.search(name):
            out.add(name)
    return out


def _fragments(page: pymupdf.Page) -> list[dict]:
    """MuPDF's lines as fragments: characters (with box, and whether they are
    math, monospace, or not to be trusted), the fragment's box and size."""
    out = []
    untrusted = untrusted_fonts(page)
    raw = page.get_text("rawdict", flags=TEXT_FLAGS)
    for block in raw["blocks"]:
        if block.get("type") != 0:
            continue
        for line in block["lines"]:
            if line.get("wmode", 0) != 0 or abs(line["dir"][1]) > 0.05:
                # vertical or rotated writing: kept as a separate, flagged fragment
                rotated = True
            else:
                rotated = False
            # (char, box, math font?, monospace?, untrusted?, font size)
            chars: list[tuple[str, tuple, bool, bool, bool, float]] = []
            size = 0.0
            for span in line["spans"]:
                if not _visible(span, page.rect):
                    continue
                size = max(size, span["size"])
                math, mono = bool(MATH_FONT.search(span["font"])), bool(MONO_FONT.search(span["font"])) or bool(span["flags"] & 8)
                bad_font = span["font"] in untrusted
                chars.extend((c["c"], tuple(c["bbox"]), math, mono, bad_font or is_unreliable_char(c["c"]), span["size"])
                             for c in span["chars"])
            if not chars or not "".join(c[0] for c in chars).strip():
                continue
            boxes = [c[1] for c in chars if not c[0].isspace()]
            bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
            out.append({"chars": chars, "bbox": bbox, "size": size, "rotated": rotated,
                        "baseline": line["spans"][0]["origin"][1] if line["spans"] else bbox[3]})
    return out


def _same_row(line: dict, frag: dict) -> bool:
    """``frag`` continues ``line`` on the same visual row, to its right."""
    if line["rotated"] or frag["rotated"]:
        return False
    a, b = line["bbox"], frag["bbox"]
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    shorter = min(a[3] - a[1], b[3] - b[1])
    size = max(line["size"], frag["size"], 1.0)
    # no limit on the gap: consecutive in the stream and on one row is one row (a
    # reference card's command and its description, a table's cells)
    return overlap >= 0.5 * shorter and b[0] >= a[2] - 0.3 * size


def _join(line: dict, frag: dict) -> None:
    line["chars"].extend(frag["chars"])
    a, b = line["bbox"], frag["bbox"]
    line["bbox"] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
    line["size"] = max(line["size"], frag["size"])


def _wide(ch: str) -> bool:
    o = ord(ch)
    return is_cjk(ch) or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF


def _spaced(chars: list[tuple]) -> str:
    """The line's text with a space wherever the glyphs leave a word gap.

    Spaces come from the geometry, not from space characters: many producers
    (pdfTeX with some fonts, texinfo, Sphinx's LaTeX) move to the next word
    without drawing one, and MuPDF's guess then runs words together
    ("anintegertype;ifnoinitializer"). A gap of ``WORD_GAP`` em or more between
    two glyphs' advance boxes is a space (TeX's interword space shrinks to about
    0.22 em; kerning stays under 0.1 em); two Chinese characters or full-width
    marks are never separated, whatever the gap (justification stretches them).
    """
    out: list[str] = []
    prev = None
    for ch, box, _, _, _, size in chars:
        if ch.isspace():
            continue
        # the smaller of the two sizes: a title beside a large logo keeps its own word gaps
        if prev is not None and box[0] - prev[1][2] >= WORD_GAP * min(size, prev[2]) and not (_wide(prev[0]) and _wide(ch)):
            out.append(" ")
        out.append(ch)
        prev = (ch, box, size)
    return "".join(out)


def _make_line(raw: dict) -> Line:
    # Glyphs the text layer does not name are left out of the truth and whitened
    # in the image (``masked``), so image and truth keep agreeing.
    kept = [c for c in raw["chars"] if not c[4]]
    if has_accents("".join(c[0] for c in kept)):  # an accent drawn over its letter is that letter's (verb˜u: verbũ)
        texts = attach_accents([(c[0], c[1][0], c[1][2]) for c in kept])
        kept = [(t, *c[1:]) for t, c in zip(texts, kept) if t]
    text = _spaced(kept).translate(_FOLD_TABLE)
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    visible = [c for c in raw["chars"] if not c[0].isspace()]
    line = Line(text=text, bbox=raw["bbox"], size=raw["size"], chars=len(text.replace(" ", "")),
                math_chars=sum(1 for c in visible if c[2]), mono_chars=sum(1 for c in visible if c[3]),
                masked=[c[1] for c in visible if c[4]])
    if len(line.masked) > 0.3 * max(1, len(visible)):
        line.problems.append("unmapped_glyphs")  # U+FFFD, private use, a Type 3 font without ToUnicode
    if raw["rotated"]:
        line.problems.append("not_horizontal")
    if line.math_chars > 0.3 * max(1, len(visible)):
        line.problems.append("math")  # math fonts' text layers name glyphs, not what a reader reads
    return line


def page_lines(page: pymupdf.Page) -> list[Line]:
    """The page's visual lines in text-layer order (see the module docstring)."""
    merged: list[dict] = []
    for frag in _fragments(page):
        if merged and _same_row(merged[-1], frag):
            _join(merged[-1], frag)
        else:
            merged.append({**frag, "chars": list(frag["chars"])})
    lines = [_make_line(m) for m in merged]
    _flag_overprint(lines)
    return [l for l in lines if l.text or l.masked]


def _flag_overprint(lines: list[Line]) -> None:
    """Two lines drawn over each other (a shadow effect, text drawn twice for
    bold) read as one line on the page: the later copy is not truth."""
    for i, a in enumerate(lines):
        for b in lines[i + 1:i + 4]:
            if b.text == a.text and abs(b.bbox[0] - a.bbox[0]) < 2 and abs(b.bbox[1] - a.bbox[1]) < 2:
                b.problems.append("overprinted")


def to_pixels(bbox: tuple[float, float, float, float], dpi: int) -> list[int]:
    s = dpi / 72.0
    return [round(bbox[0] * s), round(bbox[1] * s), round(bbox[2] * s), round(bbox[3] * s)]
