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


def test_ranking_and_hover_cite_the_original_document_never_a_copy_or_its_address():
    """What the Map page shows and hands out (ranking table, hover, pictures) names the original document
    (issuer, title, date, grade); the copy it was read from and the address only in the Sources panel."""
    import re

    from dashboard.map import maps
    from dashboard.map.map_component import frames
    from lcity_data.citation import format_source, short_source
    from lcity_data.funding import funding_check
    from lcity_data.loading import load_shipped

    table = load_shipped()
    copied = table[table["source"].map(lambda s: format_source(s, "zh") != short_source(s, "zh"))]
    assert len(copied), "the shipped data has values read from copies"
    indicator, year = copied.iloc[0]["indicator"], int(copied.iloc[0]["year"])
    address = re.compile(r"https?://|%[0-9A-F]{2}|转引|retrieved", re.IGNORECASE)
    for lang in ("zh", "en"):
        shown = maps.map_frame(table, indicator, year, lang)
        cells = [r[5] for r in map_ranking.ranking_rows(shown.assign(class_text=""), "yuan_per_person", lang)]
        assert any(cells)
        assert not [c for c in cells if address.search(c)], cells
        raw = table[(table["indicator"] == indicator) & (table["year"] == year)]
        assert {short_source(s, lang) for s in raw["source"]} >= {c for c in cells if c}
        status = frames.status_years(funding_check(table, 2024, "ningbo_household"), "ningbo_household", lang,
                                     list(shown["adcode"]))
        hover = [s for yf in status for s in yf.frame["source"]]
        assert hover
        assert not [s for s in hover if address.search(s)], hover
