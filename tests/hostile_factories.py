"""Hostile files, generated: damaged and lying PDFs, images whose headers claim huge sizes, polyglots and
random bytes under every extension. Each is small (at most a few hundred KB) and built from known parts,
so a test knows what the service must answer: a 4xx envelope or a terminal job with an error code."""
from __future__ import annotations

import random
import struct
import zlib

import pymupdf

from tests.factories import EN_TEXT, encode_png, make_pdf, render_text_image

EXTENSIONS = ("pdf", "png", "jpg", "jpeg", "tif", "tiff", "bmp", "webp", "ofd", "txt", "")


def _pdf(objects: list[str], root: int = 1) -> bytes:
    """A PDF from object bodies (numbered from 1) with a correct xref table, so a reader takes it as
    well formed and meets the lie inside."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer << /Size {len(objects) + 1} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def scanned_pdf() -> bytes:
    return make_pdf([{"image": render_text_image(EN_TEXT[:6], width=1654, height=2339), "dpi": 200}])


def truncated_pdf() -> bytes:
    """The first half of a scanned one-page PDF: the structure may survive, the image does not."""
    scan = scanned_pdf()
    return scan[: len(scan) // 2]


def encrypted_pdf() -> bytes:
    doc = pymupdf.open(stream=make_pdf([{"text": EN_TEXT[:1]}]), filetype="pdf")
    return doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner", user_pw="user")


def page_count_bomb() -> bytes:
    """One page object listed twice in a page tree that claims 100,000 pages."""
    return _pdf([
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R 3 0 R] /Count 100000 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>",
    ])


def page_tree_loop() -> bytes:
    """A page tree whose node lists itself (and its parent) as a kid."""
    return _pdf([
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 2 >>",
        "<< /Type /Pages /Parent 2 0 R /Kids [3 0 R 2 0 R] /Count 2 >>",
    ])


def nested_objects_pdf(depth: int = 50_000) -> bytes:
    """A page whose resources are arrays nested ``depth`` deep."""
    return _pdf([
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Resources << /X " + "[" * depth + "]" * depth + " >> >>",
    ])


def huge_media_box_pdf() -> bytes:
    """One page 14,400 inches square (PDF's largest): rendered at 200 dpi it would be gigapixels."""
    return _pdf([
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] >>",
    ])


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(side: int = 100_000) -> bytes:
    """A valid PNG header claiming side × side pixels, with a few bytes of image data."""
    header = _png_chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + _png_chunk(b"IEND", b"")


def jpeg_bomb(side: int = 65_000) -> bytes:
    """A JPEG whose start-of-frame claims side × side pixels (greyscale), then ends."""
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, side, side, 1) + b"\x01\x11\x00"
    quant = b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + bytes(range(1, 65))
    return b"\xff\xd8" + b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + quant + sof + b"\xff\xd9"


def tiff_bomb(side: int = 1_000_000) -> bytes:
    """A little-endian TIFF whose one IFD claims side × side 8-bit pixels, in one 8-byte strip."""
    entries = [
        (256, 4, 1, side), (257, 4, 1, side), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
        (273, 4, 1, 8 + 2 + 12 * 8 + 4), (277, 3, 1, 1), (278, 4, 1, side), (279, 4, 1, 8),
    ]
    ifd = struct.pack("<H", len(entries)) + b"".join(
        struct.pack("<HHII", tag, kind, count, value) if kind == 4 else struct.pack("<HHIHH", tag, kind, count, value, 0)
        for tag, kind, count, value in entries
    ) + struct.pack("<I", 0)
    return b"II*\x00" + struct.pack("<I", 8) + ifd + b"\x00" * 8


def png_then_pdf() -> bytes:
    """A real PNG (some text) with a whole PDF appended: both readers find their own file in it."""
    return encode_png(render_text_image(EN_TEXT[:1], size_px=24, width=500)) + make_pdf([{"text": EN_TEXT[:1]}])


def pdf_behind_html() -> bytes:
    """HTML first, then a PDF: PDF readers look for %PDF in the first kilobyte, browsers see a page."""
    return b"<html><script>alert(1)</script>" + b" " * 200 + make_pdf([{"text": EN_TEXT[:1]}])


def random_bytes(seed: int, size: int = 4096) -> bytes:
    return random.Random(seed).randbytes(size)


def magic_then_random(magic: bytes, seed: int) -> bytes:
    """A type's magic bytes, then noise: passes the sniffing, fails the decoding."""
    return magic + random_bytes(seed, 2048)


MAGICS = {
    "pdf": b"%PDF-1.7\n", "png": b"\x89PNG\r\n\x1a\n", "jpg": b"\xff\xd8\xff\xe0", "tif": b"II*\x00",
    "bmp": b"BM", "webp": b"RIFF\x00\x10\x00\x00WEBPVP8 ", "ofd": b"PK\x03\x04",
}


def damaged_files() -> dict[str, tuple[str, bytes]]:
    """name → (filename, bytes) of files that can never be read whole: each must end in an error code."""
    files = {
        "truncated_pdf": ("scan.pdf", truncated_pdf()),
        "encrypted_pdf": ("locked.pdf", encrypted_pdf()),
        "page_count_bomb": ("bomb.pdf", page_count_bomb()),
        "page_tree_loop": ("loop.pdf", page_tree_loop()),
        "nested_objects_pdf": ("nested.pdf", nested_objects_pdf()),
        "huge_media_box_pdf": ("huge.pdf", huge_media_box_pdf()),
        "png_bomb": ("bomb.png", png_bomb()),
        "jpeg_bomb": ("bomb.jpg", jpeg_bomb()),
        "tiff_bomb": ("bomb.tif", tiff_bomb()),
        "empty": ("empty.pdf", b""),
    }
    for i, ext in enumerate(EXTENSIONS):
        files[f"random_as_{ext or 'none'}"] = (f"noise.{ext}" if ext else "noise", random_bytes(i))
    for i, (kind, magic) in enumerate(MAGICS.items()):
        files[f"{kind}_magic_then_noise"] = (f"noise.{kind}", magic_then_random(magic, 100 + i))
    return files


def polyglot_files() -> dict[str, tuple[str, bytes]]:
    """Files that are two things at once: either may be read, but never a 5xx or a job left hanging."""
    return {"png_then_pdf": ("poly.png", png_then_pdf()), "pdf_behind_html": ("page.html", pdf_behind_html())}
