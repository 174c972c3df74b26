"""The result tree: PageResult → Line → Word, with geometry in page pixels.

Plain dataclasses so results cross process boundaries as JSON (Celery
messages, database rows, CLI output) through ``to_dict``/``from_dict``.
Boxes are ``[x0, y0, x1, y1]`` in the pixel grid of the page as rendered at
``dpi`` (for text-layer pages: PDF points scaled to that DPI), so every
source shares one coordinate system.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Literal

from pipeline.tables.model import Table

Source = Literal["ocr", "text_layer"]
Box = list[float]  # [x0, y0, x1, y1]


@dataclass
class Word:
    text: str
    confidence: float
    box: Box

    def to_dict(self) -> dict:
        return {"text": self.text, "confidence": self.confidence, "box": list(self.box)}

    @classmethod
    def from_dict(cls, d: dict) -> "Word":
        return cls(text=d["text"], confidence=float(d["confidence"]), box=list(d["box"]))


@dataclass
class Line:
    text: str
    confidence: float
    box: Box
    words: list[Word] = field(default_factory=list)
    # Four corner points when the detected region is not axis-aligned.
    polygon: list[list[float]] | None = None
    block: int = 0  # index of the reading-order block the line belongs to

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "confidence": self.confidence,
            "box": list(self.box),
            "words": [w.to_dict() for w in self.words],
            "polygon": None if self.polygon is None else [list(p) for p in self.polygon],
            "block": self.block,
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Line":
        return cls(
            text=d["text"],
            confidence=float(d["confidence"]),
            box=list(d["box"]),
            words=[Word.from_dict(w) for w in d.get("words", [])],
            polygon=d.get("polygon"),
            block=int(d.get("block", 0)),
        )


# mode=text on a page with no text to extract (a scan, an image): the page is empty because
# nothing was read, not because nothing is there — say so rather than pass for a blank page.
NO_TEXT_LAYER = "no_text_layer"
BLOCK_TYPES = ("heading", "paragraph", "list_item", "table", "figure", "caption", "header", "footer",
               "page_number")


@dataclass
class Block:
    """A typed run of the page's lines (``pipeline/blocks.py`` makes them), in reading order."""

    type: str  # one of BLOCK_TYPES
    box: Box
    lines: list[int] = field(default_factory=list)  # indices into PageResult.lines, in reading order
    level: int | None = None  # headings: 1 is the largest on the page

    def to_dict(self) -> dict:
        out = {"type": self.type, "box": [round(float(v), 1) for v in self.box], "lines": list(self.lines)}
        if self.level is not None:
            out["level"] = self.level
        return out

    @classmethod
    def from_dict(cls, d: dict) -> "Block":
        level = d.get("level")
        return cls(type=d["type"], box=list(d["box"]), lines=[int(i) for i in d.get("lines", [])],
                   level=None if level is None else int(level))


@dataclass
class PageResult:
    page_no: int  # 1-based
    width: int  # pixels at ``dpi``
    height: int
    dpi: int
    source: Source
    text: str
    confidence: float  # mean over lines weighted by characters; 1.0 for text layers, 0.0 if empty
    lines: list[Line] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # stage → seconds
    preprocessing: dict = field(default_factory=dict)  # e.g. {"rotation": 0, "deskew_angle": 0.4, "clahe": False}
    models: dict[str, str] = field(default_factory=dict)  # model name → sha256
    tables: list[Table] = field(default_factory=list)  # filled when Options.tables asks for them
    # Codes for what the caller should know about a page that still succeeded (NO_TEXT_LAYER).
    warnings: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)  # typed layout blocks in reading order

    def to_dict(self) -> dict:
        # Written out: dataclasses.asdict deep-copies field by field, which cost more than
        # reading a born-digital page's text layer.
        return {
            "page_no": self.page_no,
            "width": self.width,
            "height": self.height,
            "dpi": self.dpi,
            "source": self.source,
            "text": self.text,
            "confidence": self.confidence,
            "lines": [line.to_dict() for line in self.lines],
            "timings": dict(self.timings),
            "preprocessing": copy.deepcopy(self.preprocessing),
            "models": dict(self.models),
            "tables": [t.to_dict() for t in self.tables],
            "warnings": list(self.warnings),
            "blocks": [b.to_dict() for b in self.blocks],
        }

    @classmethod
    def from_dict(cls, d: dict) -> "PageResult":
        return cls(
            page_no=int(d["page_no"]),
            width=int(d["width"]),
            height=int(d["height"]),
            dpi=int(d["dpi"]),
            source=d["source"],
            text=d["text"],
            confidence=float(d["confidence"]),
            lines=[Line.from_dict(x) for x in d.get("lines", [])],
            timings=dict(d.get("timings", {})),
            preprocessing=dict(d.get("preprocessing", {})),
            models=dict(d.get("models", {})),
            tables=[Table.from_dict(t) for t in d.get("tables", [])],  # results stored before tables had none
            warnings=list(d.get("warnings", [])),
            blocks=[Block.from_dict(b) for b in d.get("blocks", [])],  # nor blocks
        )
