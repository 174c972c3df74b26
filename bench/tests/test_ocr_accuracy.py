"""`make bench` end to end on two pages: both engines, every figure present."""
import json
from pathlib import Path

import pytest

from bench import ocr_accuracy, report


@pytest.mark.slow
def test_two_page_run_reports_every_figure(tmp_path: Path, capsys):
    out_json = tmp_path / "figures.json"
    assert ocr_accuracy.main([
        "--pages", "2", "--latency-runs", "2", "--json", str(out_json), "--out", str(tmp_path / "pages"),
    ]) == 0
    printed = capsys.readouterr().out
    assert "docpipe time per stage" in printed and "Single 800×600 image" in printed
    figures = json.loads(out_json.read_text(encoding="utf-8"))
    assert [p["lang"] for p in figures["pages"]] == ["en", "zh"]
    for page in figures["pages"]:
        for engine in ("docpipe", "tesseract"):
            assert not page[engine].get("error"), page[engine]
            assert page[engine]["wall_s"] > 0
        assert page["docpipe"]["cer_free"] < 0.05  # the engine reads these pages; a broken run would not
        assert set(report.STAGES) <= set(page["docpipe"]["timings"])
        assert (tmp_path / "pages" / f"{page['page_id']}.docpipe.txt").exists()
    groups = {g["group"]: g for g in figures["summary"]["by_language"]}
    assert set(groups) == {"en", "zh"}
    assert groups["en"]["cer_ratio"] is not None and groups["en"]["time_ratio"] is not None
    assert abs(sum(figures["stages"]["share"].values()) - 1.0) < 1e-6
    assert figures["memory"]["docpipe_peak_rss_mb_max"] > 50
    assert figures["memory"]["tesseract_peak_rss_mb_max"] > 5
    assert figures["latency_800x600"]["docpipe"]["median_s"] > 0


def test_micro_average_weighs_pages_by_length():
    def page(lang, chars, dp, tess):
        scores = lambda c: {"cer_free": c, "cer_collapsed": c, "cer_nfkc": c, "wall_s": 1.0, "cpu_s": 1.0}
        return {"lang": lang, "variant": "clean", "ref_chars_free": chars, "ref_chars_collapsed": chars,
                "ref_chars_nfkc": chars, "docpipe": scores(dp), "tesseract": scores(tess)}

    (summary,) = report.group_summary([page("en", 100, 0.10, 0.20), page("en", 900, 0.0, 0.20)], lambda r: (r["lang"],))
    assert summary["docpipe"]["cer_free"] == pytest.approx(0.01)
    assert summary["cer_ratio"] == pytest.approx(0.05)
    assert summary["time_ratio"] == pytest.approx(1.0)


def test_missing_models_stop_the_run_with_the_engines_message(tmp_path: Path, capsys):
    code = ocr_accuracy.main(["--pages", "1", "--models-dir", str(tmp_path / "none"), "--out", str(tmp_path / "pages")])
    assert code == 2
    err = capsys.readouterr().err
    assert "engine_unavailable" in err and "make models" in err
