"""Line recognition: crop, resize to 48 px high, batch by width, run, decode.

With batches larger than one, crops are sorted by width so each batch
pads little (long lines dominate the cost, so padding a short line to a
long one's width wastes the most); results come back in the caller's
order. The default is one line per run (see ``RecognizerSettings``).
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.angle_brackets import angle_brackets
from pipeline.ctc import CtcDecoder, DecodedLine
from pipeline.latex_logo import lowered_e, restore_latex_heads
from pipeline.letter_case import letter_case
from pipeline.math_angles import math_angle_brackets
from pipeline.onnx_session import OnnxSession
from pipeline.opening_quotes import restore_opening_quotes
from pipeline.punct_widths import punctuation_widths
from pipeline.small_caps import lower_small_caps
from pipeline.spacing import SpacingSettings, add_missing_spaces
from pipeline.visible_space import visible_spaces


@dataclass(frozen=True)
class RecognizerSettings:
    height: int = 48
    # One line per run: as fast per page as batches of 4 of similar width
    # (1.21-1.25 vs 1.23-1.40 CPU s/page) and 120 MB lower peak memory,
    # since a batch of four long lines holds four sets of activations.
    batch_size: int = 1
    # Crops join a batch only while the widest is at most this many times
    # the narrowest, so padding stays small.
    max_width_ratio: float = 1.3
    min_width: int = 32
    # Beyond this the line is still read whole (the model is fully
    # convolutional along x), only capped to bound memory.
    max_width: int = 4800
    # Margin added around each detected box before cropping, in box
    # heights: detector boxes end tight on the last glyph and lose a final
    # period or comma without it (0.3 took clean English pages from 0.9 %
    # to about 0 % CER in our checks).
    pad_x: float = 0.3
    pad_y: float = 0.0
    spacing: SpacingSettings = SpacingSettings()


class TextRecognizer:
    def __init__(self, session: OnnxSession, decoder: CtcDecoder, settings: RecognizerSettings = RecognizerSettings()):
        self.session = session
        self.decoder = decoder
        self.settings = settings
        classes = session.output_shape[-1]
        if isinstance(classes, int) and classes != decoder.num_classes:
            from pipeline.errors import ModelError

            raise ModelError(
                f"recognizer outputs {classes} classes but its charset gives {decoder.num_classes}; "
                "the model and dictionary do not belong together"
            )

    def _resize(self, crop: np.ndarray) -> np.ndarray:
        s = self.settings
        h, w = crop.shape[:2]
        new_w = int(round(w * s.height / max(1, h)))
        new_w = min(max(new_w, s.min_width), s.max_width)
        # Linear, not cubic, when enlarging: cubic sharpens scan noise into
        # strokes (scan-like pages: 0.61 % → 0.36 % CER on six table/contract pages).
        interp = cv2.INTER_AREA if h > s.height else cv2.INTER_LINEAR
        return cv2.resize(crop, (new_w, s.height), interpolation=interp)

    def __call__(self, crops: list[np.ndarray]) -> list[DecodedLine]:
        if not crops:
            return []
        s = self.settings
        resized = [self._resize(c) for c in crops]
        order = sorted(range(len(resized)), key=lambda i: resized[i].shape[1])
        results: list[DecodedLine | None] = [None] * len(crops)
        i = 0
        while i < len(order):
            batch = [order[i]]
            narrowest = resized[order[i]].shape[1]
            while (
                len(batch) < s.batch_size
                and i + len(batch) < len(order)
                and resized[order[i + len(batch)]].shape[1] <= narrowest * s.max_width_ratio
            ):
                batch.append(order[i + len(batch)])
            i += len(batch)
            width = max(resized[j].shape[1] for j in batch)
            # Normalized pixels are (v/255 - 0.5)/0.5; padding with 0 is mid-grey,
            # as the model saw in training.
            x = np.zeros((len(batch), 3, s.height, width), dtype=np.float32)
            for k, j in enumerate(batch):
                img = resized[j].astype(np.float32) / 127.5 - 1.0
                x[k, :, :, : img.shape[1]] = img
            probs = self.session.run(x)
            steps_total = probs.shape[1]
            for k, j in enumerate(batch):
                steps = max(1, int(round(steps_total * resized[j].shape[1] / width)))
                crop = resized[j]
                line = self.decoder.decode(probs[k], steps)
                line = restore_opening_quotes(line, crop, probs[k][:steps], self.decoder.index)
                # Shapes the model's classes miss (brackets, ⟨⟩, ␣, logos' shifted letters), then widths: a
                # mark found to be ASCII may then take a space after it.
                line = angle_brackets(line, crop, probs[k][:steps], self.decoder.index)
                line = math_angle_brackets(line, crop)
                line = restore_latex_heads(lowered_e(visible_spaces(line, crop), crop), crop)
                line = punctuation_widths(line, crop)
                line = letter_case(line, crop, probs[k][:steps], self.decoder.index)
                line = add_missing_spaces(line, crop, probs[k][:steps], self.decoder.num_classes - 1, s.spacing)
                # After the spaces: a small cap is told within its word.
                results[j] = lower_small_caps(line, crop)
        return results  # type: ignore[return-value]
