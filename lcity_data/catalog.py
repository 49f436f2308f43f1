"""Typed access to the catalog files in `lcity_data/catalog/`.

Thresholds, indicator definitions, units, district names and citations live in TOML files so that
a domain expert can correct them without touching code; this module only reads and types them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

CATALOG_DIR = Path(__file__).parent / "catalog"
DATA_DIR = Path(__file__).parent / "data"
SHIPPED_CSV = DATA_DIR / "ningbo_indicators.csv"  # the shipped sample, release 1 of a new store

@cache
def _read(name: str) -> dict[str, Any]:
    with (CATALOG_DIR / name).open("rb") as fh:
        return tomllib.load(fh)


# The data statuses, strongest first (catalog/statuses.toml; how they combine: lcity_data.provenance).
STATUSES = tuple(_read("statuses.toml")["status"])
MISSING = "missing"  # the coverage table's mark for a value with no row (not a status)


@dataclass(frozen=True)
class Mark:
    """How a status is marked in tables and charts: a colour and an icon readable without colour."""

    color: str
    icon: str


@dataclass(frozen=True)
class Status:
    """A data status: its names, how it combines (lcity_data.provenance) and how it is marked."""

    id: str
    zh: str
    en: str
    strength: int
    as_derived: str
    origin: str  # "real" or "sample"
    aliases: tuple[str, ...]
    mark: Mark


@dataclass(frozen=True)
class Plausibility:
    """When an imported value is listed for a second look (lcity_data.plausibility)."""

    factor: float     # this many times above, or at this fraction or less of, the comparison value
    min_others: int   # how many other districts a median needs


@dataclass(frozen=True)
class Unit:
    """A unit as written in returns, with its factor to the base unit."""

    id: str
    base: str
    factor: Decimal
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Indicator:
    """One catalog indicator: names in both languages, base unit and framework mapping."""

    id: str
    name_zh: str
    name_en: str
    aliases: tuple[str, ...]
    unit: str
    input_units: tuple[str, ...]
    direction: str
    aggregate: str
    definition_zh: str
    definition_en: str
    default_source: str
    unesco: str | None = None
    zhejiang: str | None = None
    weight: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    derived: bool = False
    per: int = 1
    precision: int = 2
    max: float | None = None
    reported_by: str | None = None  # "district" or a department code (reporting_units.toml); None: derived

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


@dataclass(frozen=True)
class Standard:
    """A per-capita standard: which indicators it divides, on which population basis, its thresholds."""

    id: str
    name_zh: str
    name_en: str
    numerator: str
    denominator: str
    basis: str
    per: int
    unit: str
    minimum: Decimal
    target: Decimal | None
    precision: int
    source: str
    output_names: dict[str, str]
    default: bool = False
    value_name: dict[str, str] = field(default_factory=dict)  # the ratio's name per language
    unit_name: dict[str, str] = field(default_factory=dict)  # the ratio's unit per language ("名/万人")

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def value_label(self, lang: str) -> str:
        return self.value_name.get(lang) or self.value_name.get("zh", self.id)

    def unit_label(self, lang: str) -> str:
        return self.unit_name.get(lang) or self.unit_name.get("zh", self.unit)


@dataclass(frozen=True)
class Source:
    """A citation for shipped figures: the original document first, then the copy it was read from.

    `grade` rates the document and `copy_grade` the site of the copy (A/B/C, "-" for sample data);
    lcity_data.citation formats it for people and decides whether a figure counts as verified.
    """

    id: str
    citation: str
    url: str
    grade: str
    quote: str = ""
    issuer: str = ""
    issuer_en: str = ""
    title: str = ""
    title_en: str = ""
    date: str = ""
    retrieved_from: str = ""
    copy_grade: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def authority(self) -> str:
        """The document's grade (the name older callers use)."""
        return self.grade

    @property
    def text(self) -> str:
        return f"{self.citation} {self.url or self.retrieved_from}".strip()


@dataclass(frozen=True)
class Catalog:
    """Everything the catalogs define, loaded once."""

    units: dict[str, Unit]
    unit_display: dict[str, dict[str, str]]
    indicators: dict[str, Indicator]
    standards: dict[str, Standard]
    sources: dict[str, Source]
    basis_names: dict[str, dict[str, str]]
    status_styles: dict[str, dict[str, str]]
    statuses: dict[str, Status]
    missing: Mark
    kflc: dict[str, dict[str, str]] = field(default_factory=dict)
    zhejiang: dict[str, dict[str, str]] = field(default_factory=dict)

    def indicator(self, indicator_id: str) -> Indicator:
        return self.indicators[indicator_id]

    def derived_indicators(self) -> tuple[Indicator, ...]:
        """The indicators computed from two others (per-capita ratios), in catalog order: always
        recomputed from their inputs, so never published, seeded, exported or taken from an upload."""
        return tuple(i for i in self.indicators.values() if i.derived)

    def derived_ids(self) -> tuple[str, ...]:
        """The ids of `derived_indicators`."""
        return tuple(i.id for i in self.derived_indicators())

    def standard(self, standard_id: str | None = None) -> Standard:
        """The named standard, or the default one (Ningbo's household-basis rule)."""
        if standard_id is None:
            return next(s for s in self.standards.values() if s.default)
        return self.standards[standard_id]

    def unit_label(self, base_unit: str, lang: str) -> str:
        return self.unit_display[base_unit][lang]

    # The text and rule files below are read when first asked for (most pages need none of them); the
    # module that owns each one types its inside (lcity_data.registry the districts, lcity_data.importer
    # and return_layout the import vocabulary, composite and progress their rules).

    def sentences(self, lang: str) -> Mapping[str, str]:
        """The briefing's sentence templates in `lang` (catalog/sentences.toml)."""
        return _read("sentences.toml")[lang]

    def citation_texts(self, lang: str) -> Mapping[str, str]:
        """How sources are cited in `lang`: templates and notes (catalog/citations.toml)."""
        return _read("citations.toml")[lang]

    def index_rules(self) -> Mapping[str, Any]:
        """The composite index's weights, missing-input share, sensitivity and source (evaluation.toml)."""
        return _read("evaluation.toml")["index"]

    def progress_rules(self) -> Mapping[str, Any]:
        """The progress rule: base year, minimum points, thresholds and labels (evaluation.toml)."""
        return _read("evaluation.toml")["progress"]

    def profile_rules(self) -> Mapping[str, Any]:
        """How many strengths and gaps a district profile names, and which indicators compete (evaluation.toml)."""
        return _read("evaluation.toml")["profile"]

    def report_texts(self) -> Mapping[str, Any]:
        """The words of the district profile and the annual report, zh and en (report.toml)."""
        return _read("report.toml")

    def import_headers(self) -> Mapping[str, Any]:
        """What returns may call their columns, rows and tables, and the template (import_headers.toml)."""
        return _read("import_headers.toml")

    def plausibility(self) -> Plausibility:
        """When an imported value is listed for a second look (import_headers.toml [plausibility])."""
        spec = _read("import_headers.toml")["plausibility"]
        return Plausibility(float(spec["factor"]), int(spec["min_others"]))

    def districts(self) -> Mapping[str, Any]:
        """The districts, historical units, zones and city (districts.toml; typed by lcity_data.registry)."""
        return _read("districts.toml")

    def issuer(self, lang: str) -> str:
        """The unit issuing exported briefings and pictures (制表单位, catalog/briefing.toml)."""
        return _read("briefing.toml")["issuer"][lang]

    def status_marks(self) -> dict[str, Mark]:
        """Each status's mark in legend order, then the mark for a missing value."""
        return {**{sid: s.mark for sid, s in self.statuses.items()}, MISSING: self.missing}


@cache
def load_catalog() -> Catalog:
    """Read and type all catalog files (cached: they never change while the app runs)."""
    units_raw = _read("units.toml")
    units = {
        uid: Unit(uid, u["base"], Decimal(u["factor"]), tuple(u["labels"]))
        for uid, u in units_raw["unit"].items()
    }
    ind_raw = _read("indicators.toml")
    indicators = {}
    for raw in ind_raw["indicator"]:
        data = dict(raw)
        data["aliases"] = tuple(data["aliases"])
        data["input_units"] = tuple(data["input_units"])
        indicators[data["id"]] = Indicator(**data)
    std_raw = _read("standards.toml")
    standards = {}
    for raw in std_raw["standard"]:
        data = dict(raw)
        data["minimum"] = Decimal(data["minimum"])
        data["target"] = Decimal(data["target"]) if "target" in data else None
        standards[data["id"]] = Standard(**data)
    sources = {
        sid: Source(sid, s["citation"], s.get("url", ""), s["grade"], s.get("quote", ""), s.get("issuer", ""),
                    s.get("issuer_en", ""), s.get("title", ""), s.get("title_en", ""), s.get("date", ""),
                    s.get("retrieved_from", ""), s.get("copy_grade", s["grade"]), tuple(s.get("aliases", ())))
        for sid, s in _read("sources.toml")["source"].items()
    }
    status_raw = _read("statuses.toml")
    statuses = {
        sid: Status(sid, s["zh"], s["en"], int(s["strength"]), s["as_derived"], s["origin"], tuple(s["aliases"]),
                    Mark(s["color"], s["icon"]))
        for sid, s in status_raw["status"].items()
    }
    return Catalog(
        units=units,
        unit_display=units_raw["display"],
        indicators=indicators,
        standards=standards,
        sources=sources,
        basis_names=std_raw["basis"],
        status_styles=std_raw["status"],
        statuses=statuses,
        missing=Mark(**status_raw[MISSING]),
        kflc=ind_raw["kflc"],
        zhejiang=ind_raw["zhejiang"],
    )


DISTRICT_UNIT = "district"  # `Indicator.reported_by` for what each district reports of itself


@dataclass(frozen=True)
class ReportingUnit:
    """Who sends figures in a collection round: a district (its own row) or a department (every district).

    `rows` are the adcodes it reports and `indicators` the indicator ids, so its cells are exactly
    rows x indicators; anything else in its return is not its to send.
    """

    code: str  # a district's adcode, or a department code
    kind: str  # "district" or "department"
    name_zh: str
    name_en: str
    rows: tuple[str, ...]
    indicators: tuple[str, ...]

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    @property
    def cells(self) -> int:
        return len(self.rows) * len(self.indicators)


@cache
def reporting_units() -> dict[str, ReportingUnit]:
    """Every reporting unit by code, districts first (catalog order), then departments."""
    raw = _read("reporting_units.toml")
    indicators = list(load_catalog().indicators.values())
    districts = _read("districts.toml")["district"]
    adcodes = tuple(d["adcode"] for d in districts)
    known = {DISTRICT_UNIT} | {d["code"] for d in raw["department"]}
    unknown = sorted({i.reported_by for i in indicators if i.reported_by} - known)
    if unknown:
        raise ValueError(f"indicators.toml: reported_by names unknown units {unknown} (see reporting_units.toml)")

    def reported_by(who: str) -> tuple[str, ...]:
        return tuple(i.id for i in indicators if i.reported_by == who and not i.derived)

    units = {d["adcode"]: ReportingUnit(d["adcode"], "district", d["name_zh"], d["name_en"], (d["adcode"],),
                                        reported_by(DISTRICT_UNIT)) for d in districts}
    for d in raw["department"]:
        units[d["code"]] = ReportingUnit(d["code"], "department", d["name_zh"], d["name_en"], adcodes,
                                       reported_by(d["code"]))
    return units


def roles() -> Mapping[str, Any]:
    """Roles and the actions each may take (roles.toml): read by lcity_data.accounts."""
    return _read("roles.toml")


def round_status_labels() -> dict[str, dict[str, str]]:
    """A collection round's unit statuses (not_submitted, submitted, returned, approved) in zh and en."""
    return {k: dict(v) for k, v in _read("reporting_units.toml")["status"].items()}


def template_units() -> tuple[dict[str, str], dict[str, str]]:
    """The unit a template asks for per indicator (e.g. 万元) and English labels of those units."""
    raw = _read("reporting_units.toml")
    return dict(raw["template_unit"]), dict(raw["template_unit_en"])


def reporting_office() -> dict[str, str]:
    """The office that runs the rounds (name and contact, zh and en): named on every template."""
    return dict(_read("reporting_units.toml")["office"])
