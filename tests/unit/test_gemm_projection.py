"""The recognizers with their class projection as one Gemm (models/gemm_projection.py): derived at set-up
from the pinned files, checked by sha256 like an extracted file, the engine's defaults, and giving the
pinned files' probabilities on rendered lines."""
import cv2
import numpy as np
import onnx
import pytest

from models import gemm_projection, registry
from pipeline.engine import Engine, EngineConfig
from pipeline.onnx_session import OnnxSession
from pipeline.second_opinion import SecondOpinionSettings
from tests.derived_models import derived_models_dir
from tests.line_crops import render_line_crop

PAIRS = {"ppocrv6_tiny_rec_gemm": "ppocrv6_tiny_rec", "ppocrv6_small_rec_gemm": "ppocrv6_small_rec"}


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory):
    """A models directory holding the pinned files (links) and the Gemm files derived here."""
    return derived_models_dir(tmp_path_factory.mktemp("models"), list(PAIRS))


def _batch(lines: list[tuple[str, str]]) -> np.ndarray:
    """Rendered lines at the recognizers' 48-px height, normalized and padded as the recognizer does."""
    crops = [render_line_crop(text, font, scan=True) for text, font in lines]
    crops = [cv2.resize(c, (round(c.shape[1] * 48 / c.shape[0]), 48), interpolation=cv2.INTER_AREA) for c in crops]
    x = np.zeros((len(crops), 3, 48, max(c.shape[1] for c in crops)), np.float32)
    for k, c in enumerate(crops):
        x[k, :, :, : c.shape[1]] = c.astype(np.float32) / 127.5 - 1.0
    return x


def test_setup_derives_the_files_the_manifest_pins(models_dir):
    for derived, pinned in PAIRS.items():
        path = registry.resolve(derived, models_dir)  # raises unless the sha256 matches the manifest's
        assert registry.spec(derived).derived_from == pinned
        assert registry.spec(derived).sha256 != registry.spec(pinned).sha256
        ops = [n.op_type for n in onnx.load(str(path)).graph.node]
        assert "Gemm" in ops and ops[-3:] != ["MatMul", "Add", "Softmax"]


@pytest.mark.parametrize("derived", sorted(PAIRS))
def test_the_gemm_file_gives_the_pinned_files_probabilities(models_dir, derived):
    x = _batch([("Invoice 2024-0417, total due: $5,986.80.", "sans"), ("第三条 合同总金额为人民币伍拾万元整。", "cjk"),
                ("Short", "serif")])
    pinned = OnnxSession(registry.resolve(PAIRS[derived], models_dir)).run(x)
    gemm = OnnxSession(registry.resolve(derived, models_dir)).run(x)
    assert gemm.shape == pinned.shape and gemm.shape[0] == 3
    assert np.array_equal(gemm, pinned)


def test_the_engine_loads_the_gemm_files_when_named(models_dir):
    # The page recognizer's default is the Gemm file with a one-channel input (tests/unit/test_grey_input.py).
    engine = Engine(EngineConfig(threads=1, models_dir=models_dir, second_opinion=SecondOpinionSettings(below=0.9),
                                 recognizer_model="ppocrv6_tiny_rec_gemm"))
    assert set(PAIRS) <= set(engine.model_info())
    pinned = Engine(EngineConfig(threads=1, models_dir=models_dir, second_opinion=SecondOpinionSettings(below=0.9),
                                 recognizer_model="ppocrv6_tiny_rec", second_recognizer_model="ppocrv6_small_rec"))
    assert set(PAIRS.values()) <= set(pinned.model_info()) and not set(PAIRS) & set(pinned.model_info())


def test_a_graph_without_the_projection_is_refused():
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])
    graph = helper.make_graph([helper.make_node("Softmax", ["x"], ["y"])], "plain", [x], [y])
    with pytest.raises(gemm_projection.ProjectionNotFound):
        gemm_projection.rewrite(helper.make_model(graph))
