from decimal import Decimal

import pytest

from lcity_data.units import UnknownUnitError, split_header, to_base, unit_id_for


@pytest.mark.parametrize(
    ("label", "unit_id"),
    [("万元", "wan_yuan"), ("10k yuan", "wan_yuan"), ("亿元", "yi_yuan"), ("元", "yuan"), ("万人", "wan_person"),
     ("人", "person"), ("％", "percent"), ("%", "percent"), ("人次", "person_time"), (" 万 元 ", "wan_yuan"),
     ("ｙｕａｎ", "yuan")],
)
def test_unit_labels(label, unit_id):
    assert unit_id_for(label) == unit_id


def test_unknown_unit_raises():
    with pytest.raises(UnknownUnitError):
        unit_id_for("斤")


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [(626.3, "wan_yuan", 6_263_000.0), ("62.63", "wan_person", 626_300.0), (89.27, "yi_yuan", 8_927_000_000.0),
     (1, "yuan", 1.0), (Decimal("0.1"), "wan_person", 1000.0), (27.8093, "wan_person", 278_093.0)],
)
def test_conversion_is_exact(value, unit, expected):
    assert to_base(value, unit) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [("社区教育经费（万元）", ("社区教育经费", "万元")), ("Funding (10k yuan)", ("Funding", "10k yuan")),
     ("户籍人口(万人)", ("户籍人口", "万人")), ("常住人口", ("常住人口", None)), ("参与率［%］", ("参与率", "%"))],
)
def test_split_header(header, expected):
    assert split_header(header) == expected
