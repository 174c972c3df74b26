"""A decoded line mended from the ink the recognizer read: what its classes cannot say.

The model reads shapes into its character set; some printed marks are not in it (⟨ ⟩, ␣, ▷), some it
cannot tell apart (‘ from ', a small cap from a capital, ( from 〈 or {, - from – between digits), and
some it loses to the blank or the word space (an opening quote, a logo's raised A, a ligature's i). Each step below measures the line's crop
(the grey 48-px image the model read; its ink made binary and labelled once, in pipeline/line_ink.py)
where the text calls for it, in this order: dot leaders and marks first (an l read as a bar told by its foot on the baseline before a lone
brace's partner is looked for among the glyphs left), then the widths of punctuation (a
mark found to be ASCII may then take a space after it) and dashes, tildes read as other accents, letter case
and ligatures' letters, the spaces (less those a monospace line's cells rule out), the small caps, which are told within a word,
and last the ellipses (counted by their dots; the model has no ⋯ and reads its dots on the axis as …).
"""
from __future__ import annotations

import numpy as np

from pipeline.angle_brackets import angle_brackets
from pipeline.bar_letters import bar_letters
from pipeline.brace_shapes import braces_from_shapes
from pipeline.comma_spaces import list_comma_spaces
from pipeline.ctc import DecodedLine
from pipeline.digit_dashes import digit_dashes
from pipeline.ellipsis_dots import ellipsis_dots
from pipeline.latex_logo import lost_t, lowered_e, restore_latex_heads
from pipeline.leaders import mend_leaders
from pipeline.letter_case import letter_case
from pipeline.lexicon_words import lexicon_words
from pipeline.ligatures import ligature_letters
from pipeline.line_ink import LineInk
from pipeline.math_angles import math_angle_brackets
from pipeline.monospace_spaces import monospace_spaces
from pipeline.opening_quotes import restore_closing_quotes, restore_opening_quotes
from pipeline.punct_widths import punctuation_widths
from pipeline.small_caps import lower_small_caps
from pipeline.spacing import SpacingSettings, add_missing_spaces
from pipeline.tilde_accents import tilde_accents
from pipeline.triangles import pointing_triangles
from pipeline.unmatched_braces import unmatched_braces
from pipeline.visible_space import visible_spaces


def mend_line(line: DecodedLine, crop: np.ndarray, probs: np.ndarray, index: dict[str, int],
              space_class: int, spacing: SpacingSettings) -> DecodedLine:
    """``line`` as decoded from ``probs`` (its class weights per step; ``index``: class of each
    character, ``space_class``: the space's), mended from ``crop``."""
    ink = LineInk(crop)  # thresholded and labelled once, by the first step that needs it
    line = mend_leaders(line, ink)
    line = restore_opening_quotes(line, ink, probs, index)
    line = restore_closing_quotes(line, ink, probs, index)
    line = angle_brackets(line, ink, probs, index)
    line = math_angle_brackets(line, ink)
    line = pointing_triangles(unmatched_braces(braces_from_shapes(bar_letters(line, ink, probs, index), ink), ink), ink)
    line = restore_latex_heads(lost_t(lowered_e(visible_spaces(line, ink), ink), ink), ink)
    line = list_comma_spaces(digit_dashes(punctuation_widths(line, ink), ink), ink)
    line = ligature_letters(letter_case(tilde_accents(line, ink, index), ink, probs, index), probs, index)
    line = monospace_spaces(add_missing_spaces(line, ink, probs, space_class, spacing), ink)
    line = lexicon_words(lower_small_caps(line, ink), ink, probs, index, space_class)
    return ellipsis_dots(line, ink)
