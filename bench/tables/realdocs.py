"""Published tables: pinned Debian documents, truth from the HTML rendering of the same source
(or, for documents with no HTML, from their own text layer: textlayer_truth.py; for documents
shipped as HTML alone, the PDF is that HTML printed by Chromium: ``_printed_pdf``).

``fetch`` brings each package listed in documents.json (``apt-get
download PKG=VER`` into a cache, ``dpkg-deb -x``) and checks every file's
sha256; ``cases`` yields, for every HTML table found whole on one PDF
page, that page and the table as a ``Grid``. A table counts as on a page
when all its cell texts occur in the page's text layer (whitespace
ignored), its rows' first cells in order, and on no other page: tables
split over pages, or whose cells also appear elsewhere, are left out
rather than guessed.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pymupdf

from bench.tables import textlayer_truth
from bench.tables.metrics import Grid, grid_from_cells, norm

MANIFEST = Path(__file__).with_name("documents.json")


class FetchError(RuntimeError):
    pass


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(doc: dict, cache: Path) -> Path:
    """The package's files unpacked under the cache, with those of the packages in ``also`` (an HTML
    manual's style sheets and scripts shipped apart); raises FetchError when a pinned version is gone."""
    cache.mkdir(parents=True, exist_ok=True)
    root = cache / f"{doc['package']}_{doc['version']}"
    if not root.exists():
        unpacked = root.with_name(root.name + ".part")
        for pkg in [doc, *doc.get("also", [])]:
            subprocess.run(["dpkg-deb", "-x", str(_deb(pkg, cache)), str(unpacked)], check=True)
        unpacked.rename(root)
    return root


def _deb(pkg: dict, cache: Path) -> Path:
    # apt-get writes an epoch's colon as %3a in the file's name
    pattern = f"{pkg['package']}_{pkg['version'].replace(':', '%3a')}_*.deb"
    debs = list(cache.glob(pattern))
    if not debs:
        proc = subprocess.run(["apt-get", "download", f"{pkg['package']}={pkg['version']}"], cwd=cache,
                              capture_output=True, text=True)
        debs = list(cache.glob(pattern))
        if proc.returncode or not debs:
            raise FetchError(f"apt-get download {pkg['package']}={pkg['version']} failed (run apt-get update "
                             f"once first): {proc.stderr.strip()[-300:]}")
    if _sha256(debs[0]) != pkg["deb_sha256"]:
        raise FetchError(f"{debs[0].name}: sha256 differs from the manifest")
    return debs[0]


def _printed_pdf(root: Path, doc: dict, cache: Path) -> bytes:
    """The document's HTML pages printed to A4 by Debian's Chromium, one after the other, as a reader
    prints a manual that ships no PDF (Debian's installation guide and handbook in Chinese). The print
    is kept in the cache; its text, not its bytes, is pinned (Chromium stamps a date into each file),
    so a different Chromium or font that moves the text off its pages is caught."""
    path = cache / f"{doc['id']}.printed.pdf"
    if not path.exists():
        # Playwright is a test and bench dependency only; the service never prints HTML
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw, pymupdf.open() as joined:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page()
            for name in doc["html_files"]:
                page.goto((root / name).resolve().as_uri())
                printed = page.pdf(format="A4", margin={"top": "20mm", "bottom": "20mm", "left": "18mm",
                                                        "right": "18mm"})
                with pymupdf.open(stream=printed, filetype="pdf") as one:
                    joined.insert_pdf(one)
            browser.close()
            joined.save(path)
    data = path.read_bytes()
    with pymupdf.open(stream=data, filetype="pdf") as pdoc:
        text = "\f".join(p.get_text() for p in pdoc)
    got = hashlib.sha256(text.encode()).hexdigest()
    if got != doc["printed_text_sha256"]:
        path.unlink()
        raise FetchError(f"{doc['id']}: the printed PDF's text (sha256 {got}) differs from the manifest's "
                         "(another Chromium or CJK font than Debian bookworm's chromium and fonts-noto-cjk?)")
    return data


def _pdf_bytes(root: Path, doc: dict) -> bytes:
    data = (root / doc["pdf"]).read_bytes()
    if doc["pdf"].endswith(".gz"):
        data = gzip.decompress(data)
    if hashlib.sha256(data).hexdigest() != doc["pdf_sha256"]:
        raise FetchError(f"{doc['pdf']}: sha256 differs from the manifest")
    return data


class _Tables(HTMLParser):
    """Every <table> (not nested) as rows of (text, rowspan, colspan)."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[list]]] = []
        self.depth = 0
        self.cell: list | None = None
        self.classes: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.depth += 1
            if self.depth == 1:
                self.tables.append([])
                # texinfo's index and menu tables carry a class; its @multitable ones (the tables) none
                self.classes.append(dict(attrs).get("class"))
        elif self.depth == 1 and tag == "tr":
            self.tables[-1].append([])
        elif self.depth == 1 and tag in ("td", "th"):
            a = dict(attrs)
            self.cell = ["", int(a.get("rowspan") or 1), int(a.get("colspan") or 1)]
            self.tables[-1][-1].append(self.cell)
        elif tag == "br" and self.cell is not None:
            self.cell[0] += " "

    def handle_endtag(self, tag):
        if tag == "table":
            self.depth -= 1
        elif tag in ("td", "th"):
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[0] += data


def html_tables(html: str, skip_classed: bool = False, only_class: str | None = None,
                classed_only: bool = False) -> list[Grid]:
    """The HTML's tables as Grids (cells placed as browsers place them, past spans from above).

    Rows and columns with no text at all are left out: texinfo pads tables with empty spacer
    columns, which no reader of the PDF can see. ``only_class`` keeps the tables of that class alone
    (DocBook's tables are ``class="table"``; its notes, tips and navigation bars are tables too);
    ``classed_only`` keeps every table with a class (newer DocBook styles name a table's size in its
    class; the notes and navigation bars have none).
    """
    parser = _Tables()
    parser.feed(html)
    out = []
    for rows, cls in zip(parser.tables, parser.classes):
        if skip_classed and cls or only_class is not None and cls != only_class or classed_only and not cls:
            continue
        taken: set[tuple[int, int]] = set()
        cells = []
        for r, row in enumerate(rows):
            c = 0
            for text, rs, cs in row:
                while (r, c) in taken:
                    c += 1
                cells.append({"row": r, "col": c, "row_span": rs, "col_span": cs, "text": text})
                taken |= {(r + i, c + j) for i in range(rs) for j in range(cs)}
                c += cs
        if not cells:
            continue
        nrows = max(cell["row"] + cell["row_span"] for cell in cells)
        ncols = max(cell["col"] + cell["col_span"] for cell in cells)
        keep_r = sorted({c["row"] for c in cells if c["text"].strip()})
        keep_c = sorted({c["col"] for c in cells if c["text"].strip()})
        cells = [dict(c, row=keep_r.index(c["row"]), col=keep_c.index(c["col"]))
                 for c in cells if c["row"] in keep_r and c["col"] in keep_c]
        if cells:
            out.append(grid_from_cells(len(keep_r), len(keep_c), cells))
    return out


def cases(cache: Path, held_out: bool = True):
    """(document, PDF bytes, 0-based page number, truth Grid) for every table found whole on one page.

    ``held_out=False`` leaves the held-out documents alone: not fetched, not read."""
    manifest = json.loads(MANIFEST.read_text())
    for doc in manifest["documents"]:
        if doc.get("held_out") and not held_out:
            continue
        root = fetch(doc, cache)
        pdf = _printed_pdf(root, doc, cache) if "html_files" in doc else _pdf_bytes(root, doc)
        if doc.get("truth") == "text layer":
            for page_no, grid in textlayer_truth.grids(doc["id"]):
                yield doc, pdf, page_no, grid
            continue
        # one HTML file, or a glob of them (a texinfo manual is one file per node), read in name order
        files = [root / name for name in doc["html_files"]] if "html_files" in doc else sorted(root.glob(doc["html"]))
        html = b"".join(p.read_bytes() for p in files)
        if hashlib.sha256(html).hexdigest() != doc["html_sha256"]:
            raise FetchError(f"{doc['html']}: sha256 differs from the manifest")
        with pymupdf.open(stream=pdf, filetype="pdf") as pdoc:
            spaced = [norm(p.get_text()) for p in pdoc]
        pages = ["".join(text.split()) for text in spaced]
        for grid in html_tables(html.decode("utf-8", "replace"), doc.get("skip_classed_tables", False),
                                doc.get("table_class"), doc.get("classed_tables_only", False)):
            texts = ["".join(c[0].split()) for row in grid for c in row if c and c[0]]
            if len(texts) < 4:
                continue
            hits = [k for k, text in enumerate(pages) if all(t in text for t in texts) and _rows_in_order(grid, text)]
            if len(hits) == 1:
                if doc.get("cjk_spaces") == "text layer":
                    grid = [[(_cjk_spaced(c[0], spaced[hits[0]]), *c[1:]) if c else c for c in row] for row in grid]
                yield doc, pdf, hits[0], grid


def _rows_in_order(grid, text: str) -> bool:
    """Each row's first cell found after the row above's in the page's text. A table broken over two pages
    whose page also starts a table of the same cells (LibreOffice's help sets such pairs one after the
    other) holds every cell text without holding the table."""
    at = 0
    for row in grid:
        first = next(("".join(c[0].split()) for c in row if c and c[0].strip()), "")
        at = text.find(first, at)
        if at < 0:
            return False
        at += len(first)
    return True


def _is_cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"


def _cjk_spaced(text: str, page: str) -> str:
    """The cell's spaces beside Chinese as the PDF sets them: DocBook's HTML indents inline markup
    (``<strong>/usr/include/</strong>`` then ``<em>软件包名</em>`` on the next line), which a browser shows
    as a space, where the PDF set the two flush. Each space between a Chinese character and another is
    kept or dropped as the page's text has it, when the page holds the cell once that way."""
    parts = re.split(r"(?<=[\u3000-\u9fff\uff00-\uffef]) | (?=[\u3000-\u9fff\uff00-\uffef])", text)
    if len(parts) < 2:
        return text
    found = list(re.finditer("( ?)".join(re.escape(p) for p in parts), page))
    if len({m.group(0) for m in found}) != 1:
        return text
    m = found[0]
    return "".join(p + (m.group(k + 1) if k < len(parts) - 1 else "") for k, p in enumerate(parts))
