"""The engine's models: found by name in the registry, loaded once.

The recognizer's character set is checked against its output classes at
load time, so a mismatched dictionary fails loudly instead of reading
every line as the wrong characters.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from models import registry
from pipeline.ctc import CtcDecoder
from pipeline.detect import DetectorSettings, TextDetector
from pipeline.errors import ModelError
from pipeline.onnx_session import OnnxSession
from pipeline.recognize import RecognizerSettings, TextRecognizer

DETECTOR = "ppocrv6_tiny_det"
# The recognizers as derived at set-up with their class projection as one Gemm (models/gemm_projection.py):
# the same probabilities as the pinned files for less CPU. The pinned files keep their names. The page
# recognizer also takes the grey line as one channel (models/grey_input.py): the same text for less CPU.
RECOGNIZER = "ppocrv6_tiny_rec_grey"
CHARSET = "ppocrv6_tiny_dict"
# The larger recognizer of the same family, for a second opinion on unsure lines (pipeline/second_opinion.py).
SECOND_RECOGNIZER = "ppocrv6_small_rec_gemm"
SECOND_CHARSET = "ppocrv6_dict"


@dataclass(frozen=True)
class LoadedModels:
    detector: TextDetector
    recognizer: TextRecognizer
    hashes: dict[str, str]  # model name → sha256, reported with every OCR'd page
    second: TextRecognizer | None = None


def load_models(models_dir: Path, threads: int, detector: DetectorSettings,
                recognizer: RecognizerSettings, second: bool = False,
                recognizer_model: str = RECOGNIZER, second_model: str = SECOND_RECOGNIZER) -> LoadedModels:
    """The detector and recognizer; with ``second``, the larger recognizer too (loaded only then: it is
    most of the memory a worker would hold for models). ``recognizer_model`` and ``second_model`` name the
    recognizers' files in the manifest: a pinned model or one derived from it at set-up."""
    det_path = _resolve(DETECTOR, models_dir)
    rec_path = _resolve(recognizer_model, models_dir)
    charset_path = _resolve(CHARSET, models_dir)
    det_session = OnnxSession(det_path, threads=threads)
    rec_session = OnnxSession(rec_path, threads=threads)
    charset = load_charset(rec_session, charset_path)
    names = [DETECTOR, recognizer_model, CHARSET]
    second_recognizer = None
    if second:
        second_session = OnnxSession(_resolve(second_model, models_dir), threads=threads)
        second_charset = load_charset(second_session, _resolve(SECOND_CHARSET, models_dir))
        second_recognizer = TextRecognizer(second_session, CtcDecoder(second_charset), recognizer)
        names += [second_model, SECOND_CHARSET]
    return LoadedModels(
        detector=TextDetector(det_session, detector),
        recognizer=TextRecognizer(rec_session, CtcDecoder(charset), recognizer),
        hashes={name: registry.spec(name).sha256 for name in names},
        second=second_recognizer,
    )


def load_charset(session: OnnxSession, dict_path: Path) -> list[str]:
    """The recognizer's characters: from its metadata when present, else the dictionary."""
    meta = session.metadata.get("character")
    charset = meta.splitlines() if meta else dict_path.read_text(encoding="utf-8").splitlines()
    classes = session.output_shape[-1]
    if isinstance(classes, int) and classes != len(charset) + 2:
        raise ModelError(
            f"{session.path.name} outputs {classes} classes but its charset has {len(charset)} + blank + space",
            details={"classes": classes, "charset": len(charset)},
        )
    return charset


def _resolve(name: str, models_dir: Path) -> Path:
    try:
        return registry.resolve(name, models_dir)
    except registry.ModelUnavailableError as exc:
        raise ModelError(str(exc), details={"model": name}) from exc
