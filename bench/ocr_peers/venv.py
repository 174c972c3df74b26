"""Make a peer's virtualenv: ``python -m bench.ocr_peers.venv rapidocr`` → ``var/ocr-peers/rapidocr``.

The pins are installed with ``--no-deps`` (each file lists the whole set), so a peer's own metadata cannot pull
in anything unpinned. Kept when it exists and its pins file is unchanged (a stamp holds the file's text).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def python_of(name: str) -> Path:
    return ROOT / "var" / "ocr-peers" / name / "bin" / "python"


def ensure(name: str) -> Path:
    pins = (HERE / f"{name}.txt").read_text(encoding="utf-8")
    target = ROOT / "var" / "ocr-peers" / name
    stamp = target / "pins.txt"
    if python_of(name).exists() and stamp.exists() and stamp.read_text(encoding="utf-8") == pins:
        return python_of(name)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(target)], check=True)
    subprocess.run([str(python_of(name)), "-m", "pip", "install", "-q", "--no-deps", "-r", str(HERE / f"{name}.txt")],
                   check=True)
    stamp.write_text(pins, encoding="utf-8")
    return python_of(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("name", choices=sorted(p.stem for p in HERE.glob("*.txt")))
    print(ensure(parser.parse_args(argv).name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
