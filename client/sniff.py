"""Tell document files from everything else by their first bytes, never by their names."""
from __future__ import annotations

HEAD_BYTES = 1024
KINDS = ("pdf", "ofd", "tiff", "png", "jpeg", "bmp", "webp")

# Sizes of the BMP info headers that real writers use (core, v3, v4, v5 and variants).
_BMP_INFO_SIZES = {12, 16, 40, 52, 56, 64, 108, 124}


def sniff_kind(head: bytes) -> str | None:
    """The document kind of a file starting with ``head`` (its first ~1 KB), or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    # Readers tolerate junk before the PDF header within the first kilobyte.
    if b"%PDF-" in head[:HEAD_BYTES]:
        return "pdf"
    # An OFD is a ZIP whose OFD.xml writers put first; the server checks the whole archive.
    if head.startswith(b"PK\x03\x04") and b"OFD.xml" in head:
        return "ofd"
    if head[:2] == b"BM" and len(head) >= 18:
        # "BM" alone starts plenty of text files; the info-header size field rules those out.
        if int.from_bytes(head[14:18], "little") in _BMP_INFO_SIZES:
            return "bmp"
    return None
