"""One-shot CLI: ``python -m pipeline FILE... [--json | --markdown] [--tables] [--extract invoice] [--mode M] ...``.

Prints each page's text (pages separated by a form feed), or with
``--json`` one document ``{"pages": [...]}`` where every page also names
its ``file``, or with ``--markdown`` each file as Markdown (headings, lists, tables).
``--extract invoice`` adds each file's invoice fields: with
``--json`` as ``"documents": [{"file", "fields", "checks", "needs_review"}]``,
otherwise as ``field: value`` lines after the file's text. Errors go to stderr as ``error: <code>: <message>``; the
exit status is 2 for bad arguments, 1 when any file failed.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline import Engine, EngineConfig, Limits, Options, PipelineError, SecondOpinionSettings, default_threads
from pipeline.export.markdown import pages_markdown
from pipeline.invoice import extract_invoice
from pipeline.options import MODES


def _parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m pipeline", description="Read the text of PDFs and images.")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--json", action="store_true", help="print one JSON document with every page's result")
    p.add_argument("--markdown", action="store_true",
                   help="print each file as Markdown: headings, lists and tables (with --tables) from its blocks")
    p.add_argument("--mode", choices=MODES, default="auto",
                   help="auto: use a PDF page's own text when it has one; ocr: always OCR; text: only extract")
    p.add_argument("--dpi", type=int, default=200, help="rendering resolution for PDF pages (default 200)")
    p.add_argument("--pages", default=None, help="pages to read, e.g. 1-3,5 (default: all)")
    p.add_argument("--tables", action="store_true", help="find tables on every page (in the JSON as each page's tables)")
    p.add_argument("--extract", choices=("invoice",), default=None,
                   help="also read each file's invoice fields, line items and checks")
    p.add_argument("--threads", type=int, default=None, help="ONNX Runtime threads (default: all cores)")
    p.add_argument("--models-dir", type=Path, default=None, help="model files (default: DOCPIPE_MODELS_DIR or models/files)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    try:
        options = Options(mode=args.mode, dpi=args.dpi, pages=args.pages, tables=args.tables)
    except ValueError as exc:
        print(f"error: invalid_option: {exc}", file=sys.stderr)
        return 2
    from settings import Settings  # composition root: the one place that reads the environment

    settings = Settings.from_env()
    limits = Limits(max_pages=settings.max_pages, max_pixels=settings.max_pixels)
    threads = args.threads or default_threads()
    try:
        engine = Engine(EngineConfig(models_dir=args.models_dir or settings.models_dir, threads=threads,
                                     second_opinion=SecondOpinionSettings.at(settings.second_opinion_below),
                                     recognizer_model=settings.recognizer_model))
    except (PipelineError, ValueError) as exc:
        code = getattr(exc, "code", "invalid_option")
        print(f"error: {code}: {exc}", file=sys.stderr)
        return 1
    pages_out: list[dict] = []
    documents: list[dict] = []
    failed = False
    first = True
    for path in args.files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            print(f"error: file_unreadable: {path}: {exc.strerror or exc}", file=sys.stderr)
            failed = True
            continue
        try:
            results = []
            for result in engine.process(data, options, limits):
                results.append(result)
                if args.json:
                    pages_out.append({"file": str(path), **result.to_dict()})
                elif args.markdown:
                    continue
                else:
                    if not first:
                        sys.stdout.write("\f\n")
                    sys.stdout.write(result.text + "\n")
                    sys.stdout.flush()
                    first = False
            if args.markdown and not args.json:
                sys.stdout.write(pages_markdown(results, str(path)))
                sys.stdout.flush()
            if args.extract == "invoice":
                fields = extract_invoice(results, pdf=data).to_dict()
                documents.append({"file": str(path), **fields})
                if not args.json:
                    sys.stdout.write(_field_lines(fields))
        except PipelineError as exc:
            print(f"error: {exc.code}: {path}: {exc.message}", file=sys.stderr)
            failed = True
    if args.json:
        out: dict = {"pages": pages_out}
        if args.extract:
            out["documents"] = documents
        json.dump(out, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    return 1 if failed else 0


def _field_lines(fields: dict) -> str:
    lines = [f"{name}: {f['value']}" for name, f in fields["fields"].items() if name != "line_items" and f]
    lines += [f"line_item: {' | '.join(str(v['value']) if v else '' for v in item.values())}"
              for item in fields["fields"]["line_items"]]
    lines += [f"check {c['name']}: {c['status']}" for c in fields["checks"] if c["status"] != "not_applicable"]
    lines.append(f"needs_review: {str(fields['needs_review']).lower()}")
    return "\n".join(["", *lines, ""])


if __name__ == "__main__":
    sys.exit(main())
