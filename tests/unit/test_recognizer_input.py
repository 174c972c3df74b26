"""The recognizer's input as the model reads it (``pipeline/recognize.py``): a rendered line's pixels as
(v/255 - 0.5)/0.5 in float32 on each of its channels (three, or one for models/grey_input.py's model), the width
beyond it 0 (mid-grey); and lines of different widths read in one batch, the narrower padded so, read as they
were rendered."""
import cv2
import numpy as np
import pytest


from pipeline.recognize import RecognizerSettings, TextRecognizer, _normalized
from tests.line_crops import render_line_crop


@pytest.mark.parametrize("text, font, room, channels", [("Collect the 11 files", "serif", 0, 3),
                                                       ("中文排版 2018-01-15", "cjk", 37, 3),
                                                       ("Collect the 11 files", "serif", 21, 1)])
def test_a_rendered_line_is_normalised_on_every_channel_and_padded_mid_grey(text, font, room, channels):
    crop = render_line_crop(text, font)
    img = cv2.resize(crop, (round(crop.shape[1] * 48 / crop.shape[0]), 48), interpolation=cv2.INTER_AREA)
    w = img.shape[1]
    out = np.full((channels, 48, w + room), 7.0, dtype=np.float32)  # what the buffer held before
    _normalized(img, out)
    assert out.dtype == np.float32
    # In float32 exactly as the model's input always was (the page texts depend on its last bits).
    expected = img.astype(np.float32) / 127.5 - 1.0
    for channel in out:
        assert channel[:, :w].tobytes() == expected.tobytes()
        assert np.abs(channel[:, :w] - (img / 255.0 - 0.5) / 0.5).max() < 1e-6
        assert not channel[:, w:].any()
    assert out[:, :, :w].min() >= -1.0 and out[:, :, :w].max() <= 1.0


def test_lines_batched_with_padding_read_as_rendered(engine):
    texts = ["the quick brown fox", "the quick brown foxes"]
    crops = [render_line_crop(t, "serif") for t in texts]
    assert crops[0].shape[1] < crops[1].shape[1]  # the first is padded to the second's width in the batch
    one = engine.recognizer
    batched = TextRecognizer(one.session, one.decoder, RecognizerSettings(batch_size=4))
    assert [line.text for line in batched(crops)] == texts
    assert [line.text for line in one(crops)] == texts
