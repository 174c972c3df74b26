"""PageResult round trip through JSON."""
import json

from pipeline.result import Line, PageResult, Word


def test_round_trip_through_json():
    page = PageResult(
        page_no=2, width=1654, height=2339, dpi=200, source="ocr", text="Total 5 元\n合计",
        confidence=0.97,
        lines=[
            Line(text="Total 5 元", confidence=0.98, box=[1.0, 2.0, 30.5, 12.0],
                 words=[Word("Total", 0.99, [1.0, 2.0, 10.0, 12.0])], polygon=[[1, 2], [30, 3], [30, 12], [1, 11]], block=0),
            Line(text="合计", confidence=0.9, box=[1.0, 20.0, 9.0, 30.0], block=1),
        ],
        timings={"render": 0.01, "total": 0.5},
        preprocessing={"rotation": 180, "deskew_angle": 0.4, "clahe": False},
        models={"ppocrv6_tiny_det": "ab" * 32},
    )
    back = PageResult.from_dict(json.loads(json.dumps(page.to_dict(), ensure_ascii=False)))
    assert back == page
