"""docpipe's worker process: real engine, its own memory figure, survives a crash."""
import os
import signal
import threading
from pathlib import Path

import numpy as np

from bench.corpus import corpus_specs, render_page
from bench.docpipe_worker import DocpipeProcess
from tests.factories import EN_TEXT, cer, encode_png, render_text_image

MODELS = Path("models/files")


def test_reads_pages_and_recovers_when_the_worker_is_killed():
    page = encode_png(render_text_image(EN_TEXT[:3], width=1200, margin=40))
    proc = DocpipeProcess(MODELS, 1, 200)
    try:
        assert set(proc.info["models"]) and proc.info["rss_after_engine_mb"] > proc.info["rss_before_engine_mb"]
        ballast = np.ones(300 * 2**20 // 8)  # our own heap must not show up in the worker's figure
        first = proc.run(page)
        assert ballast.sum() > 0
        assert cer("\n".join(EN_TEXT[:3]), first["text"]) < 0.05
        assert first["cpu_s"] > 0 and {"detect", "recognize"} <= set(first["timings"])
        assert proc.info["rss_after_engine_mb"] <= first["peak_rss_mb"] < 380  # we hold > 400 MB
        # SIGKILL the worker mid-page (a full A4 page takes ~1 s of CPU; the kill
        # comes at 0.3 s): the page is reported lost, the next one is read
        a4 = render_page(corpus_specs()[0]).png()
        pid = next(iter(proc._pool._processes))
        threading.Timer(0.3, os.kill, (pid, signal.SIGKILL)).start()
        lost = proc.run(a4)
        assert lost["error"] == "worker_lost" and lost["text"] == ""
        again = proc.run(page)
        assert again["text"] == first["text"]
    finally:
        proc.close()
