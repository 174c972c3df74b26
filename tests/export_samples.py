"""Hand-built page results with known text and boxes, for the export tests."""
from __future__ import annotations

from pipeline.export import ExportDocument
from pipeline.result import Line, PageResult, Word

MODELS = {"ppocrv6_tiny_det": "a" * 64, "ppocrv6_tiny_rec": "b" * 64}


def english_line(text: str, x0: float, y0: float, *, block: int = 0, char_w: float = 16.0,
                 height: float = 32.0, confidence: float = 0.97) -> Line:
    """A line whose word boxes sit where a monospaced render would put them."""
    words, x = [], x0
    for i, token in enumerate(text.split(" ")):
        if token:
            w = len(token) * char_w
            words.append(Word(token, confidence - 0.01 * (i % 3), [x, y0, x + w, y0 + height]))
        x += (len(token) + 1) * char_w
    box = [x0, y0, x0 + len(text) * char_w, y0 + height]
    return Line(text=text, confidence=confidence, box=box, words=words, block=block)


def chinese_line(text: str, x0: float, y0: float, *, block: int = 0, char_w: float = 32.0,
                 confidence: float = 0.93) -> Line:
    # CJK lines come without word segmentation.
    box = [x0, y0, x0 + len(text) * char_w, y0 + char_w]
    return Line(text=text, confidence=confidence, box=box, words=[], block=block)


def page(page_no: int, lines: list[Line], *, width: int = 1654, height: int = 2339, dpi: int = 200,
         source: str = "ocr", rotation: int = 0, deskew: float = 0.0) -> PageResult:
    conf = sum(ln.confidence * len(ln.text) for ln in lines) / max(1, sum(len(ln.text) for ln in lines))
    return PageResult(
        page_no=page_no, width=width, height=height, dpi=dpi, source=source,
        text="\n".join(ln.text for ln in lines),
        confidence=round(conf, 4) if lines else 0.0,
        lines=lines,
        timings={"total": 0.5},
        preprocessing={"rotation": rotation, "deskew_angle": deskew, "clahe": False},
        models=dict(MODELS) if source == "ocr" else {},
    )


def mixed_document(data: bytes | None = None, kind: str = "png", filename: str = "scan 1.png") -> ExportDocument:
    """Two pages: English in two blocks, then Chinese plus a mixed line."""
    p1 = page(1, [
        english_line("The quick brown fox", 120, 120),
        english_line("jumps over the lazy dog.", 120, 170),
        english_line("Invoice No. 4711 & <tags>", 120, 400, block=1),
    ], deskew=0.4)
    p2 = page(2, [
        chinese_line("光学字符识别", 120, 120),
        chinese_line("文档处理流水线", 120, 180),
        english_line("Total: 42 EUR", 120, 260, block=1),
    ])
    return ExportDocument(filename=filename, sha256="c" * 64, kind=kind, data=data, pages=[p1, p2])
