"""The recognizer with chosen layers in INT8: derived at set-up from the pinned float model and checked
by its sha256 like an extracted file, chosen with ``EngineConfig.recognizer_model``, and reading
rendered English and Chinese pages about as well as the float model."""
import pytest

from models import registry
from pipeline.engine import Engine, EngineConfig
from pipeline.errors import ModelError
from tests.derived_models import derived_models_dir
from tests.factories import EN_TEXT, ZH_TEXT, cer, encode_png, render_text_image

INT8 = "ppocrv6_tiny_rec_int8"


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory):
    """A models directory holding the pinned files (links) and the derived ones made here (the INT8 file
    and the second opinion's, which the engine loads by default)."""
    return derived_models_dir(tmp_path_factory.mktemp("models"), [INT8, "ppocrv6_small_rec_gemm"])


def test_setup_derives_the_file_the_manifest_pins(models_dir):
    path = registry.resolve(INT8, models_dir)  # raises unless the sha256 matches the manifest's
    assert registry.spec(INT8).sha256 != registry.spec("ppocrv6_tiny_rec").sha256
    assert path.stat().st_size > 0


def test_a_missing_derived_file_is_reported_not_downloaded(tmp_path):
    with pytest.raises(ModelError, match="make models"):
        Engine(EngineConfig(threads=1, models_dir=tmp_path, recognizer_model=INT8))


@pytest.mark.parametrize("lines, font, size", [(EN_TEXT[:4], "sans", 30), (ZH_TEXT[:4], "cjk", 32)])
def test_int8_reads_a_page_as_well_as_float(models_dir, lines, font, size):
    page = encode_png(render_text_image(lines, font=font, size_px=size))
    truth = "\n".join(lines)
    results = {}
    for model in ("ppocrv6_tiny_rec", INT8):
        engine = Engine(EngineConfig(threads=1, models_dir=models_dir, recognizer_model=model))
        results[model] = next(engine.process(page))
        assert engine.model_info()[model] == registry.spec(model).sha256
    float_cer = cer(truth, results["ppocrv6_tiny_rec"].text)
    int8_cer = cer(truth, results[INT8].text)
    assert float_cer < 0.03
    assert int8_cer <= float_cer + 0.01, (results["ppocrv6_tiny_rec"].text, results[INT8].text)
