"""Line recognition: crop, resize to 48 px high, batch by width, run, decode.

With batches larger than one, crops are sorted by width so each batch
pads little (long lines dominate the cost, so padding a short line to a
long one's width wastes the most); results come back in the caller's
order. The default is one line per run (see ``RecognizerSettings``).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import cv2
import numpy as np

from pipeline.ctc import CtcDecoder, DecodedLine
from pipeline.line_ink import LineInk
from pipeline.line_mending import mend_line
from pipeline.onnx_session import OnnxSession
from pipeline.smoothed_small_print import reread_smoothed
from pipeline.spacing import SpacingSettings


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
        # A model derived to take the grey line as one channel (models/grey_input.py) is given one; the
        # pinned models are given the grey on all three.
        self.channels = 1 if session.input_shape[1] == 1 else 3
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

    def __call__(self, crops: list[np.ndarray], mend: bool = True, smooth: bool = True) -> list[DecodedLine]:
        """Each crop's line, mended from its ink (``mend``; the decoder's confidences kept in ``read``)
        or as decoded; small noisy print read again smoothed where that reads surer (``smooth``)."""
        if not smooth:
            return self._read(crops, mend)
        return reread_smoothed(lambda smoothed, plain, worth: self._read(smoothed, mend, plain, worth), crops,
                               self._read(crops, mend), lambda crop: LineInk(self._resize(crop)))

    def _read(self, crops: list[np.ndarray], mend: bool, ink_from: list[np.ndarray] | None = None,
              worth: Callable[[int, DecodedLine], bool] | None = None) -> list[DecodedLine]:
        """Each crop's line; mended from the ink of ``ink_from`` (the same lines' crops, unsmoothed) if given,
        and only where ``worth(index, line as decoded)`` holds if given (the others come back as decoded)."""
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
            probs = self.session.run(self.network_input([resized[j] for j in batch]))
            steps_total = probs.shape[1]
            for k, j in enumerate(batch):
                steps = max(1, int(round(steps_total * resized[j].shape[1] / width)))
                line = self.decoder.decode(probs[k], steps)
                if mend and (worth is None or worth(j, line)):
                    inked = self._resize(ink_from[j]) if ink_from is not None else resized[j]
                    line = replace(mend_line(line, inked, probs[k][:steps], self.decoder.index,
                                             self.decoder.num_classes - 1, s.spacing),
                                   read=tuple(c.confidence for c in line.chars))
                results[j] = line
        return results  # type: ignore[return-value]

    def network_input(self, resized: list[np.ndarray]) -> np.ndarray:
        """The network's input for these crops (grey, at the model's height, as ``_resize`` makes them): one
        row of the batch each, normalised on as many channels as the model takes, padded to the widest."""
        x = np.empty((len(resized), self.channels, self.settings.height, max(r.shape[1] for r in resized)),
                     dtype=np.float32)
        for k, img in enumerate(resized):
            _normalized(img, x[k])
        return x


def _normalized(img: np.ndarray, out: np.ndarray) -> None:
    """``img`` (grey, 8 bits) written into ``out`` (1 or 3 channels, as wide or wider) as the model reads it: each
    pixel (v/255 - 0.5)/0.5 in float32 on every channel, the width beyond it 0 (mid-grey, as the model saw padding
    in training). Worked in ``out`` itself: one channel computed, then copied to the others."""
    w = img.shape[1]
    grey = out[0, :, :w]
    np.divide(img, np.float32(127.5), out=grey, dtype=np.float32)
    np.subtract(grey, np.float32(1.0), out=grey)
    out[1:, :, :w] = grey
    out[:, :, w:] = 0.0
