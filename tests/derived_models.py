"""A models directory for tests of derived model files: the pinned files linked, the derived ones asked for
made there by set-up's own steps (so a test checks what ``make models`` writes, sha256 included)."""
import os
from pathlib import Path

from models import registry, setup


def derived_models_dir(out: Path, names: list[str]) -> Path:
    """``out`` with every pinned file linked and ``names`` derived into it."""
    for name in registry.model_names():
        if not registry.spec(name).derived_from:
            os.symlink(registry.resolve(name), out / registry.spec(name).file)
    setup.derive(names, out)
    return out
