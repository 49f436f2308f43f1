"""The Map page's ranking table (dashboard/map/map_ranking.py): order, precision, missing values, escaping."""

import pandas as pd

from dashboard.map import map_ranking


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "adcode": ["330203", "330205", "330206", "330211"],
        "name": ["海曙区", "江北区", "北仑区", "镇海区"],
        "value": [12.345, None, 20.0, 12.341],
        "rank": [2.0, None, 1.0, 2.0],
        "class_text": ["达标", None, "达标", "达标"],
        "status_text": ["官方", "无数据", "官方", "示例"],
        "source": ["<img src=x onerror=alert(1)>", "", "统计年鉴", "[link](http://evil)"],
    })


def test_rows_best_first_missing_last_at_the_precision_shown():
    rows = map_ranking.ranking_rows(frame(), "yuan_per_person", "zh")
    assert [r[1] for r in rows] == ["北仑区", "海曙区", "镇海区", "江北区"]
    assert [r[0] for r in rows] == ["1", "2", "2", "—"]
    assert [r[2] for r in rows] == ["20.00", "12.35", "12.34", "—"]
    assert rows[3][3] == ""  # no class: an empty cell, never "None" or "nan"


def test_html_escapes_every_text_and_names_its_columns():
    out = map_ranking.ranking_html(frame(), "yuan_per_person", "生均经费（元）<b>", "zh")
    assert "<img" not in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "生均经费（元）&lt;b&gt;" in out
    assert out.count('<th scope="col"') == 6
    assert out.count("<tr>") == 5
