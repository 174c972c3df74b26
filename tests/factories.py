"""Test inputs rendered from known text, and the error rate to score them.

Everything here is generated at run time from the strings below with fonts
from Debian packages (fonts-dejavu-core, fonts-liberation, fonts-noto-cjk),
so every test and benchmark knows its ground truth exactly. Shared by the
pipeline tests, the service tests and ``bench/``.
"""
from __future__ import annotations

import io
import re
import struct
import zlib
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import pymupdf
from PIL import Image, ImageDraw, ImageFont

EN_TEXT: list[str] = [
    "INVOICE No. 2024-0417 issued on 12 March 2024 by Northwind Supply Ltd.",
    "Bill to: Harbor Analytics GmbH, 45 Kingsway, London WC2B 6TE, United Kingdom.",
    "Payment terms: net 30 days from the invoice date; late payments accrue 1.5% per month.",
    "Item 1: Industrial label printer, model LP-450 (qty 3) at $1,249.00 each.",
    "Item 2: Thermal ribbons, 110 mm x 300 m, box of 12 (qty 8) at $86.50 per box.",
    "Item 3: On-site installation and staff training, 6 hours at $95.00 per hour.",
    "Subtotal: $4,989.00; VAT (20%): $997.80; total amount due: $5,986.80.",
    "Please quote the invoice number on every remittance to account 40-12-76 / 31926819.",
    "This Service Agreement is entered into as of January 5, 2024 between the parties.",
    "1. Scope. The Supplier shall provide the services described in Schedule A.",
    "2. Term. The agreement starts on the Effective Date and runs for 24 months.",
    "3. Fees. The Customer shall pay the fees set out in Schedule B within 45 days.",
    "4. Confidentiality. Each party shall keep the other party's information secret.",
    "5. Liability. Neither party is liable for indirect or consequential losses.",
    "6. Termination. Either party may terminate with 90 days' written notice.",
    "7. Notices must be sent by e-mail to legal@northwind.example or by post.",
    "The warranty covers defects in materials and workmanship for 12 months.",
    "Returns are accepted within 14 days if the goods are unused and undamaged.",
    "Shipment reference: SHP-88213-B, carrier DHL Express, weight 18.4 kg.",
    "Order placed by J. Smith (Procurement) on 02/28/2024 at 10:45 a.m. GMT.",
    "Questions about this document? Call +44 20 7946 0958, Monday to Friday.",
    "Signed for and on behalf of the Customer: Maria Lopez, Director of Operations.",
]

ZH_TEXT: list[str] = [
    "采购合同编号：HT-2024-0315，签订日期为2024年3月15日。",
    "甲方：上海明远科技有限公司，地址：上海市浦东新区世纪大道100号。",
    "乙方：北京华信数据服务有限公司，联系电话：010-62345678。",
    "第一条 合同标的：乙方向甲方提供文档数字化及文字识别服务。",
    "第二条 服务期限自2024年4月1日起至2025年3月31日止，共计十二个月。",
    "第三条 合同总金额为人民币伍拾万元整（¥500,000.00），含增值税。",
    "第四条 甲方应在收到发票后三十日内支付相应款项。",
    "第五条 乙方应保证识别准确率不低于百分之九十九，并按月提交报告。",
    "第六条 双方应对在合作中知悉的商业秘密承担保密义务。",
    "第七条 任何一方违约，应向对方支付合同总金额百分之十的违约金。",
    "第八条 本合同一式两份，甲乙双方各执一份，具有同等法律效力。",
    "发票信息：单位名称、纳税人识别号、开户银行及账号详见附件一。",
    "本季度共处理文件12,800页，平均每页用时0.9秒，错误率低于1%。",
    "会议纪要：项目组于周三下午召开例会，讨论系统上线计划。",
    "请各部门于下周五前提交年度预算，并注明主要用途和负责人。",
    "通知：因设备维护，本周六上午九点至十二点暂停对外服务。",
    "附件二列出了系统的主要功能、技术要求和验收标准。",
    "如有疑问，请发送邮件至service@example.cn或拨打客服热线。",
]

# Debian package that provides each font family, for a helpful error.
_FONTS = {
    "sans": ("fonts-dejavu-core", "DejaVuSans.ttf", 0),
    "serif": ("fonts-liberation", "LiberationSerif-Regular.ttf", 0),
    "dejavu-serif": ("fonts-dejavu-core", "DejaVuSerif.ttf", 0),  # its comma leans, its ' stands upright
    "mono": ("fonts-liberation", "LiberationMono-Regular.ttf", 0),
    "serif-italic": ("fonts-liberation", "LiberationSerif-Italic.ttf", 0),
    "cjk": ("fonts-noto-cjk", "NotoSansCJK-Regular.ttc", 2),  # face 2 = Noto Sans CJK SC
    "cjk-serif": ("fonts-noto-cjk", "NotoSerifCJK-Regular.ttc", 2),
    "cjk-tc": ("fonts-noto-cjk", "NotoSansCJK-Regular.ttc", 3),  # Noto Sans CJK TC: ，：； centred in the cell
}

A4_INCHES = (8.27, 11.69)


class FontMissingError(RuntimeError):
    pass


@lru_cache(maxsize=None)
def font_path(font: str) -> Path:
    """Path of a font family's file, searched under /usr/share/fonts."""
    if font not in _FONTS:
        raise ValueError(f"unknown font {font!r}; choose one of {', '.join(_FONTS)}")
    package, filename, _ = _FONTS[font]
    for root in (Path("/usr/share/fonts"), Path("/usr/local/share/fonts")):
        hits = sorted(root.rglob(filename)) if root.exists() else []
        if hits:
            return hits[0]
    raise FontMissingError(f"font file {filename} not found: install the Debian package {package}")


@lru_cache(maxsize=64)
def _pil_font(font: str, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(font)), size_px, index=_FONTS[font][2])


@lru_cache(maxsize=8)
def _pdf_font(name: str) -> pymupdf.Font:
    return pymupdf.Font(name)


def _is_cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"


def wrap_line(line: str, fits) -> list[str]:
    """Split ``line`` into pieces for which ``fits(piece)`` holds.

    Latin text breaks at spaces; CJK text may break between any two
    characters. Whitespace-free ground truth is unchanged by wrapping.
    """
    out: list[str] = []
    current = ""
    for token in re.findall(r"[\u3000-\u9fff\uff00-\uffef]|\S+\s*|\s+", line):
        candidate = current + token
        if not current or fits(candidate.rstrip()):
            current = candidate
            continue
        out.append(current.rstrip())
        current = token.lstrip()
    if current.strip():
        out.append(current.rstrip())
    return out


def render_text_image(
    lines: list[str],
    *,
    font: str = "sans",
    size_px: int = 32,
    width: int = 1654,
    margin: int = 120,
    line_gap: float = 1.6,
    dpi: int = 200,
    height: int | None = None,
) -> np.ndarray:
    """Black text on white, one ``lines`` entry per paragraph (wrapped to fit).

    The defaults are an A4 page at 200 DPI (``width`` 1654 px); ``dpi`` only
    records that scale (pass ``width=round(8.27 * dpi)`` for other DPIs). The
    height fits the text unless ``height`` is given (text beyond it is cut).
    """
    del dpi  # the pixel sizes above already encode the scale
    pil_font = _pil_font(font, size_px)
    usable = width - 2 * margin
    wrapped: list[str] = []
    for line in lines:
        wrapped.extend(wrap_line(line, lambda s: pil_font.getlength(s) <= usable) or [""])
    step = int(round(size_px * line_gap))
    if height is None:
        height = 2 * margin + step * len(wrapped)
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    y = margin
    for text in wrapped:
        if text:
            draw.text((margin, y), text, font=pil_font, fill=0)
        y += step
    return np.asarray(img, dtype=np.uint8).copy()


def render_columns_image(
    columns: list[list[str]],
    *,
    font: str = "sans",
    size_px: int = 28,
    width: int = 1654,
    margin: int = 120,
    gutter: int = 80,
    line_gap: float = 1.6,
    height: int | None = None,
) -> np.ndarray:
    """A page of side-by-side columns; reading order is column by column."""
    n = len(columns)
    col_w = (width - 2 * margin - gutter * (n - 1)) // n
    rendered = [
        render_text_image(col, font=font, size_px=size_px, width=col_w, margin=0, line_gap=line_gap)
        for col in columns
    ]
    if height is None:
        height = 2 * margin + max(r.shape[0] for r in rendered)
    page = np.full((height, width), 255, np.uint8)
    for i, r in enumerate(rendered):
        x = margin + i * (col_w + gutter)
        h = min(r.shape[0], height - margin)
        page[margin : margin + h, x : x + col_w] = r[:h]
    return page


def render_table_image(
    rows: list[list[str]],
    *,
    font: str = "sans",
    size_px: int = 28,
    width: int = 1654,
    margin: int = 120,
    row_height: int | None = None,
    grid: bool = True,
) -> np.ndarray:
    """A ruled table, cells left-aligned; reading order is row by row.

    Column widths follow their widest cell (plus padding), spread to fill
    the page width when there is room.
    """
    pil_font = _pil_font(font, size_px)
    ncols = max(len(r) for r in rows)
    pad = 24
    natural = [max(pil_font.getlength(r[c]) if c < len(r) else 0 for r in rows) + 2 * pad for c in range(ncols)]
    extra = max(0.0, (width - 2 * margin) - sum(natural)) / ncols
    col_w = [int(w + extra) for w in natural]
    xs = [margin + sum(col_w[:c]) for c in range(ncols + 1)]
    row_h = row_height or int(size_px * 2.0)
    height = 2 * margin + row_h * len(rows)
    img = Image.new("L", (max(width, xs[-1] + margin), height), 255)
    draw = ImageDraw.Draw(img)
    for r, row in enumerate(rows):
        y = margin + r * row_h
        for c, cell in enumerate(row):
            draw.text((xs[c] + pad, y + (row_h - size_px) // 2), cell, font=pil_font, fill=0)
    if grid:
        for r in range(len(rows) + 1):
            y = margin + r * row_h
            draw.line([(xs[0], y), (xs[-1], y)], fill=0, width=2)
        for x in xs:
            draw.line([(x, margin), (x, margin + len(rows) * row_h)], fill=0, width=2)
    return np.asarray(img, dtype=np.uint8).copy()


def render_side_by_side_image(
    left: list[str],
    right: list[str],
    *,
    fonts: tuple[str, str] = ("mono", "sans"),
    size_px: int = 26,
    line_gaps: tuple[float, float] = (1.3, 1.9),
    width: int = 1654,
    margin: int = 120,
    gutter: int = 100,
) -> np.ndarray:
    """Two blocks side by side (code and its output), each with its own font and
    line pitch, their tops level; reading order is the left block, then the right."""
    half = (width - 2 * margin - gutter) // 2
    blocks = [
        render_text_image(lines, font=font, size_px=size_px, width=half, margin=0, line_gap=gap)
        for lines, font, gap in zip((left, right), fonts, line_gaps)
    ]
    page = np.full((2 * margin + max(b.shape[0] for b in blocks), width), 255, np.uint8)
    for i, b in enumerate(blocks):
        x = margin + i * (half + gutter)
        page[margin : margin + b.shape[0], x : x + half] = b
    return page


def render_vertical_image(
    columns: list[str],
    *,
    font: str = "cjk",
    size_px: int = 40,
    column_gap: float = 1.8,
    margin: int = 120,
) -> np.ndarray:
    """Vertical CJK text: each ``columns`` entry is one column read top to bottom,
    the first column at the right; reading order is right to left."""
    pil_font = _pil_font(font, size_px)
    pitch = int(round(size_px * 1.15))
    step = int(round(size_px * column_gap))
    height = 2 * margin + pitch * max(len(c) for c in columns)
    width = 2 * margin + step * (len(columns) - 1) + size_px
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    for i, column in enumerate(columns):
        x = width - margin - size_px - i * step
        for j, ch in enumerate(column):
            draw.text((x + size_px / 2, margin + j * pitch + size_px / 2), ch, font=pil_font, fill=0, anchor="mm")
    return np.asarray(img, dtype=np.uint8).copy()


def degrade(
    img: np.ndarray,
    *,
    angle: float = 0.0,
    blur: float = 0.0,
    noise: float = 0.0,
    jpeg_quality: int | None = None,
    seed: int = 0,
) -> np.ndarray:
    """Make a clean render look scanned.

    ``angle`` rotates (degrees, counter-clockwise, white fill, same size),
    ``blur`` is the Gaussian sigma in pixels, ``noise`` the standard
    deviation of additive Gaussian noise in grey levels, ``jpeg_quality``
    round-trips through JPEG. Deterministic for a given ``seed``.
    """
    out = img.astype(np.uint8)
    if out.ndim == 3:
        out = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY)
    if angle:
        h, w = out.shape
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        out = cv2.warpAffine(out, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    if blur > 0:
        out = cv2.GaussianBlur(out, (0, 0), blur)
    if noise > 0:
        rng = np.random.default_rng(seed)
        out = np.clip(out.astype(np.float32) + rng.normal(0, noise, out.shape), 0, 255).astype(np.uint8)
    if jpeg_quality is not None:
        out = cv2.imdecode(np.frombuffer(encode_jpeg(out, jpeg_quality), np.uint8), cv2.IMREAD_GRAYSCALE)
    return out


def turn_page(img: np.ndarray, quarter_turns: int = 0, skew: float = 0.0) -> np.ndarray:
    """The page turned ``quarter_turns`` × 90° counter-clockwise, then rotated a further
    ``skew`` degrees on a canvas grown to keep every corner (white fill)."""
    out = np.ascontiguousarray(np.rot90(img, quarter_turns))
    if skew:
        h, w = out.shape
        m = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
        cos, sin = abs(m[0, 0]), abs(m[0, 1])
        nw, nh = int(np.ceil(h * sin + w * cos)), int(np.ceil(h * cos + w * sin))
        m[0, 2] += nw / 2 - w / 2
        m[1, 2] += nh / 2 - h / 2
        out = cv2.warpAffine(out, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=255)
    return out


def encode_png(img: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".png", img)
    assert ok
    return buf.tobytes()


def png_with_broken_pixels_behind_valid_checksums() -> bytes:
    """A PNG whose IDAT bytes are damaged but whose chunk CRCs were recomputed: only decoding finds out."""
    data = encode_png(np.random.default_rng(3).integers(0, 255, (120, 160), dtype=np.uint8))
    start = data.index(b"IDAT") - 4
    length = struct.unpack(">I", data[start:start + 4])[0]
    body = bytearray(data[start + 8:start + 8 + length])
    for i in range(len(body) // 3, len(body) // 3 + 40):
        body[i] ^= 0x5A
    chunk = struct.pack(">I", length) + b"IDAT" + bytes(body) + struct.pack(">I", zlib.crc32(b"IDAT" + bytes(body)))
    return data[:start] + chunk + data[start + 12 + length:]


def encode_jpeg(img: np.ndarray, quality: int = 80) -> bytes:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    assert ok
    return buf.tobytes()


def _has_cjk(text: str) -> bool:
    return any(_is_cjk(ch) for ch in text)


def make_pdf(pages: list[dict]) -> bytes:
    """A PDF with one A4 page per entry.

    ``{"text": [lines]}`` is a born-digital page with a real text layer
    (Helvetica, or PyMuPDF's built-in CJK font when a line needs it);
    ``{"image": ndarray, "dpi": 200}`` is an image-only scanned page whose
    size follows the image at that DPI.
    """
    doc = pymupdf.open()
    a4 = pymupdf.paper_rect("a4")
    for spec in pages:
        if "text" in spec:
            page = doc.new_page(width=a4.width, height=a4.height)
            size = float(spec.get("fontsize", 11))
            margin = 72.0
            y = margin + size
            for line in spec["text"]:
                fontname = "china-s" if _has_cjk(line) else "helv"
                font = _pdf_font(fontname)
                fits = lambda s: font.text_length(s, size) <= a4.width - 2 * margin  # noqa: E731
                # Most lines fit whole: one measurement instead of one per word (PyMuPDF's is slow).
                pieces = ([line.rstrip()] if line.strip() else []) if fits(line.rstrip()) else wrap_line(line, fits)
                for piece in pieces:
                    page.insert_text((margin, y), piece, fontname=fontname, fontsize=size)
                    y += size * 1.6
        elif "image" in spec:
            img = spec["image"]
            dpi = float(spec.get("dpi", 200))
            h, w = img.shape[:2]
            page = doc.new_page(width=w * 72.0 / dpi, height=h * 72.0 / dpi)
            page.insert_image(page.rect, stream=encode_png(img))
        else:
            raise ValueError("each page needs a 'text' or an 'image' key")
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data


def make_tiff(images: list[np.ndarray], *, dpi: int = 200) -> bytes:
    """A multi-page TIFF (LZW), one page per image."""
    frames = [Image.fromarray(im) for im in images]
    buf = io.BytesIO()
    frames[0].save(buf, format="TIFF", save_all=True, append_images=frames[1:],
                   compression="tiff_lzw", dpi=(dpi, dpi))
    return buf.getvalue()


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, bit-parallel (Myers/Hyyrö) so whole pages are fast."""
    if not a:
        return len(b)
    if not b:
        return len(a)
    m = len(a)
    peq: dict[str, int] = {}
    for i, ch in enumerate(a):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    full = (1 << m) - 1
    top = 1 << (m - 1)
    pv, mv, score = full, 0, m
    for ch in b:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & full)
        mh = pv & xh
        if ph & top:
            score += 1
        elif mh & top:
            score -= 1
        ph = ((ph << 1) | 1) & full
        mh = (mh << 1) & full
        pv = mh | (~(xv | ph) & full)
        mv = ph & xv
    return score


def normalize_whitespace(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def cer(reference: str, hypothesis: str, *, ignore_whitespace: bool = True) -> float:
    """Character error rate: edit distance / reference length.

    ``ignore_whitespace`` removes all whitespace first (what matters for
    Chinese and for reading the characters); otherwise whitespace runs are
    collapsed to one space and the ends stripped, so English spacing counts.
    """
    if ignore_whitespace:
        ref, hyp = re.sub(r"\s+", "", reference), re.sub(r"\s+", "", hypothesis)
    else:
        ref, hyp = normalize_whitespace(reference), normalize_whitespace(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return edit_distance(ref, hyp) / len(ref)
