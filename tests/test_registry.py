import pytest

from lcity_data.registry import CityTotalError, FunctionalZoneError, UnknownDistrictError, load_registry

ADCODES = ["330203", "330205", "330206", "330211", "330212", "330213", "330225", "330226", "330281", "330282"]


@pytest.fixture(scope="module")
def reg():
    return load_registry()


def test_ten_current_districts(reg):
    assert reg.adcodes == ADCODES
    assert {d.kind for d in reg.districts.values()} == {"district", "county", "county-level city"}


@pytest.mark.parametrize("name", ["江北", "Jiangbei", "Jiangbei District", "江北区", " 江 北 区 ", "江北区\u3000",
                                  "ｊｉａｎｇｂｅｉ", "330205", "JIANGBEI DISTRICT"])
def test_aliases_and_normalisation(reg, name):
    assert reg.resolve(name).unit_id == "330205"
    assert reg.resolve(name).historical is False


def test_fenghua_city_carries_over(reg):
    for year in (2010, 2015, 2020, None):
        res = reg.resolve("奉化市", year)
        assert (res.unit_id, res.historical) == ("330213", False)
    assert reg.resolve("330283", 2012).unit_id == "330213"


@pytest.mark.parametrize(("name", "unit"), [("海曙区", "330203-pre2016"), ("鄞州区", "330212-pre2016"),
                                             ("江东区", "330204"), ("Jiangdong", "330204")])
def test_pre_2016_units_are_historical(reg, name, unit):
    res = reg.resolve(name, 2015)
    assert res.unit_id == unit
    assert res.historical is True
    assert res.note_zh
    assert res.note_en


def test_post_2016_names_are_current(reg):
    assert reg.resolve("海曙区", 2016).unit_id == "330203"
    assert reg.resolve("鄞州区", 2024).unit_id == "330212"
    # Jiangdong no longer exists after 2016: data for it in a later year is an error, not a guess.
    with pytest.raises(UnknownDistrictError) as err:
        reg.resolve("江东区", 2020)
    assert "no longer existed in 2020" in err.value.reason_en


@pytest.mark.parametrize("zone", ["宁波高新区", "高新区", "前湾新区", "东钱湖", "大榭", "保税区", "杭州湾新区"])
def test_functional_zones_are_not_districts(reg, zone):
    with pytest.raises(FunctionalZoneError) as err:
        reg.resolve(zone)
    assert "功能区" in err.value.reason_zh
    assert "not a county-level division" in err.value.reason_en


@pytest.mark.parametrize("name", ["全市", "宁波市", "Ningbo"])
def test_city_total_is_not_a_district(reg, name):
    with pytest.raises(CityTotalError):
        reg.resolve(name)


def test_unknown_name_never_guesses(reg):
    with pytest.raises(UnknownDistrictError) as err:
        reg.resolve("鄞洲区")
    assert "鄞州区" in err.value.reason_zh  # suggested, not chosen
    with pytest.raises(UnknownDistrictError):
        reg.resolve("")
