"""The INT8 recognizer: derived at set-up from the pinned float model, the same bytes on
every run (its sha256 is in the manifest), and reading rendered text as well as the float one."""
import shutil
import subprocess
import sys

import pytest

from models import registry
from models.setup import derive
from pipeline import Engine, EngineConfig, Options, open_document
from pipeline.model_loading import ModelChoice
from tests.factories import cer, degrade, encode_png, render_text_image

INT8 = "ppocrv6_tiny_rec_int8"
SOURCES = ["ppocrv6_tiny_det", "ppocrv6_tiny_rec", "ppocrv6_tiny_dict"]

EN = [
    "The quick brown fox jumps over the lazy dog while 42 invoices wait in the queue.",
    "Quantized weights keep each channel's own scale; activations use one per tensor.",
    "Payment is due within 30 days (net), at 4.5 % interest after 15 March 2026.",
]
ZH = [
    "本文档介绍如何在服务器上安装和配置文字识别服务。",
    "每一页扫描件都会先检测文本行，然后逐行识别文字。",
    "如有问题，请在二〇二六年三月十五日之前联系我们。",
]


@pytest.fixture(scope="module")
def float_only(tmp_path_factory):
    """A models directory holding only the files extracted from the wheel."""
    path = tmp_path_factory.mktemp("models")
    for name in SOURCES:
        shutil.copy(registry.resolve(name), path / registry.spec(name).file)
    return path


@pytest.fixture(scope="module")
def derived(float_only):
    derive([INT8], float_only)
    return float_only


def test_manifest_names_the_int8_recognizer_as_derived():
    spec = registry.spec(INT8)
    assert spec.derived_from == "ppocrv6_tiny_rec" and spec.wheel is None and len(spec.sha256) == 64
    assert spec.quantized_nodes and (registry.MANIFEST_PATH.parent / spec.calibration).is_file()


def test_derivation_gives_the_pinned_bytes(derived):
    # resolve() checks the sha256 recorded in the manifest: a second derivation, in
    # another directory, must give the same file.
    first = registry.resolve(INT8, derived)
    again = first.parent.parent / "again"
    again.mkdir()
    shutil.copy(registry.resolve("ppocrv6_tiny_rec", derived), again / registry.spec("ppocrv6_tiny_rec").file)
    derive([INT8], again)
    assert registry.sha256_of(registry.resolve(INT8, again)) == registry.sha256_of(first)


def test_setup_derives_a_missing_int8_file(float_only, tmp_path):
    for name in SOURCES:
        shutil.copy(float_only / registry.spec(name).file, tmp_path / registry.spec(name).file)
    done = subprocess.run([sys.executable, "-m", "models.setup", "--models-dir", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "derived ppocrv6_tiny_rec_int8" in done.stdout and "downloading" not in done.stdout
    registry.resolve(INT8, tmp_path)


def test_the_engine_runs_the_int8_recognizer_when_chosen(derived):
    engine = Engine(EngineConfig(models_dir=derived, threads=1, models=ModelChoice(recognizer=INT8)))
    assert INT8 in engine.model_info() and "ppocrv6_tiny_rec" not in engine.model_info()


@pytest.mark.parametrize("lines,font", [(EN, "serif"), (ZH, "cjk")])
def test_int8_reads_a_scanned_page_as_well_as_float(derived, lines, font):
    page = degrade(render_text_image(lines, font=font, size_px=30, width=1400), blur=0.7, noise=6,
                   jpeg_quality=70, seed=5)
    data = encode_png(page)
    truth = "\n".join(lines)
    errors = {}
    for choice in ("ppocrv6_tiny_rec", INT8):
        engine = Engine(EngineConfig(models_dir=derived, threads=1, models=ModelChoice(recognizer=choice)))
        with open_document(data) as doc:
            errors[choice] = cer(truth, engine.process_page(doc, 1, Options(mode="ocr")).text)
    assert errors[INT8] <= errors["ppocrv6_tiny_rec"] + 0.01, errors
    assert errors[INT8] < 0.03, errors
