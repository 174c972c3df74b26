"""After a very wide line the ONNX arena gives back the memory it took: an arena never shrinks by itself, so
the widest line of a job set a worker's memory for the rest of its life (bench/PERF_RESULTS.md)."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

TEXT = ("Copyright 2001-2013 by the authors of this brochure, distributed under the terms of the "
        "LaTeX Project Public License; PostScript and PDF are trademarks of Adobe, Unicode is a trademark "
        "of Unicode Inc. and all other trademarks belong to their owners. Typeset with LuaTeX and XeTeX.")

# In a fresh process: the arena is one per process, and other tests' lines would have grown it already.
SCRIPT = """
import json, sys
import numpy as np
from PIL import Image, ImageDraw
from pipeline.engine import Engine, EngineConfig
from pipeline.recognize import RecognizerSettings
from tests.factories import _pil_font

def rss():
    return [int(l.split()[1]) / 1024 for l in open("/proc/self/status") if l.startswith("VmRSS")][0]

def line(text, size=24):
    font = _pil_font("sans", size)
    img = Image.new("L", (int(font.getlength(text)) + 40, size * 2), 255)
    ImageDraw.Draw(img).text((20, size // 3), text, font=font, fill=0)
    return np.asarray(img)

engine = Engine(EngineConfig(threads=1, recognizer=RecognizerSettings(**json.loads(sys.argv[2]))))
short, wide = line("A line of ordinary length."), line(sys.argv[1])
for r in (engine.recognizer, engine.second_recognizer):
    r([short])
before = rss()
texts = [r([wide])[0].text for r in (engine.recognizer, engine.second_recognizer)]
after = rss()
print(json.dumps({"grown_mb": after - before, "texts": texts, "width": engine.recognizer._resize(wide).shape[1]}))
"""


def _read(text: str, **settings) -> dict:
    out = subprocess.run([sys.executable, "-c", SCRIPT, text, json.dumps(settings)], cwd=ROOT, check=True,
                         capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    return json.loads(out.stdout)


def test_the_memory_a_very_wide_line_took_is_given_back_and_its_text_is_the_same():
    kept = _read(TEXT, release_above=None)
    released = _read(TEXT)
    assert released["width"] > 2000
    assert released["texts"] == kept["texts"] and released["texts"][1] == TEXT
    # The larger recognizer alone takes ~31 MB per 1,000 px of width; kept by the arena, it stays taken.
    # (What stays when released is the process's heap: the line's probabilities, ~29 MB, are reused.)
    assert kept["grown_mb"] - released["grown_mb"] > 40
