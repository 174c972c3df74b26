"""Open an input file: sniff its type, validate it, count its pages.

Everything that can be refused is refused here, before any page is
decoded: unknown types (judged by magic bytes, never by name), encrypted
or broken PDFs, too many pages, and raster images whose header promises
more pixels than the budget (a decompression bomb costs nothing to
reject because only the header is read).
"""
from __future__ import annotations

import io
import warnings

import cv2
import numpy as np
import pymupdf
from PIL import Image, ImageOps

from pipeline.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedPdfError,
    PageTooLargeError,
    TooManyPagesError,
    UnsupportedTypeError,
)
from pipeline.ofd import is_ofd, ofd_to_pdf
from pipeline.options import Limits
from pipeline.pages import parse_page_spec

# MuPDF prints repair chatter to stderr; we collect it through
# TOOLS.mupdf_warnings() instead. Process-wide, set once at import.
pymupdf.TOOLS.mupdf_display_errors(False)

KINDS = ("pdf", "ofd", "tiff", "png", "jpeg", "bmp", "webp")


def sniff(data: bytes) -> str | None:
    """The input's kind from its first bytes, or None if unsupported."""
    head = data[:16]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if head.startswith(b"BM"):
        return "bmp"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    # PDF readers accept junk before the header; so do we, within 1 KiB.
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if is_ofd(data):
        return "ofd"
    return None


class Document:
    """A validated input; use as a context manager (it holds file handles).

    Pages are numbered from 1. One thread at a time per Document.
    """

    def __init__(self, data: bytes, kind: str, limits: Limits):
        self.data = data
        self.kind = kind
        self.source_kind = kind  # what was sent: "ofd" is read through the PDF it is turned into
        self.limits = limits
        self.pdf: pymupdf.Document | None = None
        self._image: Image.Image | None = None
        self.page_count = 0
        self.image_dpi: dict[int, float] = {}  # page → DPI stored in the image, when present
        self._decoded: np.ndarray | None = None  # a single image's pixels, decoded at open

    # -- lifecycle -----------------------------------------------------
    def __enter__(self) -> "Document":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()
            self.pdf = None
        if self._image is not None:
            self._image.close()
            self._image = None

    def select(self, spec: str | None) -> list[int]:
        """1-based page numbers named by ``spec`` ("1-3,5"; None = all)."""
        return parse_page_spec(spec, self.page_count)

    # -- access for render/textlayer -----------------------------------
    def pdf_page(self, page_no: int) -> pymupdf.Page:
        self._check_page(page_no)
        assert self.pdf is not None
        try:
            return self.pdf.load_page(page_no - 1)
        except Exception as exc:
            raise CorruptFileError(f"page {page_no} cannot be read: {exc}") from exc

    def raster_page(self, page_no: int) -> np.ndarray:
        """Decode one page of a raster input to 8-bit grey."""
        self._check_page(page_no)
        if self._decoded is not None and page_no == 1:
            return self._decoded
        assert self._image is not None
        if (pixels := self._decode_grey_png()) is not None:
            return pixels
        try:
            self._image.seek(page_no - 1)
            frame = self._image
            if self.kind == "jpeg":
                frame = ImageOps.exif_transpose(frame)  # phone photos carry their rotation in EXIF
            return _to_gray(frame)
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            raise CorruptFileError(f"page {page_no} of the {self.kind} image cannot be decoded: {exc}") from exc

    def _decode_grey_png(self) -> np.ndarray | None:
        """An 8-bit grey PNG (most scans) through OpenCV: the same pixels as Pillow's, decoded in
        about 20 % less CPU. None for anything else, or whatever OpenCV cannot decode whole: then
        Pillow decides, as it always did (its errors, its tolerance of a damaged file)."""
        img = self._image
        if self.kind != "png" or img is None or img.mode != "L" or "transparency" in img.info:
            return None
        pixels = cv2.imdecode(np.frombuffer(self.data, np.uint8), cv2.IMREAD_GRAYSCALE)
        if pixels is None or pixels.shape != (img.height, img.width):
            return None
        return pixels

    def _check_page(self, page_no: int) -> None:
        if not 1 <= page_no <= self.page_count:
            from pipeline.errors import PageRangeError

            raise PageRangeError(f"page {page_no} is out of range: the document has {self.page_count} page(s)")


def _to_gray(frame: Image.Image) -> np.ndarray:
    if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
        # Transparent areas are paper, not black.
        rgba = frame.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        frame = Image.alpha_composite(white, rgba)
    if frame.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(frame, dtype=np.uint32)
        top = max(1, int(arr.max()))
        return (arr * 255 // top).astype(np.uint8)
    if frame.mode == "1":
        frame = frame.convert("L")
    return np.asarray(frame.convert("L"), dtype=np.uint8).copy()


def open_document(data: bytes, limits: Limits = Limits(), *, decode: bool = True) -> Document:
    """Validate ``data`` and return a ``Document``; raises a ``PipelineError``.

    A single image is decoded at open, so a truncated file fails here and its
    pixels are ready for rendering. ``decode=False`` is for callers that only
    count pages (the API's submit check, the worker's split): PNG and JPEG are
    then checked without decoding them in full (see ``_check_single_image``),
    and the page task that renders the image decodes it once.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("open_document expects bytes")
    data = bytes(data)
    if not data:
        raise EmptyFileError("the file is empty (0 bytes)")
    kind = sniff(data)
    if kind is None:
        raise UnsupportedTypeError(
            "unsupported file type; send a PDF, OFD, TIFF, PNG, JPEG, BMP or WebP file",
            details={"supported": list(KINDS)},
        )
    if kind == "ofd":
        pdf, _ = ofd_to_pdf(data, limits.max_pages)
        doc = Document(pdf, "pdf", limits)
        doc.source_kind = "ofd"
    else:
        doc = Document(data, kind, limits)
    try:
        if doc.kind == "pdf":
            _open_pdf(doc)
        else:
            _open_raster(doc, decode)
    except BaseException:
        doc.close()
        raise
    return doc


def _open_pdf(doc: Document) -> None:
    pymupdf.TOOLS.reset_mupdf_warnings()
    try:
        pdf = pymupdf.open(stream=doc.data, filetype="pdf")
    except Exception as exc:
        raise CorruptFileError(f"the PDF cannot be opened: {exc}") from exc
    doc.pdf = pdf
    if pdf.needs_pass:
        raise EncryptedPdfError("the PDF is password-protected; remove the password and send it again")
    try:
        count = pdf.page_count
    except Exception as exc:  # MuPDF raises a bare RuntimeError for a page tree whose count lies
        raise CorruptFileError(f"the PDF's page tree is invalid: {exc}") from exc
    if count < 1:
        raise CorruptFileError("the PDF has no pages")
    if count > doc.limits.max_pages:
        raise TooManyPagesError(
            f"the PDF has {count} pages; the limit is {doc.limits.max_pages}",
            details={"page_count": count, "max_pages": doc.limits.max_pages},
        )
    if pdf.is_repaired:
        # A damaged cross-reference table is common and repairable; a page
        # tree that cannot be walked means pages are missing: refuse it.
        for i in range(count):
            try:
                pdf.load_page(i)
            except Exception as exc:
                raise CorruptFileError(f"the PDF is damaged: page {i + 1} cannot be read ({exc})") from exc
        if "page tree" in pymupdf.TOOLS.mupdf_warnings():
            raise CorruptFileError("the PDF is damaged (truncated?): its page tree is broken")
    doc.page_count = count


def _open_raster(doc: Document, decode: bool = True) -> None:
    try:
        with warnings.catch_warnings():
            # Our own pixel budget below is the limit; Pillow's warning is noise.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(doc.data))
    except Image.DecompressionBombError as exc:
        raise PageTooLargeError(f"the image is too large to process: {exc}") from exc
    except Exception as exc:
        raise CorruptFileError(f"the {doc.kind} image cannot be read: {exc}") from exc
    doc._image = img
    frames = getattr(img, "n_frames", 1) if doc.kind == "tiff" else 1
    if frames > doc.limits.max_pages:
        raise TooManyPagesError(
            f"the TIFF has {frames} pages; the limit is {doc.limits.max_pages}",
            details={"page_count": frames, "max_pages": doc.limits.max_pages},
        )
    for i in range(frames):
        try:
            img.seek(i)
        except Exception as exc:
            raise CorruptFileError(f"page {i + 1} of the {doc.kind} image cannot be read: {exc}") from exc
        w, h = img.size
        if w < 1 or h < 1:
            raise CorruptFileError(f"page {i + 1} has no pixels")
        if w * h > doc.limits.max_pixels:
            raise PageTooLargeError(
                f"page {i + 1} is {w}x{h} pixels ({w * h / 1e6:.0f} MP); the limit is "
                f"{doc.limits.max_pixels / 1e6:.0f} MP",
                details={"width": w, "height": h, "max_pixels": doc.limits.max_pixels},
            )
        dpi = img.info.get("dpi")
        if dpi and float(dpi[0]) > 1:
            doc.image_dpi[i + 1] = float(dpi[0])
    doc.page_count = frames
    if frames == 1:
        # Decode single images now so a truncated file fails at open, not
        # later inside a worker; the pixels are kept for rendering.
        if decode or not _check_single_image(doc):
            doc._decoded = doc.raster_page(1)


def _check_single_image(doc: Document) -> bool:
    """Whether ``doc`` was checked whole without a full decode (False: the caller decodes it).

    A scanned A4 page decodes in 7-15 ms. A PNG's chunks each carry a CRC,
    and Pillow's ``verify`` reads every chunk up to IEND and checks them in
    0.3 ms. A JPEG is decoded at 1/8 scale (``draft``, half the time): every
    byte of the entropy-coded data is still read, so truncation still fails.
    A file that fails these checks is decoded in full, which decides: a PNG
    whose decoder tolerates a bad checksum or a missing IEND is accepted, as
    it always was.
    """
    if doc.kind not in ("png", "jpeg"):
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(doc.data))
            if doc.kind == "png":
                probe.verify()
            else:
                probe.draft("L", (max(1, probe.width // 8), max(1, probe.height // 8)))
                probe.load()
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for a damaged file; the full decode decides
        return False
    return True
