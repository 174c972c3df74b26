"""Markdown: each page's typed blocks as headings, paragraphs, lists and tables, for search and RAG.

One file for all documents. Each document opens with an HTML comment
naming it, each page with one giving its number, so chunkers can cite
where text came from while renderers show nothing. Headings become ``#``
(the block's level, 1–6), bullet items ``- `` (numbered items keep their
number: ``1.`` is Markdown's own ordered list), tables GitHub-style pipe
tables built from the page's cells (a spanning cell's text at its top-left
position), captions in italics. Running headers, footers and page numbers
repeat on every page and would split sentences in a chunker's window: they
are kept as comments, not text.
"""
from __future__ import annotations

import re

from pipeline.blocks import blocks_of
from pipeline.export.document import ExportDocument
from pipeline.result import Block, PageResult
from pipeline.tables.model import Table

_BULLET = re.compile(r"^[•◦▪▫●○■□‣⁃∙·►▶➢✓✔*\-–—]\s*")
_NUMBERED = re.compile(r"^(\d{1,2})[.)、．]\s*")
# Text that Markdown would read as structure at the start of a paragraph.
_LEADING_SYNTAX = re.compile(r"^(#|>|[-+*]\s|\d+[.)]\s|={3,}|-{3,}|\|)")
_COMMENTED = ("header", "footer", "page_number")


def markdown_documents(documents: list[ExportDocument]) -> bytes:
    return "".join(pages_markdown(doc.pages, f"{doc.filename} sha256:{doc.sha256}")
                   for doc in documents).encode("utf-8")


def pages_markdown(pages: list[PageResult], name: str) -> str:
    """One document's pages as Markdown, opened by a comment with ``name``."""
    parts = [_comment(f"document: {name}")]
    for page in pages:
        parts.append(_comment(f"page {page.page_no}"))
        parts.extend(page_markdown(page))
    return "\n\n".join(parts) + "\n\n"


def page_markdown(page: PageResult) -> list[str]:
    """The page's blocks as Markdown chunks, in reading order."""
    out: list[str] = []
    prev = ""
    for block in blocks_of(page):
        chunk = _block_markdown(page, block)
        if not chunk:
            continue
        if block.type == "list_item" and prev == "list_item":
            out[-1] += "\n" + chunk  # one tight list, not a paragraph per item
        else:
            out.append(chunk)
        prev = block.type
    return out


def _block_markdown(page: PageResult, block: Block) -> str:
    text = join_lines(page.lines[i].text for i in block.lines)
    if block.type in _COMMENTED:
        return _comment(f"{block.type}: {text}") if text else ""
    if block.type == "table":
        table = _table_at(page.tables, block)
        return markdown_table(table) if table is not None else _paragraph(text)
    if not text:
        return _comment(block.type)
    if block.type == "heading":
        return "#" * max(1, min(6, block.level or 2)) + " " + text
    if block.type == "list_item":
        numbered = _NUMBERED.match(text)
        if numbered:
            return f"{numbered.group(1)}. {text[numbered.end():]}"
        return "- " + _BULLET.sub("", text, count=1)
    if block.type == "caption":
        return f"*{_escape_inline(text)}*"
    if block.type == "figure":
        return _comment("figure") + "\n\n" + _paragraph(text)
    return _paragraph(text)


def join_lines(texts) -> str:
    """Lines of one block as one run of text: a space between them, none between CJK characters."""
    out = ""
    for text in (t.strip() for t in texts):
        if not text:
            continue
        if out and not (_cjk(out[-1]) and _cjk(text[0])):
            out += " "
        out += text
    return out


def _cjk(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" or "\u3000" <= ch <= "\u303f"


def _paragraph(text: str) -> str:
    return "\\" + text if _LEADING_SYNTAX.match(text) else text


def _escape_inline(text: str) -> str:
    return text.replace("*", "\\*")


def _comment(text: str) -> str:
    # "--" cannot stand inside an HTML comment.
    return "<!-- " + text.replace("--", "- -") + " -->"


def _table_at(tables: list[Table], block: Block) -> Table | None:
    """The page's table that the block stands for (the one whose box is the block's)."""
    for table in tables:
        if all(abs(a - b) < 1.0 for a, b in zip(table.box, block.box)):
            return table
    return None


def markdown_table(table: Table) -> str:
    """A pipe table: the header rows folded into Markdown's one header row (the first row if none)."""
    rows = [[_cell(text) for text in row] for row in table.texts()]
    if not rows or not table.cols:
        return ""
    head_n = max(1, min(table.header_rows, len(rows)))
    header = [join_lines(rows[r][c] for r in range(head_n)) for c in range(table.cols)]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * table.cols) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows[head_n:]]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
