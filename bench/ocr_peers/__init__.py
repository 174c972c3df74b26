"""OCR engines other than Tesseract read the real corpus beside docpipe, each in its own virtualenv under
``var/ocr-peers/<name>`` (their pins would clash with docpipe's: RapidOCR asks for opencv-python, docpipe
ships opencv-python-headless). ``python -m bench.ocr_peers.venv rapidocr`` makes one from the pinned
``<name>.txt`` beside this file; the engine's own model files come inside its wheel, nothing is downloaded at run time.
"""
