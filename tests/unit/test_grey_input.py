"""The page recognizer taking its grey line as one channel (models/grey_input.py): derived at set-up from the
pinned file, checked by sha256, the engine's default, and reading rendered lines as the three-channel file does."""
import cv2
import numpy as np
import onnx
import pytest

from models import grey_input, registry
from pipeline.engine import Engine, EngineConfig
from pipeline.onnx_session import OnnxSession
from pipeline.second_opinion import SecondOpinionSettings
from tests.derived_models import derived_models_dir
from tests.line_crops import render_line_crop

GREY, THREE = "ppocrv6_tiny_rec_grey", "ppocrv6_tiny_rec_gemm"
LINES = [("Invoice 2024-0417, total due: $5,986.80.", "sans"), ("第三条 合同总金额为人民币伍拾万元整。", "cjk"),
         ("Short", "serif"), ("x >= y; a[i] = {b, c}", "mono")]


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory):
    """A models directory holding the pinned files (links) and the derived ones made here."""
    return derived_models_dir(tmp_path_factory.mktemp("models"), [GREY, THREE, "ppocrv6_small_rec_gemm"])


def _grey(text: str, font: str) -> np.ndarray:
    c = render_line_crop(text, font, scan=True)
    c = cv2.resize(c, (round(c.shape[1] * 48 / c.shape[0]), 48), interpolation=cv2.INTER_AREA)
    return (c.astype(np.float32) / 127.5 - 1.0)[None, None]


def test_setup_derives_the_file_the_manifest_pins(models_dir):
    path = registry.resolve(GREY, models_dir)  # raises unless the sha256 matches the manifest's
    model = onnx.load(str(path))
    assert model.graph.input[0].type.tensor_type.shape.dim[1].dim_value == 1
    assert "Gemm" in [n.op_type for n in model.graph.node]
    assert registry.spec(GREY).input_shape[1] == 1 and registry.spec(THREE).input_shape[1] == 3


@pytest.mark.parametrize("text, font", LINES)
def test_one_channel_reads_as_the_same_grey_on_three(models_dir, text, font):
    x = _grey(text, font)
    three = OnnxSession(registry.resolve(THREE, models_dir)).run(np.ascontiguousarray(np.repeat(x, 3, axis=1)))
    one = OnnxSession(registry.resolve(GREY, models_dir)).run(np.ascontiguousarray(x))
    assert one.shape == three.shape
    # The same sums in another order: every step's best class the same, each probability within float rounding.
    assert np.array_equal(one.argmax(-1), three.argmax(-1))
    assert np.abs(one - three).max() < 1e-3


def test_the_engine_reads_with_the_grey_file_by_default(models_dir):
    engine = Engine(EngineConfig(threads=1, models_dir=models_dir, second_opinion=SecondOpinionSettings(below=0.9)))
    assert GREY in engine.model_info() and THREE not in engine.model_info()
    assert engine.recognizer.channels == 1 and engine.second_recognizer.channels == 3
    three = Engine(EngineConfig(threads=1, models_dir=models_dir, second_opinion=SecondOpinionSettings(below=0.9),
                                recognizer_model=THREE))
    assert three.recognizer.channels == 3
    crops = [render_line_crop(text, font, scan=True) for text, font in LINES]
    read_one, read_three = engine.recognizer(crops), three.recognizer(crops)
    assert [d.text for d in read_one] == [d.text for d in read_three]
    assert read_one[0].text.startswith("Invoice 2024-0417") and "合同总金额" in read_one[1].text


def test_a_graph_not_read_by_one_conv_is_refused():
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 48, 64])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 48, 64])
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "plain", [x], [y])
    with pytest.raises(grey_input.GreyInputNotFound):
        grey_input.rewrite(helper.make_model(graph))
