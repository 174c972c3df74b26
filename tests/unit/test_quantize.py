"""models.quantize: the recognizer's INT8 form from the float model and a calibration file,
the same bytes each time, and only the named convolutions in INT8."""
import numpy as np
import onnx
import pytest

from models import quantize
from models import registry
from models.registry import sha256_of

NODES = ["Conv.27", "Conv.28"]  # two pointwise convs of the last stage


@pytest.fixture(scope="module")
def calibration(tmp_path_factory):
    # Ranges for every tensor the two convs read or write: wide enough for any
    # activation, so the file is made here, not measured.
    from onnxruntime.quantization.calibrate import CalibrationMethod, TensorData, TensorsData, save_tensors_data

    tmp = tmp_path_factory.mktemp("cal")
    prepared = onnx.load(str(quantize.prepare(registry.resolve("ppocrv6_tiny_rec"), tmp / "p.onnx")))
    names = {t for n in prepared.graph.node if n.name in NODES for t in (n.input[0], n.output[0])}
    data = {t: TensorData(lowest=np.array(-16.0, np.float32), highest=np.array(16.0, np.float32)) for t in names}
    path = tmp / "cal.json"
    save_tensors_data(TensorsData(CalibrationMethod.MinMax, data), path)
    return path


def test_quantize_gives_the_same_bytes_twice(tmp_path, calibration):
    src = registry.resolve("ppocrv6_tiny_rec")
    a = quantize.quantize(src, tmp_path / "a.onnx", calibration, NODES)
    b = quantize.quantize(src, tmp_path / "b.onnx", calibration, NODES)
    assert sha256_of(a) == sha256_of(b) != registry.spec("ppocrv6_tiny_rec").sha256


def test_only_the_named_convs_read_int8_weights(tmp_path, calibration):
    model = onnx.load(str(quantize.quantize(registry.resolve("ppocrv6_tiny_rec"), tmp_path / "q.onnx",
                                            calibration, NODES)))
    made_by = {o: n for n in model.graph.node for o in n.output}
    quantized = sorted(n.name for n in model.graph.node if n.op_type == "Conv"
                       and n.input[1] in made_by and made_by[n.input[1]].op_type == "DequantizeLinear")
    assert quantized == sorted(NODES)
