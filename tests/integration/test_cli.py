"""``python -m pipeline`` as a user runs it: text, JSON, page ranges, errors."""
import json
import subprocess
import sys

import pytest

from tests.factories import EN_TEXT, ZH_TEXT, cer, encode_png, make_pdf, render_text_image


def run(*args, timeout=180):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    pdf = d / "mixed.pdf"
    pdf.write_bytes(make_pdf([{"text": EN_TEXT[:6]}, {"image": render_text_image(ZH_TEXT[:6], font="cjk"), "dpi": 200},
                              {"text": ["third page"]}]))
    png = d / "en.png"
    png.write_bytes(encode_png(render_text_image(EN_TEXT[:5])))
    empty = d / "empty.png"
    empty.write_bytes(b"")
    return {"pdf": pdf, "png": png, "empty": empty}


def test_plain_text_of_two_files(files):
    done = run(files["png"], files["pdf"], "--threads", "2")
    assert done.returncode == 0, done.stderr
    pages = done.stdout.split("\f\n")
    assert len(pages) == 4 and pages[3].strip() == "third page"
    assert cer("\n".join(EN_TEXT[:5]), pages[0]) <= 0.01
    assert cer("\n".join(EN_TEXT[:6]), pages[1]) == 0.0  # text layer
    assert cer("\n".join(ZH_TEXT[:6]), pages[2]) <= 0.02


def test_json_output(files):
    done = run("--json", "--mode", "ocr", "--pages", "2", "--dpi", "150", files["pdf"])
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    [page] = doc["pages"]
    assert page["page_no"] == 2 and page["source"] == "ocr" and page["dpi"] == 150
    assert page["file"] == str(files["pdf"])
    assert {"text", "confidence", "lines", "timings", "models", "width", "height"} <= set(page)
    assert page["lines"] and {"text", "confidence", "box"} <= set(page["lines"][0])
    assert cer("\n".join(ZH_TEXT[:6]), page["text"]) <= 0.02


def test_errors_go_to_stderr_with_code(files, tmp_path):
    done = run(files["empty"], files["png"])
    assert done.returncode == 1
    assert "empty_file" in done.stderr and str(files["empty"]) in done.stderr
    assert cer("\n".join(EN_TEXT[:5]), done.stdout) <= 0.01  # the good file is still read
    bad = tmp_path / "notes.txt"
    bad.write_text("plain text")
    done = run(bad)
    assert done.returncode == 1 and "error: unsupported_type" in done.stderr and done.stdout == ""


def test_bad_arguments(files):
    done = run("--pages", "9", files["pdf"])
    assert done.returncode == 1 and "invalid_pages" in done.stderr
    done = run("--pages", "x", files["pdf"])
    assert done.returncode == 2 and "invalid_option" in done.stderr
    done = run("--mode", "fast", files["pdf"])
    assert done.returncode == 2
