"""Benchmarks for docpipe: accuracy and speed against Tesseract 5 (see README.md)."""
