"""The benchmark corpus: A4 pages at 200 DPI rendered with PIL, with ground truth.

48 pages: 12 documents per language (invoices with a ruled table, contracts,
letters, reports; single column with headings, or two columns), each page
once clean and once scan-like (``bench.scan``). Fonts are Debian's DejaVu,
Liberation and Noto CJK at 9–12 pt. Everything is derived from one seed, so
the same seed gives the same pixels and the same truth.

Ground truth is the list of lines actually drawn, in reading order: top to
bottom, a two-column page column by column, a table row by row with its
cells joined by one space.

    python -m bench.corpus [--out bench/out/pages]   # write PNGs + truth to look at
"""
from __future__ import annotations

import argparse
import io
import json
import random
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from bench import documents_en, documents_zh
from bench.blocks import Block, Heading, Lines, Paragraph, Table
from bench.scan import scan_like

DPI = 200
PAGE_W, PAGE_H = 1654, 2339  # A4 at 200 DPI
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 160, 170, 170
COLUMN_GAP = 70
DEFAULT_SEED = 20240601

FONT_DIRS = {
    "fonts-dejavu-core": "/usr/share/fonts/truetype/dejavu",
    "fonts-liberation": "/usr/share/fonts/truetype/liberation",
    "fonts-noto-cjk": "/usr/share/fonts/opentype/noto",
}
# family → (Debian package, regular file, bold file, face name inside a .ttc)
FONTS = {
    "dejavu-sans": ("fonts-dejavu-core", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", None),
    "dejavu-serif": ("fonts-dejavu-core", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", None),
    "liberation-sans": ("fonts-liberation", "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", None),
    "liberation-serif": ("fonts-liberation", "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf", None),
    "noto-sans-cjk": ("fonts-noto-cjk", "NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc", "Noto Sans CJK SC"),
    "noto-serif-cjk": ("fonts-noto-cjk", "NotoSerifCJK-Regular.ttc", "NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC"),
}

# The 12 documents of each language: (kind, layout, justify). Fonts and sizes
# cycle independently so every font meets several layouts and sizes.
DOCUMENT_PLAN = [
    ("invoice", "table", False), ("contract", "paragraphs", True), ("letter", "paragraphs", False),
    ("report", "two_columns", True), ("invoice", "table", False), ("contract", "two_columns", True),
    ("letter", "paragraphs", True), ("report", "paragraphs", False), ("invoice", "table", False),
    ("contract", "paragraphs", False), ("letter", "two_columns", False), ("report", "two_columns", False),
]
LANG_FONTS = {
    "en": ["dejavu-sans", "liberation-serif", "dejavu-serif", "liberation-sans"],
    "zh": ["noto-sans-cjk", "noto-serif-cjk"],
}
SIZES_PT = [10, 11, 12, 9, 11, 10]
VARIANTS = ("clean", "scan")


@dataclass(frozen=True)
class PageSpec:
    page_id: str
    lang: str  # en | zh
    kind: str  # invoice | contract | letter | report
    layout: str  # paragraphs | two_columns | table
    font: str
    size_pt: int
    justify: bool
    variant: str  # clean | scan
    seed: int  # the document's seed: clean and scan pages of a document share their text


@dataclass
class Page:
    spec: PageSpec
    image: np.ndarray  # grayscale uint8, PAGE_H × PAGE_W
    lines: list[str]  # ground truth in reading order
    scan: dict = field(default_factory=dict)  # degradation parameters, empty when clean

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def png(self) -> bytes:
        buf = io.BytesIO()
        Image.fromarray(self.image).save(buf, format="PNG", dpi=(DPI, DPI), compress_level=1)  # fast; size does not matter here
        return buf.getvalue()


class FontMissingError(RuntimeError):
    code = "font_missing"


def corpus_specs(seed: int = DEFAULT_SEED) -> list[PageSpec]:
    """All pages, ordered so any prefix mixes languages and variants (for ``--pages N``)."""
    specs = []
    for doc_no, (kind, layout, justify) in enumerate(DOCUMENT_PLAN):
        for lang in ("en", "zh"):
            fonts = LANG_FONTS[lang]
            doc_seed = seed * 1000 + doc_no * 2 + (lang == "zh")
            for variant in VARIANTS:
                specs.append(PageSpec(
                    page_id=f"{lang}-{doc_no:02d}-{kind}-{layout}-{variant}",
                    lang=lang, kind=kind, layout=layout,
                    font=fonts[doc_no % len(fonts)], size_pt=SIZES_PT[doc_no % len(SIZES_PT)],
                    justify=justify and lang == "en", variant=variant, seed=doc_seed,
                ))
    # Order for short runs (--pages N): round k takes one page of every document,
    # its (language, variant) rotating with the document, so the first 4 pages hold
    # every language × variant and the first 12 every document and layout.
    rotation = [("en", "clean"), ("zh", "scan"), ("en", "scan"), ("zh", "clean")]
    def rank(spec: PageSpec) -> tuple[int, int]:
        doc_no = int(spec.page_id.split("-")[1])
        return (rotation.index((spec.lang, spec.variant)) - doc_no) % 4, doc_no
    return sorted(specs, key=rank)


@lru_cache(maxsize=64)
def load_font(family: str, bold: bool, size_px: int) -> ImageFont.FreeTypeFont:
    package, regular, bold_file, face = FONTS[family]
    path = Path(FONT_DIRS[package]) / (bold_file if bold else regular)
    if not path.exists():
        raise FontMissingError(f"font file {path} not found: install the Debian package {package}")
    if face is None:
        return ImageFont.truetype(str(path), size_px)
    for index in range(16):  # a .ttc holds one face per region; pick the simplified Chinese one
        font = ImageFont.truetype(str(path), size_px, index=index)
        if font.getname()[0] == face:
            return font
    raise FontMissingError(f"{path} has no face named {face!r}: reinstall {package}")


_CJK_TOKENS = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,:%/@_\-]*|\s+|.")
_LATIN_TOKENS = re.compile(r"\S+|\s+")
_NO_LINE_START = set("，。、；：？！）》」”’%,.;:)")


def wrap(text: str, font: ImageFont.FreeTypeFont, width: float, lang: str) -> list[str]:
    """Greedy line breaking by measured width: at spaces for English, between
    characters for Chinese (Latin runs kept whole, closing punctuation never
    starts a line)."""
    tokens = (_CJK_TOKENS if lang == "zh" else _LATIN_TOKENS).findall(text)
    lines: list[str] = []
    current = ""
    for tok in tokens:
        candidate = current + tok
        fits = font.getlength(candidate.rstrip()) <= width
        if fits or not current.strip() or (lang == "zh" and tok in _NO_LINE_START):
            current = candidate
            continue
        lines.append(current.strip())
        current = tok.lstrip()
    if current.strip():
        lines.append(current.strip())
    return lines


class _PageWriter:
    """Flows blocks into one or two columns, drawing and recording each line."""

    def __init__(self, spec: PageSpec):
        self.spec = spec
        self.size = round(spec.size_pt * DPI / 72)
        self.line_h = round(self.size * 1.5)
        self.image = Image.new("L", (PAGE_W, PAGE_H), 255)
        self.draw = ImageDraw.Draw(self.image)
        self.lines: list[str] = []
        self.columns = 2 if spec.layout == "two_columns" else 1
        self.col_w = (PAGE_W - 2 * MARGIN_X - (self.columns - 1) * COLUMN_GAP) / self.columns
        self.column = 0
        self.top = MARGIN_TOP
        self.y = MARGIN_TOP
        self.full = False

    def font(self, bold: bool = False, scale: float = 1.0) -> ImageFont.FreeTypeFont:
        return load_font(self.spec.font, bold, round(self.size * scale))

    @property
    def x0(self) -> float:
        return MARGIN_X + self.column * (self.col_w + COLUMN_GAP)

    def _room(self, height: float) -> bool:
        """Make room for ``height`` px: next column if needed; False once the page is full."""
        if self.y + height <= PAGE_H - MARGIN_BOTTOM:
            return True
        if self.column + 1 < self.columns:
            self.column += 1
            self.y = self.top
            return self.y + height <= PAGE_H - MARGIN_BOTTOM
        self.full = True
        return False

    def text_line(self, text: str, font, *, centered: bool = False, justify: bool = False) -> bool:
        """Draw one line at the current position; False once the page is full.

        The x position is taken after making room, because making room may
        have moved on to the next column.
        """
        line_h = max(self.line_h, round(font.size * 1.45))
        if not self._room(line_h):
            return False
        baseline = self.y + round(line_h * 0.75)
        words = text.split(" ")
        if centered:
            self.draw.text(((PAGE_W - font.getlength(text)) / 2, baseline), text, font=font, fill=0, anchor="ls")
        elif justify and len(words) > 1:
            gap = (self.col_w - sum(font.getlength(w) for w in words)) / (len(words) - 1)
            cx = self.x0
            for word in words:
                self.draw.text((cx, baseline), word, font=font, fill=0, anchor="ls")
                cx += font.getlength(word) + gap
        else:
            self.draw.text((self.x0, baseline), text, font=font, fill=0, anchor="ls")
        self.lines.append(text)
        self.y += line_h
        return True

    def heading(self, block: Heading) -> None:
        if block.level == 0:
            font = self.font(bold=True, scale=1.35)
            for line in wrap(block.text, font, PAGE_W - 2 * MARGIN_X, self.spec.lang):
                if not self.text_line(line, font, centered=True):
                    return
            self.y += self.line_h * 0.6
            self.top = self.y  # columns start below the title
            return
        font = self.font(bold=True, scale=1.1)
        self.y += self.line_h * 0.4
        if self.y + 3 * self.line_h > PAGE_H - MARGIN_BOTTOM:
            self._room(PAGE_H)  # keep a heading with its first lines: next column or stop
            if self.full:
                return
        for line in wrap(block.text, font, self.col_w, self.spec.lang):
            if not self.text_line(line, font):
                return

    def paragraph(self, block: Paragraph) -> None:
        font = self.font()
        wrapped = wrap(block.text, font, self.col_w, self.spec.lang)
        for i, line in enumerate(wrapped):
            justify = self.spec.justify and i < len(wrapped) - 1
            if not self.text_line(line, font, justify=justify):
                return
        self.y += self.line_h * 0.5

    def short_lines(self, block: Lines) -> None:
        font = self.font()
        for text in block.lines:
            for line in wrap(text, font, self.col_w, self.spec.lang):
                if not self.text_line(line, font):
                    return
        self.y += self.line_h * 0.5

    def table(self, block: Table) -> None:
        width = PAGE_W - 2 * MARGIN_X
        pad = round(self.size * 0.5)
        scale = 1.0
        while True:  # shrink the table's type until its natural width fits the page
            font, bold = self.font(scale=scale), self.font(bold=True, scale=scale)
            natural = [
                max([bold.getlength(block.header[c])] + [font.getlength(r[c]) for r in block.rows]) + 2 * pad
                for c in range(len(block.header))
            ]
            if sum(natural) <= width or scale <= 0.7:
                break
            scale -= 0.05
        natural[1] += width - sum(natural)  # the description column takes the slack
        row_h = round(font.size * 1.9)
        grid_x = [MARGIN_X + sum(natural[:c]) for c in range(len(natural) + 1)]
        y_top = self.y
        for r, cells in enumerate((block.header, *block.rows)):
            if not self._room(row_h):
                break
            baseline = self.y + round(row_h * 0.68)
            cell_font = bold if r == 0 else font
            for c, cell in enumerate(cells):
                if block.numeric[c] and r > 0:
                    x = grid_x[c + 1] - pad - cell_font.getlength(cell)
                else:
                    x = grid_x[c] + pad
                self.draw.text((x, baseline), cell, font=cell_font, fill=0, anchor="ls")
            self.lines.append(" ".join(cells))
            self.y += row_h
        for y in range(round(y_top), round(self.y) + 1, row_h):
            self.draw.line([(grid_x[0], y), (grid_x[-1], y)], fill=40, width=2)
        for x in grid_x:
            self.draw.line([(x, y_top), (x, self.y)], fill=40, width=2)
        self.y += self.line_h * 0.8

    def add(self, block: Block) -> None:
        if isinstance(block, Heading):
            self.heading(block)
        elif isinstance(block, Paragraph):
            self.paragraph(block)
        elif isinstance(block, Lines):
            self.short_lines(block)
        elif isinstance(block, Table):
            self.table(block)
        else:
            raise TypeError(f"unknown block {block!r}")


def document_blocks(spec: PageSpec) -> list[Block]:
    generators = documents_en.GENERATORS if spec.lang == "en" else documents_zh.GENERATORS
    return generators[spec.kind](random.Random(spec.seed))


def render_page(spec: PageSpec) -> Page:
    writer = _PageWriter(spec)
    for block in document_blocks(spec):
        writer.add(block)
        if writer.full:
            break
    image = np.asarray(writer.image, dtype=np.uint8).copy()
    params: dict = {}
    if spec.variant == "scan":
        image, params = scan_like(image, seed=spec.seed + 7)
    return Page(spec=spec, image=image, lines=writer.lines, scan=params)


def build_corpus(seed: int = DEFAULT_SEED, limit: int | None = None, lang: str | None = None) -> list[Page]:
    specs = [s for s in corpus_specs(seed) if lang in (None, s.lang)]
    return [render_page(s) for s in specs[:limit]]


def write_pages(pages: list[Page], out_dir: Path) -> dict[str, Path]:
    """Write each page as PNG (with its DPI) plus its truth; return page_id → PNG path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for page in pages:
        png = out_dir / f"{page.spec.page_id}.png"
        png.write_bytes(page.png())
        (out_dir / f"{page.spec.page_id}.gt.txt").write_text(page.text + "\n", encoding="utf-8")
        (out_dir / f"{page.spec.page_id}.json").write_text(
            json.dumps({"spec": asdict(page.spec), "scan": page.scan}, ensure_ascii=False, indent=1), encoding="utf-8")
        paths[page.spec.page_id] = png
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description="Render the benchmark corpus to PNG files with ground truth.")
    parser.add_argument("--out", type=Path, default=Path("bench/out/pages"))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--pages", type=int, default=None, help="only the first N pages")
    args = parser.parse_args()
    pages = build_corpus(args.seed, args.pages)
    write_pages(pages, args.out)
    chars = sum(len("".join(p.text.split())) for p in pages)
    print(f"wrote {len(pages)} pages ({chars} non-space characters of truth) to {args.out}")


if __name__ == "__main__":
    main()
