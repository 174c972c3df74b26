"""The Engine: one page in, one ``PageResult`` out.

Loads the models once; ``process_page`` runs the page through named stages
(text layer, or render → preprocess → detect → recognize → layout) and
returns a value. Nothing per call is written into the engine, so one
Engine can serve page after page (one thread at a time).
"""
from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import cv2
import numpy as np

from models import registry
from pipeline import preprocess
from pipeline.assemble import assemble_lines
from pipeline.backslashes import backslashes
from pipeline.angle_widths import page_angle_widths
from pipeline.bar_equals import bar_equals
from pipeline.bar_ones import bar_ones
from pipeline.bar_pipes import bar_pipes
from pipeline.typewriter_ls import typewriter_ls
from pipeline.blocks import ink_styles, page_blocks
from pipeline.c_or_e import c_or_e
from pipeline.detect import DetectorSettings
from pipeline.digit_marks import digit_marks
from pipeline.dotted_bangs import dotted_bangs
from pipeline.double_points import double_points
from pipeline.drawn_underscores import drawn_underscores
from pipeline.ingest import Document, open_document
from pipeline.latin_pages import latin_look_alikes
from pipeline.layout import LayoutSettings
from pipeline.lone_letters import lone_letters
from pipeline.lone_marks import add_lone_marks
from pipeline.ellipsis_commas import ellipsis_commas
from pipeline.faint_citations import faint_citations
from pipeline.latex_logo import DEEPER, ROOM, logos_cut_by_box, lowered_e_below_box
from pipeline.model_loading import RECOGNIZER, SECOND_RECOGNIZER, load_models
from pipeline.options import Limits, Options
from pipeline.page_glyphs import page_glyphs
from pipeline.page_punctuation import page_punctuation
from pipeline.page_slivers import drop_page_slivers
from pipeline.page_text import page_confidence, page_text
from pipeline.point_commas import point_commas
from pipeline.page_work import PageWork, StageClock, idle_timings
from pipeline.raised_digits import plain_digits
from pipeline.raised_tildes import raised_tildes
from pipeline.recognize import RecognizerSettings
from pipeline.render import render_page
from pipeline.mixed_pairs import mixed_pairs
from pipeline.same_brackets import same_brackets
from pipeline.second_opinion import SecondOpinionSettings, reread_unsure
from pipeline.sentence_points import sentence_points
from pipeline.straight_quotes import straight_quotes
from pipeline.result import NO_TEXT_LAYER, PageResult
from pipeline.tables.raster import find_image_tables
from pipeline.tables.reading import text_with_tables
from pipeline.traditional_glyphs import unnamed_traditional
from pipeline.traditional_script import traditional_script
from pipeline.textlayer import read_text_layer
from pipeline.upright import LineCrops, deeper_crops, detect_upright, recognize_upright


@dataclass(frozen=True)
class EngineConfig:
    models_dir: Path = registry.DEFAULT_MODELS_DIR
    threads: int = 1
    detector: DetectorSettings = field(default_factory=DetectorSettings)
    recognizer: RecognizerSettings = field(default_factory=RecognizerSettings)
    layout: LayoutSettings = field(default_factory=LayoutSettings)
    second_opinion: SecondOpinionSettings = field(default_factory=SecondOpinionSettings)
    # The first recognizer's file, by its manifest name (models/manifest.json). "ppocrv6_tiny_rec_int8"
    # (its last two stages' convs in INT8) costs less CPU per page for slightly worse text
    # (bench/PERF_RESULTS.md), so the float model stays the default.
    recognizer_model: str = RECOGNIZER
    # The second opinion's recognizer file, by its manifest name.
    second_recognizer_model: str = SECOND_RECOGNIZER
    # Page-level orientation (90/180/270) correction; cheap unless a page reads badly.
    fix_orientation: bool = True
    # CLAHE on low-contrast pages. Off: on faded scans it did not lower CER
    # (EN 0.07→0.21 %, 1.07→1.57 %; ZH unchanged), the recognizer copes.
    enhance_contrast: bool = False

    def __post_init__(self):
        if not isinstance(self.threads, int) or self.threads < 1:
            raise ValueError(f"threads must be a positive integer, got {self.threads!r}")


def default_threads() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


class Engine:
    def __init__(self, config: EngineConfig = EngineConfig()):
        self.config = config
        # Threads for OpenCV follow the engine's budget so a worker never
        # uses more cores than it was given.
        cv2.setNumThreads(config.threads)
        models = load_models(Path(config.models_dir), config.threads, config.detector, config.recognizer,
                             second=config.second_opinion.below > 0, recognizer_model=config.recognizer_model,
                             second_model=config.second_recognizer_model)
        self.detector = models.detector
        self.recognizer = models.recognizer
        self.second_recognizer = models.second
        self._models = models.hashes

    def model_info(self) -> dict[str, str]:
        return dict(self._models)

    # -- public entry points ------------------------------------------
    def process(self, data: bytes, options: Options = Options(), limits: Limits = Limits()) -> Iterator[PageResult]:
        with open_document(data, limits) as doc:
            for page_no in doc.select(options.pages):
                yield self.process_page(doc, page_no, options)

    def process_page(self, doc: Document, page_no: int, options: Options = Options()) -> PageResult:
        t0 = time.perf_counter()
        from_text_layer = read_text_layer(doc, page_no, options)
        if from_text_layer is not None:
            return from_text_layer
        if options.mode == "text":
            # An image has no text layer: extracting gives an empty page, not an error.
            return _empty_image_page(doc, page_no, options, t0)
        return self._ocr_page(doc, page_no, options, t0)

    # -- OCR: the stages in order ------------------------------------------
    def _ocr_page(self, doc: Document, page_no: int, options: Options, t0: float) -> PageResult:
        cfg = self.config
        clock = StageClock()
        rendered = render_page(doc, page_no, options.dpi)
        clock.lap("render")
        work, clahe = _prepare(rendered.image, cfg.enhance_contrast)
        clock.lap("preprocess")
        pad = (cfg.recognizer.pad_x, cfg.recognizer.pad_y)
        detect_upright(work, self.detector, self.recognizer, cfg.fix_orientation, pad, clock)
        decoded = recognize_upright(work, self.detector, self.recognizer, cfg.fix_orientation, pad, clock)
        crops = LineCrops(work)  # the lines' images as they were read, and their ink: each cut and measured once
        if self.second_recognizer is not None:
            decoded = reread_unsure(decoded, crops, self.second_recognizer, cfg.second_opinion)
        # After the second opinion: marks are read by the better recognizer at once, and only once.
        decoded = add_lone_marks(work, decoded, self.second_recognizer or self.recognizer, rendered.dpi, pad)
        # Text lighter than its line between brackets read empty (a coloured citation), read again stretched.
        decoded = faint_citations(decoded, crops, self.second_recognizer or self.recognizer)
        # A letter boxed alone (a key) takes the case its height among the keys of its column shows.
        decoded = lone_letters(decoded, work)
        # Page-level checks of what the lines read (most from the lines' own ink), in this order. point_commas
        # comes after sentence_points: the commas it writes keep a point as their second, which sentence_points judges.
        # bar_pipes after the l/I/1 checks: a bar read as any of them is told by its ink whatever they made it;
        # backslashes after bar_pipes: a backslash leaning back is told from the bar it may have been made.
        # drawn_underscores after bar_equals: a hyphen it writes for a blurred bar is judged by its ink too; and after
        # double_points: a point read twice is judged once.
        # traditional_script first: a page's script is judged on its Chinese as read, before marks are changed.
        # mixed_pairs after the width checks: it settles the pairs they left half ASCII, half full-width.
        # same_brackets last: it counts the angle brackets the lines' ink showed.
        for check in (traditional_script, latin_look_alikes, page_punctuation, page_angle_widths, straight_quotes, page_glyphs,
                      bar_ones, typewriter_ls, bar_pipes, backslashes, bar_equals, double_points, drawn_underscores,
                      raised_tildes, digit_marks, c_or_e, sentence_points, point_commas, ellipsis_commas, plain_digits,
                      mixed_pairs, same_brackets):
            decoded = check(decoded, crops)
        if self.second_recognizer is not None:  # what the traditional step wrote for a glyph the page's recognizer cannot name
            decoded = unnamed_traditional(decoded, crops, self.second_recognizer, self.recognizer.decoder.index)
        if not work.vertical:  # a TeX logo's E hanging out of its line's box: read again with room, else from the ink
            decoded = logos_cut_by_box(decoded, partial(deeper_crops, work, below=ROOM, above=ROOM), self.recognizer,
                                       *[r for r in (self.second_recognizer,) if r is not None])
            decoded = lowered_e_below_box(decoded, partial(deeper_crops, work, below=DEEPER))
            # An exclamation mark whose point the box cut off: the point is looked for below the box.
            decoded = dotted_bangs(decoded, partial(deeper_crops, work, below=DEEPER))
        clock.lap("recognize")
        lines = assemble_lines(work, decoded, cfg.layout)
        if not work.vertical and not work.rotation:  # a sliver's side is told on the upright page
            lines = drop_page_slivers(lines)
        clock.lap("layout")
        t_tables = time.perf_counter()
        tables = find_image_tables(rendered.image, lines, rendered.dpi, self.recognizer,
                                   self.second_recognizer) if options.tables else []
        extra = {"tables": round(time.perf_counter() - t_tables, 4)} if options.tables else {}

        h, w = rendered.image.shape
        result = PageResult(
            page_no=page_no,
            width=int(w),
            height=int(h),
            dpi=rendered.dpi,
            source="ocr",
            text=text_with_tables(lines, tables, lambda run: page_text(run, work.rotation)),
            confidence=page_confidence(lines),
            lines=lines,
            timings={**clock.result(time.perf_counter() - t0), **extra},
            preprocessing={"rotation": work.rotation, "deskew_angle": float(work.skew), "deskewed": work.deskewed,
                           "clahe": clahe, "dpi": rendered.dpi},
            models=self.model_info(),
            tables=tables,
        )
        result.blocks = page_blocks(result, ink_styles(rendered.image, lines))
        return result


def _prepare(image: np.ndarray, enhance_contrast: bool) -> tuple[PageWork, bool]:
    """The preprocess stage: the working image (contrast fixed if configured), and whether CLAHE ran."""
    gray, clahe = preprocess.enhance_contrast(image) if enhance_contrast else (image, False)
    return PageWork(gray=gray, quads=[], to_page=np.eye(3)), clahe


def _empty_image_page(doc: Document, page_no: int, options: Options, t0: float) -> PageResult:
    rendered = render_page(doc, page_no, options.dpi)
    h, w = rendered.image.shape
    elapsed = time.perf_counter() - t0
    return PageResult(
        page_no=page_no, width=int(w), height=int(h), dpi=rendered.dpi, source="text_layer",
        text="", confidence=0.0, lines=[],
        timings=idle_timings(elapsed),
        preprocessing={"rotation": 0, "deskew_angle": 0.0, "clahe": False},
        models={},
        warnings=[NO_TEXT_LAYER],
    )
