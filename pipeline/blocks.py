"""Typed layout blocks: a page's ordered lines grouped into headings, paragraphs, list items, tables, ...

Cheap rules over what the page result already holds, so OCR and
text-layer pages get blocks alike: line boxes and their sizes, the text's
own patterns (bullets, "Figure 3", page numbers), the page's tables, and
where a line sits on the page (running headers and footers live in the
top and bottom margins). Text-layer pages also pass each line's font size
and weight from PyMuPDF's spans (``LineStyle``), which tell headings from
body text better than box heights do. Line order is taken as it comes
(``pipeline/layout.py`` owns reading order); blocks keep it.

No learned layout model: one would cost more per page than recognition's
budget leaves, and these rules are what that budget buys.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.result import Block, Box, Line, PageResult
from pipeline.tables.model import Table

# Share of the page height, from the top and the bottom, where running headers and footers sit.
MARGIN_BAND = 0.075
# A line this much larger than the body text (font size, or box height on scans) is a heading.
HEADING_RATIO_FONT = 1.15
HEADING_RATIO_BOX = 1.22
# A box this many times taller than wide holds a column of vertical text.
VERTICAL_ELONGATION = 3.0
# A scanned line whose strokes are this much wider than the body text's is bold.
BOLD_STROKE = 1.3
# Heading sizes within this ratio of each other share a level.
LEVEL_RATIO = 1.08
# Longer lines are body text whatever their size (a large-print paragraph).
HEADING_MAX_CHARS = 90
# Paragraph break inside one layout block: a vertical gap above this many line heights.
PARAGRAPH_GAP = 0.9

_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|p\.|seite|página)\s*)?[-–—]?\s*(?:\d{1,4}|[ivxlc]{1,7})\s*[-–—]?"
    r"(?:\s*(?:of|/|von|de)\s*\d{1,4})?$"
    r"|^第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$",
    re.IGNORECASE,
)
_CAPTION = re.compile(r"^(?:fig(?:ure)?\.?|table|tab\.|abb\.|abbildung|图|表)\s*[\dIVX]+(?:[.\-–:]\d+)*\b|^[图表]\s*\d",
                      re.IGNORECASE)
_SENTENCE_END = set(".!?:;)。！？：；）\"'”’")
_GLYPH_BULLET = re.compile(r"^[•◦▪▫●○■□‣⁃∙·►▶➢✓✔*\-–—]\s*\S")
_BULLET = re.compile(
    r"^(?:[•◦▪▫●○■□‣⁃∙·►▶➢✓✔*\-–—]\s*\S"
    r"|\(?\d{1,2}[.)]\s+\S"
    r"|\(?[a-z][.)]\s+\S"
    r"|[（(]\d{1,2}[）)]\s*\S"
    r"|\d{1,2}[、．]\s*\S)"
)


@dataclass(frozen=True)
class LineStyle:
    """What a text layer knows about a line's type: its font size in page pixels and whether it is bold."""

    size: float
    bold: bool = False
    from_box: bool = False  # size estimated from a scanned line's box, not read from its font


def ink_styles(image: np.ndarray, lines: list[Line]) -> list[LineStyle]:
    """Scanned lines' type size (from their boxes) and weight, judged from the page image: bold strokes
    are wider, and the mean width of a line's horizontal ink runs follows its stroke width."""
    if image.ndim != 2 or not lines:
        return [LineStyle(_box_size(ln), from_box=True) for ln in lines]
    sample = image[:: max(1, image.shape[0] // 400), :: max(1, image.shape[1] // 400)]
    threshold, _ = cv2.threshold(np.ascontiguousarray(sample), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    widths = [_stroke_width(image, ln.box, threshold) for ln in lines]
    known = sorted(w for w in widths if w > 0)
    body = known[len(known) // 2] if known else 0.0
    return [LineStyle(_box_size(ln), bool(body and w >= BOLD_STROKE * body), from_box=True)
            for ln, w in zip(lines, widths)]


def _stroke_width(image: np.ndarray, box: Box, threshold: float) -> float:
    h, w = image.shape
    x0, y0 = max(0, int(box[0])), max(0, int(box[1]))
    x1, y1 = min(w, int(np.ceil(box[2]))), min(h, int(np.ceil(box[3])))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return 0.0
    ink = image[y0:y1, x0:x1] < threshold
    edges = np.diff(np.pad(ink, ((0, 0), (1, 1))).astype(np.int8), axis=1)
    runs = np.flatnonzero(edges.ravel() == -1) - np.flatnonzero(edges.ravel() == 1)
    # Runs along horizontal bars (and underlines) say nothing about stroke width.
    runs = runs[runs <= 0.25 * (y1 - y0)]
    return float(runs.mean()) if runs.size >= 8 else 0.0


def page_blocks(page: PageResult, styles: Sequence[LineStyle | None] | None = None,
                figures: Iterable[Box] = ()) -> list[Block]:
    """The page's lines as typed blocks in reading order (``figures``: picture boxes, when known)."""
    return typed_blocks(page.lines, page.width, page.height, page.tables, styles, figures)


def blocks_of(page: PageResult) -> list[Block]:
    """The page's blocks; results stored before pages had blocks get them from their lines now."""
    if page.blocks or not page.lines:
        return page.blocks
    return page_blocks(page)


def typed_blocks(lines: list[Line], width: float, height: float, tables: Sequence[Table] = (),
                 styles: Sequence[LineStyle | None] | None = None, figures: Iterable[Box] = ()) -> list[Block]:
    if not lines:
        return [Block("table", list(t.box)) for t in tables] + [Block("figure", list(f)) for f in figures]
    figures = [list(f) for f in figures]
    in_table = [_container(ln.box, [t.box for t in tables]) for ln in lines]
    in_figure = [_container(ln.box, figures) if in_table[i] is None else None for i, ln in enumerate(lines)]
    sizes = _sizes(lines, styles)
    body = _body_size(lines, sizes)
    measured = bool(styles) and any(st is not None and not st.from_box for st in styles)
    ratio = HEADING_RATIO_FONT if measured else HEADING_RATIO_BOX
    levels = _heading_levels(lines, sizes, styles, body, ratio, height)
    # A running header or footer is set apart from the body: a margin line that shares its layout
    # block with body lines is where the body starts (or ends), not a header.
    body_blocks = {ln.block for ln in lines if not _in_margin(ln.box, height)}
    margin = [_in_margin(ln.box, height) and ln.block not in body_blocks for ln in lines]
    kinds = [_line_kind(ln, margin[i], height, levels[i]) for i, ln in enumerate(lines)]

    blocks: list[Block] = []
    open_block: Block | None = None
    done_tables: set[int] = set()
    done_figures: set[int] = set()
    for i, line in enumerate(lines):
        if in_table[i] is not None:
            t = in_table[i]
            if t not in done_tables:
                done_tables.add(t)
                blocks.append(Block("table", list(tables[t].box),
                                    [k for k in range(len(lines)) if in_table[k] == t]))
            open_block = None
            continue
        if in_figure[i] is not None:
            f = in_figure[i]
            if f not in done_figures:
                done_figures.add(f)
                blocks.append(Block("figure", figures[f], [k for k in range(len(lines)) if in_figure[k] == f]))
            open_block = None
            continue
        kind = kinds[i]
        if open_block is not None and _continues(open_block, kind, levels[i], lines, i, sizes):
            open_block.lines.append(i)
            open_block.box = _union(open_block.box, line.box)
            continue
        if kind == "paragraph" and open_block is not None and open_block.type == "caption" \
                and _close_below(lines, open_block.lines[-1], i):
            open_block.lines.append(i)  # a caption's second line has no "Figure 3" of its own
            open_block.box = _union(open_block.box, line.box)
            continue
        open_block = Block(kind, list(line.box), [i], levels[i] if kind == "heading" else None)
        blocks.append(open_block)
    # Tables and pictures without text of their own stand where their top edge puts them.
    blocks = _place(blocks, [Block("table", list(t.box)) for n, t in enumerate(tables) if n not in done_tables])
    return _place(blocks, [Block("figure", f) for n, f in enumerate(figures) if n not in done_figures])


def _container(box: Box, boxes: Sequence[Box]) -> int | None:
    """The first of ``boxes`` holding the centre of ``box``."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    for n, b in enumerate(boxes):
        if b[0] <= cx <= b[2] and b[1] <= cy <= b[3]:
            return n
    return None


def _sizes(lines: list[Line], styles: Sequence[LineStyle | None] | None) -> list[float]:
    out = []
    for i, ln in enumerate(lines):
        style = styles[i] if styles and i < len(styles) else None
        out.append(style.size if style is not None else _box_size(ln))
    return out


def _box_size(line: Line) -> float:
    """A scanned line's type size: its box height alone varies with the detector's padding and with
    descenders, so it is averaged (geometrically) with the width one em of its text takes."""
    h = line.box[3] - line.box[1]
    w = line.box[2] - line.box[0]
    if h >= VERTICAL_ELONGATION * w:  # a column of vertical text: its width is its type size
        return w
    ems = sum(1.0 if _wide(ch) else 0.3 if ch.isspace() else 0.55 for ch in line.text.strip())
    if ems < 4 or h <= 0:  # too few characters for their width to say much
        return h
    return ((line.box[2] - line.box[0]) / ems * h) ** 0.5


def _wide(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uff00" <= ch <= "\uffef"


def _body_size(lines: list[Line], sizes: list[float]) -> float:
    """The size most of the page's characters are set in (median weighted by characters)."""
    weighted = sorted((s, len(ln.text)) for s, ln in zip(sizes, lines))
    half = sum(n for _, n in weighted) / 2
    seen = 0
    for size, n in weighted:
        seen += n
        if seen >= half:
            return size
    return weighted[-1][0]


def _heading_levels(lines, sizes, styles, body: float, ratio: float, height: float) -> list[int | None]:
    """Heading level per line (None: not a heading); the largest size on the page is level 1."""
    big = [i for i, ln in enumerate(lines)
           if sizes[i] >= ratio * body and _heading_text(ln.text) and not _in_margin(ln.box, height)
           and _stands_alone(lines, i)]
    bold = [i for i, ln in enumerate(lines)
            if styles and i < len(styles) and styles[i] is not None and styles[i].bold and i not in big
            # A bold numbered line standing alone ("2. Revenue") is a numbered heading, not a list item.
            and _heading_text(ln.text) and not _GLYPH_BULLET.match(ln.text) and not _in_margin(ln.box, height)
            and _stands_alone(lines, i)]
    # A short line right under an unfinished line of its own block is that sentence's last words
    # (a scanned box that came out tall), not a heading.
    found = set(big) | set(bold)
    big = [i for i in big if not _wrapped_tail(lines, i, found)]
    bold = [i for i in bold if not _wrapped_tail(lines, i, found)]
    tiers: list[float] = []
    for size in sorted((sizes[i] for i in big), reverse=True):
        if not tiers or tiers[-1] / size > LEVEL_RATIO:
            tiers.append(size)
    out: list[int | None] = [None] * len(lines)
    for i in big:
        out[i] = 1 + next(n for n, t in enumerate(tiers) if t / sizes[i] <= LEVEL_RATIO)
    for i in bold:  # bold at body size: the smallest heading on the page
        out[i] = len(tiers) + 1
    return out


def _wrapped_tail(lines: list[Line], i: int, candidates: set[int]) -> bool:
    if i == 0 or i - 1 in candidates:
        return False
    prev = lines[i - 1]
    return prev.block == lines[i].block and not _same_row(prev.box, lines[i].box) \
        and prev.text.rstrip()[-1:] not in _SENTENCE_END


def _heading_text(text: str) -> bool:
    text = text.strip()
    return 0 < len(text) <= HEADING_MAX_CHARS and any(ch.isalpha() for ch in text)


def _stands_alone(lines: list[Line], i: int) -> bool:
    """A heading has its row to itself: not the bold lead-in of a paragraph, nor a table's header cell."""
    line = lines[i]
    return not any(k != i and _same_row(lines[k].box, line.box)
                   for k in range(max(0, i - 3), min(len(lines), i + 4)))


def _in_margin(box: Box, height: float) -> bool:
    return box[3] <= MARGIN_BAND * height or box[1] >= (1 - MARGIN_BAND) * height


def _line_kind(line: Line, in_margin: bool, height: float, level: int | None) -> str:
    text = line.text.strip()
    if in_margin:
        if _PAGE_NUMBER.match(text):
            return "page_number"
        return "header" if line.box[3] <= MARGIN_BAND * height else "footer"
    if level is not None:
        return "heading"
    if _CAPTION.match(text):
        return "caption"
    if _BULLET.match(text):
        return "list_item"
    return "paragraph"


def _continues(block: Block, kind: str, level: int | None, lines: list[Line], i: int, sizes: list[float]) -> bool:
    """Whether line ``i`` (of type ``kind``) goes on the open ``block``."""
    prev = lines[block.lines[-1]]
    line = lines[i]
    if block.type in ("header", "footer", "page_number"):
        return kind == block.type
    if line.block != prev.block and not _same_row(prev.box, line.box):
        return False
    if block.type == "heading":
        return kind == "heading" and level == block.level and _close_below(lines, block.lines[-1], i)
    if kind != "paragraph":
        return False
    if block.type == "list_item":
        # Wrapped item text hangs indented under the bullet.
        first = lines[block.lines[0]]
        h = max(1.0, first.box[3] - first.box[1])
        return line.box[0] >= first.box[0] + 0.3 * h and _close_below(lines, block.lines[-1], i)
    if block.type in ("paragraph", "caption"):
        return _same_row(prev.box, line.box) or _close_below(lines, block.lines[-1], i)
    return False


def _close_below(lines: list[Line], a: int, b: int) -> bool:
    """Line ``b`` follows line ``a`` at the distance of lines within one paragraph."""
    pa, pb = lines[a].box, lines[b].box
    h = max(1.0, min(pa[3] - pa[1], pb[3] - pb[1]))
    return -0.5 * h <= pb[1] - pa[3] <= PARAGRAPH_GAP * h


def _same_row(a: Box, b: Box) -> bool:
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    return overlap > 0.5 * min(a[3] - a[1], b[3] - b[1])


def _union(a: Box, b: Box) -> Box:
    return [min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])]


def _place(blocks: list[Block], extra: list[Block]) -> list[Block]:
    for item in sorted(extra, key=lambda b: b.box[1]):
        at = next((n for n, b in enumerate(blocks) if b.box[1] > item.box[1]), len(blocks))
        blocks.insert(at, item)
    return blocks
