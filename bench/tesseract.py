"""Tesseract 5 as the baseline: one page per subprocess, one thread, with its own
wall time, CPU time and peak RSS (from GNU time, so each run is measured alone)."""
from __future__ import annotations

import os
import resource
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# The baseline gets its best setting: on our Chinese pages (which mix in Latin and
# digits) adding eng to chi_sim made Tesseract worse and slower (bench/RESULTS.md).
LANGS = {"en": "eng", "zh": "chi_sim"}


class TesseractError(RuntimeError):
    code = "tesseract_failed"


@dataclass
class TesseractRun:
    text: str
    wall_s: float
    cpu_s: float
    peak_rss_mb: float | None  # None without GNU time (Debian package `time`)


def version() -> str:
    exe = shutil.which("tesseract")
    if exe is None:
        raise TesseractError("tesseract not found: install the Debian packages tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim")
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True)
    return (out.stdout or out.stderr).splitlines()[0].strip()


def run(image: Path, lang: str, *, psm: int = 3, langs: dict[str, str] | None = None,
        config: tuple[str, ...] = ()) -> TesseractRun:
    """``langs`` maps our language to Tesseract's models (default ``LANGS``);
    ``config`` adds ``-c name=value`` settings (e.g. ``thresholding_method=2``)."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")  # one core, like docpipe's worker
    cmd = ["tesseract", str(image), "-", "-l", (langs or LANGS)[lang], "--psm", str(psm)]
    for setting in config:
        cmd += ["-c", setting]
    # Peak RSS comes from GNU time, not from our own wait4: Python starts children
    # with vfork, and Linux then charges the parent's (the benchmark's) high-water
    # RSS to the child. GNU time forks from its own small process.
    timer = shutil.which("time", path="/usr/bin:/bin")
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats, tempfile.TemporaryFile() as err:
        if timer:
            cmd = [timer, "-f", "%M", "-o", stats.name, *cmd]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=err, env=env)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # CPU time is charged correctly
        if proc.returncode != 0:
            err.seek(0)
            raise TesseractError(f"tesseract exited {proc.returncode} on {image}: {err.read().decode(errors='replace')[-500:]}")
        fields = stats.read().split() if timer else []
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak_mb = int(fields[-1]) / 1024 if fields else None  # GNU time reports KiB
    return TesseractRun(text=proc.stdout.decode("utf-8"), wall_s=wall, cpu_s=cpu, peak_rss_mb=peak_mb)
