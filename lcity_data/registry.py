"""The district registry: who Ningbo's county-level divisions are, what they are called, and what
a name meant in a given year.

Lookup is exact after normalisation and never guesses: an unknown name raises, a functional zone
raises with its own reason, and pre-2016 海曙/鄞州/江东 resolve to flagged historical units rather
than being drawn on post-2016 shapes.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache

from lcity_data.catalog import load_catalog
from lcity_data.textnorm import normalise


@dataclass(frozen=True)
class District:
    adcode: str
    name_zh: str
    name_en: str
    pinyin: str
    short_zh: str
    kind: str
    aliases: tuple[str, ...]

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


@dataclass(frozen=True)
class Resolved:
    """What a name means: a current district (`historical` False) or a flagged pre-2016 unit."""

    unit_id: str
    name_zh: str
    name_en: str
    historical: bool
    note_zh: str = ""
    note_en: str = ""


class DistrictLookupError(ValueError):
    """Base for name lookups that fail; carries a bilingual reason."""

    def __init__(self, name: str, reason_zh: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.name = name
        self.reason_zh = reason_zh
        self.reason_en = reason_en


class UnknownDistrictError(DistrictLookupError):
    """The name is not a known district, historical unit or zone."""


class FunctionalZoneError(DistrictLookupError):
    """The name is a functional zone (开发区/新区…), not a county-level division."""


class CityTotalError(DistrictLookupError):
    """The name stands for the whole city (全市/宁波市): a total row, not a district."""


@dataclass(frozen=True)
class Registry:
    districts: dict[str, District]
    historical: dict[str, dict]
    zones: tuple[dict, ...]
    city: dict
    adjustment: dict

    @property
    def adcodes(self) -> list[str]:
        return sorted(self.districts)

    def district(self, adcode: str) -> District:
        return self.districts[adcode]

    def name(self, unit_id: str, lang: str) -> str:
        """Display name of a current district or a historical unit."""
        if unit_id in self.districts:
            return self.districts[unit_id].name(lang)
        unit = self.historical[unit_id]
        return unit["name_zh"] if lang == "zh" else unit["name_en"]

    def resolve(self, name: object, year: int | None = None) -> Resolved:
        """Map a district name or adcode (as written in a return) to a unit for `year`.

        `year` None means "today's boundaries". Raises UnknownDistrictError, FunctionalZoneError or
        CityTotalError with a bilingual reason; never returns a nearest match.
        """
        key = normalise(name)
        if not key:
            raise UnknownDistrictError(str(name), "地区名称为空", "district name is empty")
        if key in _current_boundary_index():
            return self._current(_current_boundary_index()[key])
        index = _name_index()
        if key in index:
            return self._for_year(index[key], year)
        if key in _zone_index():
            zone = _zone_index()[key]
            host = self.districts[zone["stat_host"]]
            raise FunctionalZoneError(
                str(name),
                f"“{zone['name_zh']}”是功能区，不是县级行政区；统计公报通常将其计入{host.name_zh}，请按所属区（县、市）填报",
                f"'{zone['name_en']}' is a functional zone, not a county-level division; official bulletins count it "
                f"in {host.name_en}: report it under its district",
            )
        if key in {normalise(a) for a in [*self.city["aliases"], self.city["adcode"]]}:
            raise CityTotalError(str(name), "全市合计行，不是区（县、市）", "a city total, not a district")
        close = difflib.get_close_matches(str(name), _display_names(), n=3, cutoff=0.5)
        hint_zh = f"；是否指：{'、'.join(close)}？" if close else ""
        hint_en = f"; did you mean: {', '.join(close)}?" if close else ""
        raise UnknownDistrictError(str(name), f"未知地区“{name}”{hint_zh}", f"unknown district '{name}'{hint_en}")

    def _for_year(self, unit_id: str, year: int | None) -> Resolved:
        cutoff = self.adjustment["first_year_on_new_boundaries"]
        if unit_id in self.historical:
            unit = self.historical[unit_id]
            carries = unit.get("carries_to")
            if carries:
                return self._current(carries)
            if year is not None and year > unit["valid_until"]:
                raise UnknownDistrictError(
                    unit["name_zh"], f"{unit['name_zh']}在{year}年已不存在：{unit.get('note_zh', '')}",
                    f"{unit['name_en']} no longer existed in {year}: {unit.get('note_en', '')}",
                )
            return self._historical(unit_id)
        if year is not None and year < cutoff:
            for hid, unit in self.historical.items():
                if unit.get("current_names_of") == unit_id:
                    return self._historical(hid)
        return self._current(unit_id)

    def _current(self, adcode: str) -> Resolved:
        d = self.districts[adcode]
        return Resolved(adcode, d.name_zh, d.name_en, historical=False)

    def _historical(self, unit_id: str) -> Resolved:
        unit = self.historical[unit_id]
        return Resolved(
            unit_id, unit["name_zh"], unit["name_en"], historical=True,
            note_zh=unit.get("note_zh", ""), note_en=unit.get("note_en", ""),
        )


@cache
def load_registry() -> Registry:
    raw = load_catalog().districts()
    districts = {
        d["adcode"]: District(
            d["adcode"], d["name_zh"], d["name_en"], d["pinyin"], d["short_zh"], d["kind"], tuple(d["aliases"])
        )
        for d in raw["district"]
    }
    historical = {h["unit_id"]: h for h in raw["historical"]}
    return Registry(districts, historical, tuple(raw["zone"]), raw["city"], raw["adjustment_2016"])


def current_boundary_name(adcode: str, lang: str = "zh") -> str:
    """The district's name that means its current boundary in every year ("海曙区（现行区划）")."""
    reg = load_registry()
    return reg.district(adcode).name(lang) + reg.adjustment[f"current_boundary_suffix_{lang}"]


@cache
def _current_boundary_index() -> dict[str, str]:
    """normalised current-boundary name -> adcode, for every current district."""
    return {normalise(current_boundary_name(a, lang)): a for a in load_registry().adcodes for lang in ("zh", "en")}


@cache
def _name_index() -> dict[str, str]:
    """normalised name -> unit id, for current districts and historical units (names and adcodes)."""
    reg = load_registry()
    index: dict[str, str] = {}
    for d in reg.districts.values():
        for label in (d.adcode, d.name_zh, d.name_en, d.pinyin, d.short_zh, *d.aliases):
            index[normalise(label)] = d.adcode
    for uid, h in reg.historical.items():
        for label in (h["name_zh"], *h["aliases"]):
            index[normalise(label)] = uid
        if "carries_to" in h or "current_names_of" not in h:
            index[normalise(uid)] = uid
    return index


@cache
def _zone_index() -> dict[str, dict]:
    reg = load_registry()
    return {normalise(label): z for z in reg.zones for label in (z["name_zh"], z["name_en"], *z["aliases"])}


@cache
def _display_names() -> list[str]:
    reg = load_registry()
    return [n for d in reg.districts.values() for n in (d.name_zh, d.name_en)]
