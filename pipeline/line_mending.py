"""A decoded line mended from the ink the recognizer read: what its classes cannot say.

The model reads shapes into its character set; some printed marks are not in it (⟨ ⟩, ␣), some it
cannot tell apart (‘ from ', a small cap from a capital, ( from 〈 or {), and some it loses to the blank
or the word space (an opening quote, a logo's raised A). Each step below measures the line's crop
(the grey 48-px image the model read) where the text calls for it, in this order: marks first,
then the widths of punctuation (a mark found to be ASCII may then take a space after it), letter
case, the spaces, and last the small caps, which are told within a word.
"""
from __future__ import annotations

import numpy as np

from pipeline.angle_brackets import angle_brackets
from pipeline.brace_shapes import braces_from_shapes
from pipeline.ctc import DecodedLine
from pipeline.latex_logo import lowered_e, restore_latex_heads
from pipeline.letter_case import letter_case
from pipeline.math_angles import math_angle_brackets
from pipeline.opening_quotes import restore_opening_quotes
from pipeline.punct_widths import punctuation_widths
from pipeline.small_caps import lower_small_caps
from pipeline.spacing import SpacingSettings, add_missing_spaces
from pipeline.visible_space import visible_spaces


def mend_line(line: DecodedLine, crop: np.ndarray, probs: np.ndarray, index: dict[str, int],
              space_class: int, spacing: SpacingSettings) -> DecodedLine:
    """``line`` as decoded from ``probs`` (its class weights per step; ``index``: class of each
    character, ``space_class``: the space's), mended from ``crop``."""
    line = restore_opening_quotes(line, crop, probs, index)
    line = angle_brackets(line, crop, probs, index)
    line = math_angle_brackets(line, crop)
    line = braces_from_shapes(line, crop)
    line = restore_latex_heads(lowered_e(visible_spaces(line, crop), crop), crop)
    line = punctuation_widths(line, crop)
    line = letter_case(line, crop, probs, index)
    line = add_missing_spaces(line, crop, probs, space_class, spacing)
    return lower_small_caps(line, crop)
