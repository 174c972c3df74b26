"""Ground truth from a PDF page's own text layer: visual lines, in text-layer
order, with their boxes, and the reasons a line cannot be trusted.

MuPDF gives text-layer *fragments* (its "lines"): one visual line often comes as
several (a table row cell by cell, a footnote mark, a word in another font), in
the order the content stream draws them. Fragments that follow each other in
the stream and sit on the same baseline, left to right, are joined into one
visual line; everything else keeps the stream's order (TeX and most producers
draw in reading order: column by column, a table row by row). What MuPDF and
this module do with the pitfalls of text layers is written up in bench/README.md.

One glyph the page prints is not in the text layer at all: an underscore that
Texinfo and LaTeX (``\\_`` in fonts without one) draw as a short rule on the
baseline. Such rules are read back from the page's drawings (``_add_drawn_underscores``).
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
# A justified line in a tight face can set its word spaces under WORD_GAP (see _even_gaps).
TIGHT_GAP, EVEN_GAP, EVEN_GAPS = 0.1, 0.01, 3

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
            # (char, box, math font?, monospace?, untrusted?, font size, baseline)
            chars: list[tuple[str, tuple, bool, bool, bool, float, float]] = []
            size = 0.0
            for span in line["spans"]:
                if not _visible(span, page.rect):
                    continue
                size = max(size, span["size"])
                math, mono = bool(MATH_FONT.search(span["font"])), bool(MONO_FONT.search(span["font"])) or bool(span["flags"] & 8)
                bad_font = span["font"] in untrusted
                chars.extend((c["c"], tuple(c["bbox"]), math, mono, bad_font or is_unreliable_char(c["c"]), span["size"],
                              c["origin"][1]) for c in span["chars"])
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
    ch = ch[0]  # a letter with an accent attached that has no precomposed form is two code points
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
    glyphs = [(ch, box, size) for ch, box, _, _, _, size, _ in chars if not ch.isspace()]
    # (gap, em) between neighbours; the smaller of the two sizes: a title beside a large logo keeps its own word gaps
    gaps = [(b[1][0] - a[1][2], min(a[2], b[2])) for a, b in zip(glyphs, glyphs[1:])]
    # word spaces of the body's own size only: a citation set smaller sits closer than it measures
    word = _even_gaps([gap / em for (gap, em), a, b in zip(gaps, glyphs, glyphs[1:]) if em > 0 and a[2] == b[2]]) or WORD_GAP
    out = [ch for ch, _, _ in glyphs[:1]]
    for (before, _, _), (ch, _, _), (gap, em) in zip(glyphs, glyphs[1:], gaps):
        if gap >= word * em and not (_wide(before) and _wide(ch)):
            out.append(" ")
        out.append(ch)
    return "".join(out)


def _even_gaps(gaps: list[float]) -> float | None:
    """The word-gap threshold of a line set tighter than ``WORD_GAP`` (in em), or None.

    A subhead face justified tight (the LaTeX brochure's) sets its word spaces at 0.13–0.147 em
    with no space character drawn. TeX gives every word space of a line the same glue, so
    ``EVEN_GAPS`` or more gaps between ``TIGHT_GAP`` and ``WORD_GAP`` em within ``EVEN_GAP`` em of the
    narrowest make it that line's word space, and every gap as wide is one (after a stop or comma TeX
    stretches it more); a logo's kern (LaTeX2ε's 0.15 em) or an italic correction before a bracket
    comes once a line and stays unspaced.
    """
    tight = sorted(g for g in gaps if TIGHT_GAP <= g < WORD_GAP)
    if len(tight) < EVEN_GAPS or tight[EVEN_GAPS - 1] - tight[0] > EVEN_GAP:
        return None
    # a thousandth of an em under the narrowest: scaled back by the em, a gap may round below itself
    return max(TIGHT_GAP, tight[0] - 0.001)


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
    _add_drawn_underscores(merged, _short_rules(page))
    lines = [_make_line(m) for m in merged]
    _flag_overprint(lines)
    return [l for l in lines if l.text or l.masked]


# An underscore drawn as a rule (Texinfo's and LaTeX's ``\_`` where the font has
# none: about 0.3 em wide, 0.4 pt thick, sitting on the baseline, 0.06-0.07 em from
# its neighbours). Limits in em of the neighbouring glyphs' size.
RULE_WIDTH = (0.2, 0.6)
RULE_THICKNESS = 0.12
RULE_BELOW_BASELINE = (-0.2, 0.25)  # the rule's middle, from the baseline (down is positive)
RULE_REACH = 0.25  # at most this far from the glyph before or after it
RULE_OVERLAP = 0.05  # a rule reaching further into a glyph is an underline or a strike-through


def _short_rules(page: pymupdf.Page) -> list[tuple[float, float, float, float]]:
    """Horizontal rules drawn on the page as (x0, x1, middle y, thickness): a
    stroked horizontal line, or a filled rectangle (or a path closing one)."""
    out = []
    for d in page.get_drawings():
        paint = d.get("fill") if "f" in d["type"] else d.get("color")
        if not paint or min(paint) >= 0.94:
            continue  # white on the white page (or no paint): nothing printed
        if "f" in d["type"]:
            if all(item[0] in ("re", "qu", "l") for item in d["items"]):
                r = d["rect"]
                out.append((r.x0, r.x1, (r.y0 + r.y1) / 2, r.height + ((d.get("width") or 0) if "s" in d["type"] else 0)))
        elif "s" in d["type"] and all(item[0] == "l" and abs(item[1].y - item[2].y) < 0.01 for item in d["items"]):
            # only horizontal lines: a path with curves or other strokes is a symbol drawn whole (exam-zh's ⊂ without a bar)
            for item in d["items"]:
                x0, x1 = sorted((item[1].x, item[2].x))
                out.append((x0, x1, item[1].y, d.get("width") or 1.0))
    return _lone(out)


def _lone(rules: list[tuple[float, float, float, float]]) -> list[tuple[float, float, float, float]]:
    """The short rules that are not pieces of a longer line: an underline drawn
    glyph by glyph (xeCJKfntef's ``\\uline``) comes as rules end to end, a dashed
    line in a figure as rules of one length a gap of about that length apart
    (underscores either side of one letter are further apart: two kerns and the
    letter). A rule drawn twice in the same place counts once."""
    rules = sorted(set((round(x0, 1), round(x1, 1), round(y, 1), t) for x0, x1, y, t in rules))
    rows: dict[int, list[int]] = {}
    for i, r in enumerate(rules):
        rows.setdefault(round(r[2]), []).append(i)
    lone = []
    for i, (x0, x1, y, t) in enumerate(rules):
        if not 0.5 <= x1 - x0 <= 30 or t > 3:
            continue  # no underscore at any text size
        near = [rules[j] for k in (-1, 0, 1) for j in rows.get(round(y) + k, ()) if j != i]
        near = [b for b in near if abs(y - b[2]) < 0.5]
        if any(b[0] <= x1 + 0.5 and x0 <= b[1] + 0.5 for b in near):
            continue  # end to end
        w = x1 - x0
        if any(abs((b[1] - b[0]) - w) < 0.1 * w and max(b[0] - x1, x0 - b[1]) < 1.2 * w for b in near):
            continue  # dashes
        lone.append((x0, x1, y, t))
    return lone


def _add_drawn_underscores(merged: list[dict], rules: list[tuple[float, float, float, float]]) -> None:
    """Put an ``_`` into the line where a rule of an underscore's size and place
    lies between two of its glyphs (or just before or after a word): on the
    baseline, in the gap, touching no glyph. Underlines and strike-throughs
    overlap the glyphs they mark; table and column rules are far wider."""
    for x0, x1, y, thick in rules:
        for line in merged:
            if line["rotated"] or not line["bbox"][1] <= y <= line["bbox"][3] + 0.3 * line["size"]:
                continue
            glyphs = [(i, c) for i, c in enumerate(line["chars"]) if not c[0].isspace()]
            if _place_underscore(line, glyphs, x0, x1, y, thick):
                break


def _place_underscore(line: dict, glyphs: list[tuple[int, tuple]], x0: float, x1: float, y: float, thick: float) -> bool:
    before = [(i, c) for i, c in glyphs if c[1][2] <= x0 + RULE_OVERLAP * c[5]]
    after = [(i, c) for i, c in glyphs if c[1][0] >= x1 - RULE_OVERLAP * c[5]]
    if len(before) + len(after) != len(glyphs) or not glyphs:
        return False  # the rule runs under or through a glyph
    if before and after and before[-1][0] > after[0][0]:
        return False  # not in the stream's left-to-right order here
    near = []
    if before and x0 - before[-1][1][1][2] <= RULE_REACH * before[-1][1][5]:
        near.append(before[-1][1])
    if after and after[0][1][1][0] - x1 <= RULE_REACH * after[0][1][5]:
        near.append(after[0][1])
    if not near or any(c[2] for c in near):
        return False  # nothing beside it, or a math glyph (a radical's bar sits on the radical's baseline)
    ref = near[0]
    size, baseline = ref[5], ref[6]
    if not (RULE_WIDTH[0] * size <= x1 - x0 <= RULE_WIDTH[1] * size and thick <= RULE_THICKNESS * size
            and RULE_BELOW_BASELINE[0] * size <= y - baseline <= RULE_BELOW_BASELINE[1] * size):
        return False
    at = after[0][0] if after else len(line["chars"])
    box = (x0, min(y - thick / 2, baseline - 0.1 * size), x1, max(y + thick / 2, baseline))
    line["chars"].insert(at, ("_", box, ref[2], ref[3], False, size, baseline))
    a = line["bbox"]
    line["bbox"] = (min(a[0], box[0]), min(a[1], box[1]), max(a[2], box[2]), max(a[3], box[3]))
    return True


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
