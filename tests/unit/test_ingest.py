"""Opening inputs: type sniffing, limits and every refusal, before decoding."""
import io
import struct
import time
import tracemalloc
import zlib

import numpy as np
import pymupdf
import pytest

from pipeline import Limits, Options, open_document
from pipeline.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedPdfError,
    PageRangeError,
    PageTooLargeError,
    TooManyPagesError,
    UnsupportedTypeError,
)
from pipeline.ingest import sniff
from tests.factories import (
    EN_TEXT,
    encode_jpeg,
    encode_png,
    make_pdf,
    make_tiff,
    png_with_broken_pixels_behind_valid_checksums,
)

SMALL = np.full((60, 80), 255, np.uint8)


def png_header_only(width, height):
    """A PNG whose header claims ``width``×``height`` with (almost) no data."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    "data,kind",
    [
        (encode_png(SMALL), "png"),
        (encode_jpeg(SMALL), "jpeg"),
        (make_tiff([SMALL, SMALL]), "tiff"),
        (make_pdf([{"text": ["hello"]}]), "pdf"),
        (b"BM" + b"\x00" * 60, "bmp"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (b"GIF89a" + b"\x00" * 20, None),
        (b"just some text", None),
    ],
    # named, not shown by their bytes: a PDF's bytes differ from one build to the next (its /ID), and pytest-xdist's
    # workers must collect the same test ids
    ids=["png", "jpeg", "tiff", "pdf", "bmp", "webp", "gif", "text"],
)
def test_sniff_by_magic_bytes(data, kind):
    assert sniff(data) == kind


def test_each_raster_kind_opens_with_one_page():
    from PIL import Image
    import io

    for fmt, kind in (("PNG", "png"), ("JPEG", "jpeg"), ("BMP", "bmp"), ("WEBP", "webp")):
        buf = io.BytesIO()
        Image.fromarray(SMALL).save(buf, format=fmt)
        with open_document(buf.getvalue()) as doc:
            assert doc.kind == kind and doc.page_count == 1 and doc.select(None) == [1]


def test_empty_file():
    with pytest.raises(EmptyFileError) as info:
        open_document(b"")
    assert info.value.code == "empty_file" and isinstance(info.value, CorruptFileError)


def test_unsupported_type():
    with pytest.raises(UnsupportedTypeError) as info:
        open_document(b"GIF89a" + b"\x00" * 100)
    assert info.value.code == "unsupported_type"


def test_truncated_pdf_is_corrupt():
    pdf = make_pdf([{"text": EN_TEXT}] * 3)
    with pytest.raises(CorruptFileError) as info:
        open_document(pdf[: len(pdf) // 2])
    assert info.value.code == "corrupt_file"


def test_garbage_after_pdf_magic_is_corrupt():
    with pytest.raises(CorruptFileError):
        open_document(b"%PDF-1.7\n" + b"x" * 500)


def test_truncated_png_is_corrupt():
    data = encode_png(np.random.default_rng(0).integers(0, 255, (400, 400), dtype=np.uint8))
    with pytest.raises(CorruptFileError):
        open_document(data[: len(data) // 2])


def test_counting_pages_checks_png_and_jpeg_without_decoding_them():
    # decode=False (the API's submit check, the worker's split): pixels left for the page task.
    image = np.random.default_rng(1).integers(0, 255, (300, 400), dtype=np.uint8)
    for data in (encode_png(image), encode_jpeg(image)):
        with open_document(data, decode=False) as doc:
            assert doc.page_count == 1 and doc._decoded is None
            assert doc.raster_page(1).shape == (300, 400)  # decoded when a page is rendered
        with open_document(data) as doc:
            assert doc._decoded is not None


@pytest.mark.parametrize("encode", [encode_png, encode_jpeg])
def test_counting_pages_still_refuses_a_truncated_image(encode):
    data = encode(np.random.default_rng(2).integers(0, 255, (400, 400), dtype=np.uint8))
    for cut in (len(data) // 2, len(data) - 200):
        with pytest.raises(CorruptFileError):
            open_document(data[:cut], decode=False)


def test_a_png_that_fails_its_checksums_but_decodes_is_accepted_as_before():
    # Only IEND missing: the checksum walk fails, the full decode (as before) accepts the file.
    data = encode_png(np.full((50, 60), 200, np.uint8))
    cut = data[: data.rindex(b"IEND") - 4]
    with open_document(cut) as doc:
        expected = doc.raster_page(1)
    with open_document(cut, decode=False) as doc:
        assert doc._decoded is not None and np.array_equal(doc.raster_page(1), expected)


def test_a_png_damaged_behind_valid_checksums_fails_when_its_page_is_decoded():
    # Counting pages lets it through (its chunks check out); the page task's decode refuses it.
    data = png_with_broken_pixels_behind_valid_checksums()
    with open_document(data, decode=False) as doc:
        assert doc.page_count == 1
        with pytest.raises(CorruptFileError):
            doc.raster_page(1)
    with pytest.raises(CorruptFileError):
        open_document(data)


def test_encrypted_pdf():
    doc = pymupdf.open(stream=make_pdf([{"text": ["secret"]}]))
    data = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="u", owner_pw="o")
    with pytest.raises(EncryptedPdfError) as info:
        open_document(data)
    assert info.value.code == "encrypted_pdf"


def test_owner_password_only_pdf_is_readable():
    doc = pymupdf.open(stream=make_pdf([{"text": ["open to read"]}]))
    data = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="o", permissions=0)
    with open_document(data) as d:
        assert d.page_count == 1


def test_too_many_pages_pdf_and_tiff():
    with pytest.raises(TooManyPagesError) as info:
        open_document(make_pdf([{"text": ["p"]}] * 3), Limits(max_pages=2))
    assert info.value.code == "too_many_pages" and info.value.details["page_count"] == 3
    with pytest.raises(TooManyPagesError):
        open_document(make_tiff([SMALL] * 3), Limits(max_pages=2))


def test_huge_png_header_refused_fast_with_bounded_memory():
    data = png_header_only(60_000, 60_000)
    tracemalloc.start()
    t = time.perf_counter()
    with pytest.raises(PageTooLargeError) as info:
        open_document(data)
    elapsed = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert info.value.code == "page_too_large"
    assert elapsed < 1.0 and peak < 20 * 1024 * 1024


def test_image_over_custom_pixel_budget():
    with pytest.raises(PageTooLargeError):
        open_document(encode_png(np.full((200, 200), 255, np.uint8)), Limits(max_pixels=30_000))


def test_select_pages():
    with open_document(make_pdf([{"text": ["p"]}] * 6)) as doc:
        assert doc.page_count == 6
        assert doc.select(None) == [1, 2, 3, 4, 5, 6]
        assert doc.select("1-3,5") == [1, 2, 3, 5]
        assert doc.select("5,2, 2") == [2, 5]
        assert doc.select("4-") == [4, 5, 6]
        for bad in ("0", "3-1", "7", "1-9", "a", "1,,2"):
            with pytest.raises(PageRangeError) as info:
                doc.select(bad)
            assert info.value.code == "invalid_pages" and isinstance(info.value, ValueError)


def test_options_and_limits_validate():
    assert Options().mode == "auto" and Options().dpi == 200
    for kwargs in ({"mode": "fast"}, {"dpi": 10}, {"dpi": "200"}, {"pages": "x-y"}):
        with pytest.raises(ValueError):
            Options(**kwargs)
    with pytest.raises(ValueError):
        Limits(max_pages=0)
    with pytest.raises(ValueError):
        Limits(max_pixels=-1)
    with pytest.raises(Exception):
        Options().mode = "ocr"  # frozen


def test_rgba_png_transparent_background_is_white():
    rgba = np.zeros((20, 20, 4), np.uint8)  # fully transparent black
    from PIL import Image
    import io

    buf = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buf, format="PNG")
    with open_document(buf.getvalue()) as doc:
        assert doc.raster_page(1).min() == 255


@pytest.mark.parametrize("mode,fmt,kwargs", [
    ("CMYK", "JPEG", {}),
    ("I;16", "PNG", {}),
    ("P", "PNG", {}),
    ("1", "TIFF", {"compression": "group4"}),
    ("RGB", "WEBP", {"lossless": True}),
])
def test_colour_modes_decode_to_grey_text_on_white(mode, fmt, kwargs):
    from PIL import Image
    import io

    grey = np.full((40, 60), 255, np.uint8)
    grey[10:30, 20:40] = 0
    img = Image.fromarray(grey)
    if mode == "I;16":
        img = Image.fromarray(grey.astype(np.uint16) * 257).convert("I;16")
    elif mode == "P":
        img = img.convert("RGB").convert("P")
    else:
        img = img.convert(mode)
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kwargs)
    with open_document(buf.getvalue()) as doc:
        out = doc.raster_page(1)
    assert out.dtype == np.uint8 and out.shape == (40, 60)
    assert out[15:25, 25:35].max() < 60 and out[:5].min() > 200


@pytest.mark.parametrize("bits", [8, 4, 2])
def test_grey_png_decodes_to_the_same_pixels_through_opencv_as_through_pillow(bits):
    # Grey PNGs are decoded by OpenCV (cheaper); Pillow's pixels are the reference.
    from PIL import Image

    from pipeline.ingest import _to_gray
    from tests.factories import degrade, render_text_image

    page = degrade(render_text_image(EN_TEXT[:3], width=400, size_px=22), angle=0.5, noise=4, seed=2)
    buf = io.BytesIO()
    Image.fromarray(page).save(buf, "PNG", **({"bits": bits} if bits < 8 else {}))
    data = buf.getvalue()
    with open_document(data) as doc:
        assert doc._decode_grey_png() is not None  # this image takes the OpenCV path
        pixels = doc.raster_page(1)
    assert np.array_equal(pixels, _to_gray(Image.open(io.BytesIO(data))))


def test_a_png_opencv_refuses_is_left_to_pillow():
    # Missing IEND: libpng refuses it, Pillow reads it (as before this path existed).
    from tests.factories import render_text_image

    page = render_text_image(EN_TEXT[:2], width=300, size_px=20)
    with open_document(encode_png(page)[:-12]) as doc:
        assert doc._decode_grey_png() is None
        assert np.array_equal(doc.raster_page(1), page)
