"""Find the files of a source tree and read each one once: type sniffing and a streamed sha256."""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from client.sniff import HEAD_BYTES, sniff_kind

CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class SourceFile:
    rel_path: str  # POSIX-style, relative to the source root: the manifest's and the state's key
    abs_path: Path
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class FileDigest:
    sha256: str
    kind: str | None  # None when the content is not a document type we submit


def walk_tree(root: Path, *, exclude: tuple[Path, ...] = ()) -> Iterator[SourceFile]:
    """Regular files under ``root`` in a stable order; directories in ``exclude`` are not entered.

    Directory symlinks are not followed, so a link loop cannot make the walk endless.
    """
    root = Path(root)
    excluded = {Path(os.path.realpath(p)) for p in exclude}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames if Path(os.path.realpath(here / d)) not in excluded
        )
        for name in sorted(filenames):
            path = here / name
            try:
                st = path.stat()
            except OSError:
                continue  # a dangling symlink, or the file vanished while walking
            if not os.path.isfile(path):
                continue
            yield SourceFile(
                rel_path=path.relative_to(root).as_posix(),
                abs_path=path,
                size=st.st_size,
                mtime_ns=st.st_mtime_ns,
            )


def digest_file(path: Path) -> FileDigest:
    """sha256 and kind in one streamed pass, so a large TIFF is never held in memory."""
    hasher = hashlib.sha256()
    head = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            if len(head) < HEAD_BYTES:
                head += chunk[: HEAD_BYTES - len(head)]
            hasher.update(chunk)
    return FileDigest(sha256=hasher.hexdigest(), kind=sniff_kind(head))
