"""RapidOCR as a peer, under its own interpreter (``var/ocr-peers/rapidocr``; protocol in ``serve.py``): its
default pipeline (detection, angle classifier, recognition), on one thread like docpipe's worker."""
from rapidocr_onnxruntime import RapidOCR

from serve import serve  # beside this file, on sys.path when run as a script

THREADS = {f"{part}_{kind}_op_num_threads": 1 for part in ("det", "cls", "rec") for kind in ("intra", "inter")}


def main() -> None:
    engine = RapidOCR(**THREADS)

    def read(path):
        result, _ = engine(path)
        return [(box, text) for box, text, _score in result or []]

    serve(read)


if __name__ == "__main__":
    main()
