"""The dashboard's view state and its URL form, as pure functions (testable without Streamlit).

URL vocabulary (OWID-style, schema version `v=1`):

    lang=zh|en                      interface language (default zh)
    indicator=<catalog id>          e.g. funding_per_capita
    year=2022                       single year (maps, funding check, overview)
    years=2015..2024                year range (trends, data table)
    district=330203~330212          districts joined with "~" (empty = none selected)
    standard=<standard id>          per-capita standard (funding check)
    classes=quantiles|natural_breaks|equal_interval|continuous, k=2..7   map classes
    view=plotly|leaflet             map engine
    mode=absolute|indexed, base=2015   trends: absolute values or an index (base year = 100)
    layout=long|wide                data table layout
    slide=1..6                      briefing: the slide shown (out of range: the nearest, with a notice)
    norm=minmax|zscore|target       composite index: normalisation
    w=government:40,society:10      composite index: raw dimension weights 0–100 that differ from the
                                    catalog default (missing keys keep the default; empty = all default)
    wi=funding_per_capita:80        composite index: raw indicator weights within their dimension, same form
    release=3|latest                the data release shown (pinned, so a shared link keeps its numbers;
                                    absent or "latest" = the newest release; kept on every page)
    wmin=6.5, wtarget=12            funding check: what-if minimum and target (absent = the standard's own)

Each parameter is one row of `FIELDS` (parameter, field, type, parse, valid, clamp, default, text),
and everything below loops over that table: a new parameter is one new row (OWID's grapher keeps its
URL schema the same way). `parse_params` never raises: a bad or stale value falls back to the
default for that field and is reported as a `Notice`. `to_params` writes the fields a page uses (plus
v, lang, district). Weights are written only where they differ from the catalog, so a default view
keeps a short link.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, make_dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from lcity_data.composite import NORMALISATIONS

SCHEMA_VERSION = "1"
DISTRICT_SEP = "~"
RANGE_SEP = ".."
LANGS = ("zh", "en")
CLASS_METHODS = ("quantiles", "natural_breaks", "equal_interval", "continuous")
MAP_VIEWS = ("plotly", "leaflet")
TREND_MODES = ("absolute", "indexed")
LAYOUTS = ("long", "wide")
K_RANGE = (2, 7)
SLIDE_RANGE = (1, 6)  # the briefing's slides (dashboard/briefing/slides.py builds exactly this many)
MAX_NOTICE_VALUE = 40
WEIGHT_RANGE = (0, 100)
WEIGHT_SEP, WEIGHT_KV = ",", ":"
MAX_WEIGHTS_TEXT = 2000
MAX_THRESHOLD = Decimal(10) ** 9
Weights = tuple[tuple[str, int], ...]  # (key, raw weight) pairs in catalog order; only non-default ones

ALWAYS_WRITTEN = ("lang", "release")
LATEST = 0  # ViewState.release when no release is pinned
LATEST_TEXT = "latest"


@dataclass(frozen=True)
class Options:
    """What valid values are (from the catalogs and the table being shown)."""

    adcodes: tuple[str, ...]
    indicators: tuple[str, ...]
    years: tuple[int, ...]
    standards: tuple[str, ...]
    default_indicator: str = "funding_per_capita"
    default_standard: str = "ningbo_household"
    dimensions: tuple[str, ...] = ()        # composite index dimensions that can be weighted
    index_indicators: tuple[str, ...] = ()  # composite index inputs that can be weighted
    default_normalisation: str = NORMALISATIONS[0]
    releases: tuple[int, ...] = ()          # published release ids that `release=` may pin

    def __post_init__(self) -> None:
        if not self.years:
            raise ValueError("Options need at least one year")


@dataclass(frozen=True)
class Notice:
    """A URL parameter that was ignored: its name, the (shortened) value, and why."""

    param: str
    value: str
    reason: str  # "invalid" | "unknown_version" | "partly_invalid" | "clamped"


def _first(value: str | Sequence[str]) -> str:
    if isinstance(value, str):
        return value
    return value[-1] if value else ""


def _short(value: str) -> str:
    value = value.replace("`", "'")
    return value if len(value) <= MAX_NOTICE_VALUE else value[: MAX_NOTICE_VALUE - 1] + "…"


def _parse_int(raw: str) -> int | None:
    raw = raw.strip()
    if not raw or len(raw) > 6:
        return None
    try:
        return int(raw)
    except ValueError:
        return None


def parse_year(raw: str, options: Options) -> int | None:
    year = _parse_int(raw)
    return year if year in options.years else None


def parse_year_range(raw: str, options: Options) -> tuple[int, int] | None:
    """'2015..2024' (or a single '2020') -> the range clipped to the years in the data."""
    if RANGE_SEP in raw:
        a, _, b = raw.partition(RANGE_SEP)
        start, end = _parse_int(a), _parse_int(b)
    else:
        start = end = _parse_int(raw)
    if start is None or end is None:
        return None
    start, end = min(start, end), max(start, end)
    inside = [y for y in options.years if start <= y <= end]
    if not inside:
        return None
    return inside[0], inside[-1]


def format_year_range(years: tuple[int, int]) -> str:
    return f"{years[0]}{RANGE_SEP}{years[1]}"


def parse_districts(raw: str, options: Options) -> tuple[tuple[str, ...] | None, list[str]]:
    """'330203~330212' -> (adcodes in registry order, rejected parts). None if nothing is valid.

    An empty string means "no district selected" and is valid.
    """
    if raw.strip() == "":
        return (), []
    parts = [p.strip() for p in raw.split(DISTRICT_SEP)]
    valid = set(options.adcodes)
    chosen = {p for p in parts if p in valid}
    rejected = [p for p in parts if p not in valid]
    if not chosen:
        return None, rejected
    return tuple(a for a in options.adcodes if a in chosen), rejected


def format_districts(districts: Iterable[str]) -> str:
    return DISTRICT_SEP.join(districts)


def parse_weights(raw: str, keys: Sequence[str]) -> Weights | None:
    """'government:40,society:10' -> (('government', 40), ('society', 10)) in `keys` order.

    Each part must be a known key and a whole number in WEIGHT_RANGE, each key at most once; anything
    else makes the whole value invalid (None), so a half-read link never silently mixes weights.
    """
    raw = raw.strip()
    if not raw:
        return ()
    if len(raw) > MAX_WEIGHTS_TEXT:
        return None
    found: dict[str, int] = {}
    for part in raw.split(WEIGHT_SEP):
        key, sep, number = part.partition(WEIGHT_KV)
        key = key.strip()
        value = _parse_int(number)
        if not sep or key not in keys or key in found or value is None:
            return None
        if not WEIGHT_RANGE[0] <= value <= WEIGHT_RANGE[1]:
            return None
        found[key] = value
    return tuple((k, found[k]) for k in keys if k in found)


def parse_threshold(raw: str) -> str | None:
    """'6.50' -> '6.5': a non-negative decimal threshold below MAX_THRESHOLD, as its shortest text."""
    raw = raw.strip()
    if not raw or len(raw) > 16:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    if not value.is_finite() or not Decimal(0) <= value < MAX_THRESHOLD:
        return None
    return threshold_text(value)


def threshold_text(value: Decimal | float) -> str:
    """The shortest decimal text of a threshold (6.50 -> '6.5', 12.0 -> '12')."""
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


def format_weights(weights: Weights) -> str:
    return WEIGHT_SEP.join(f"{k}{WEIGHT_KV}{v}" for k, v in weights)


def _valid_weights(value: object, keys: Sequence[str]) -> bool:
    if not isinstance(value, tuple):
        return False
    seen = [pair[0] for pair in value if isinstance(pair, tuple) and len(pair) == 2]
    return (len(seen) == len(value) == len(set(seen)) and all(k in keys for k in seen)
            and all(isinstance(v, int) and WEIGHT_RANGE[0] <= v <= WEIGHT_RANGE[1] for _, v in value))


def parse_release(raw: str, options: Options) -> int | None:
    """'3' -> 3 if release 3 exists; 'latest' -> LATEST (unpinned); anything else None (invalid)."""
    if raw.strip() == LATEST_TEXT:
        return LATEST
    n = _parse_int(raw)
    return n if n in options.releases else None


def _parse_choice(raw: str, choices: Iterable[str]) -> str | None:
    raw = raw.strip()
    return raw if raw in tuple(choices) else None


def _parse_k(raw: str, _options: Options) -> int | None:
    k = _parse_int(raw)
    return k if k is not None and K_RANGE[0] <= k <= K_RANGE[1] else None


def _clamped_slide(n: int) -> int:
    return min(max(n, SLIDE_RANGE[0]), SLIDE_RANGE[1])


def _parse_slide(raw: str, _options: Options) -> int | None:
    n = _parse_int(raw)
    return None if n is None else _clamped_slide(n)


def _slide_note(raw: str, value: int, _options: Options) -> tuple[str, str] | None:
    # a presenter's "slide=9" of 6 shows the nearest slide, and says so
    return ("clamped", raw) if value != _parse_int(raw) else None


def _district_note(raw: str, _value: object, options: Options) -> tuple[str, str] | None:
    rejected = parse_districts(raw, options)[1]
    return ("partly_invalid", DISTRICT_SEP.join(rejected)) if rejected else None


def _clamp_years(years: tuple[int, int], options: Options, dflt: ViewState) -> tuple[int, int]:
    inside = [y for y in options.years if years[0] <= y <= years[1]]
    return (inside[0], inside[-1]) if inside else dflt.years


def _valid_years(value: object, _options: Options) -> bool:
    return (isinstance(value, tuple) and len(value) == 2 and all(isinstance(y, int) for y in value)
            and value[0] <= value[1])


def _clamp_districts(districts: tuple[str, ...], options: Options, _dflt: ViewState) -> tuple[str, ...]:
    if all(d in options.adcodes for d in districts):
        return districts
    return tuple(d for d in options.adcodes if d in districts)


def _is_year(value: object, options: Options) -> bool:
    return isinstance(value, int) and value in options.years


def _is_none(value: object) -> bool:
    return value is None


def _one_of(choices: Callable[[Options], Sequence[str]]) -> Callable[[str, Options], str | None]:
    return lambda raw, options: _parse_choice(raw, choices(options))


def _in(choices: Callable[[Options], Sequence[object]]) -> Callable[[object, Options], bool]:
    return lambda value, options: value in choices(options)


def _kept(keys: Callable[[Options], Sequence[str]]) -> Callable[[Weights, Options, ViewState], Weights]:
    """Weights for keys the catalog no longer has are dropped."""
    return lambda weights, options, _dflt: tuple(pair for pair in weights if pair[0] in keys(options))


def _valid_threshold(value: object, _options: Options) -> bool:
    return value is None or (isinstance(value, str) and parse_threshold(value) == value)


REQUIRED: Any = object()  # a field without a dataclass default: `start` gives it for each Options


@dataclass(frozen=True)
class UrlField:
    """Everything the module knows about one URL parameter and the ViewState field it sets.

    `parse` reads the URL text (None: invalid, so the field falls back to its default with a notice);
    `note` says why a value that was read differs from its text, as (reason, text shown); `valid` vets
    a widget's value; `clamp` brings a stale value back inside the options, e.g. after an upload
    changed the years; `text` writes the value and `omit` leaves an unset one out of the link.
    `default` is the dataclass default and `start` the value a fresh view has for these options.
    """

    param: str
    name: str
    type: object
    parse: Callable[[str, Options], Any]
    valid: Callable[[object, Options], bool]
    default: object = REQUIRED
    start: Callable[[Options], object] | None = None
    clamp: Callable[[Any, Options, Any], object] | None = None  # (value, options, defaults) -> value
    note: Callable[[str, Any, Options], tuple[str, str] | None] | None = None
    text: Callable[[Any], str] = str
    omit: Callable[[Any], bool] = _is_none


def _default_indicator(options: Options) -> str:
    return options.default_indicator if options.default_indicator in options.indicators else options.indicators[0]


def _default_standard(options: Options) -> str:
    return options.default_standard if options.default_standard in options.standards else options.standards[0]


def _choice_field(param: str, name: str, choices: Callable[[Options], Sequence[str]], **spec: Any) -> UrlField:
    return UrlField(param, name, str, _one_of(choices), _in(choices), **spec)


def _weights_field(param: str, name: str, keys: Callable[[Options], Sequence[str]]) -> UrlField:
    return UrlField(param, name, Weights, lambda raw, options: parse_weights(raw, keys(options)),
                    lambda value, options: _valid_weights(value, keys(options)), default=(), clamp=_kept(keys),
                    text=format_weights, omit=lambda weights: not weights)


def _threshold_field(param: str, name: str) -> UrlField:
    # a what-if threshold as decimal text ("6.5"); None = the standard's own
    return UrlField(param, name, str | None, lambda raw, _options: parse_threshold(raw), _valid_threshold,
                    default=None)


# The URL schema, in the order parameters are read: the ViewState dataclass is made from this table.
FIELDS: tuple[UrlField, ...] = (
    _choice_field("lang", "lang", lambda _o: LANGS, start=lambda _o: LANGS[0]),
    _choice_field("indicator", "indicator", lambda o: o.indicators, start=_default_indicator,
                  clamp=lambda v, o, d: v if v in o.indicators else d.indicator),
    UrlField("year", "year", int, parse_year, _is_year, start=lambda o: max(o.years),
             clamp=lambda v, o, d: v if v in o.years else d.year),
    UrlField("years", "years", tuple[int, int], parse_year_range, _valid_years,
             start=lambda o: (min(o.years), max(o.years)), clamp=_clamp_years, text=format_year_range),
    UrlField("district", "districts", tuple[str, ...], lambda raw, o: parse_districts(raw, o)[0],
             lambda v, o: isinstance(v, tuple) and all(d in o.adcodes for d in v),
             start=lambda o: tuple(o.adcodes), clamp=_clamp_districts, note=_district_note, text=format_districts),
    _choice_field("standard", "standard", lambda o: o.standards, start=_default_standard,
                  clamp=lambda v, o, d: v if v in o.standards else d.standard),
    _choice_field("classes", "classes", lambda _o: CLASS_METHODS, default="quantiles"),
    UrlField("k", "k", int, _parse_k, lambda v, _o: isinstance(v, int) and K_RANGE[0] <= v <= K_RANGE[1], default=5),
    _choice_field("view", "view", lambda _o: MAP_VIEWS, default="plotly"),
    _choice_field("mode", "mode", lambda _o: TREND_MODES, default="absolute"),
    UrlField("base", "base", int | None, parse_year, _is_year, default=None,
             clamp=lambda v, o, _d: None if v is not None and v not in o.years else v),
    _choice_field("layout", "layout", lambda _o: LAYOUTS, default="long"),
    UrlField("slide", "slide", int, _parse_slide,
             lambda v, _o: isinstance(v, int) and SLIDE_RANGE[0] <= v <= SLIDE_RANGE[1], default=1,
             clamp=lambda v, _o, _d: _clamped_slide(v), note=_slide_note),
    _choice_field("norm", "normalisation", lambda _o: NORMALISATIONS, default=NORMALISATIONS[0],
                  start=lambda o: o.default_normalisation),
    _weights_field("w", "weights", lambda o: o.dimensions),
    _weights_field("wi", "indicator_weights", lambda o: o.index_indicators),
    UrlField("release", "release", int, parse_release,
             lambda v, o: isinstance(v, int) and (v == LATEST or v in o.releases), default=LATEST,
             clamp=lambda v, o, _d: LATEST if v != LATEST and v not in o.releases else v,
             omit=lambda v: v is None or v == LATEST),
    _threshold_field("wmin", "whatif_min"),
    _threshold_field("wtarget", "whatif_target"),
)
PARAM_FIELDS = {f.param: f.name for f in FIELDS}  # URL parameter -> ViewState field
_BY_PARAM = {f.param: f for f in FIELDS}
_BY_NAME = {f.name: f for f in FIELDS}


def _with(self: ViewState, **changes: object) -> ViewState:
    return replace(self, **changes)


ViewState = make_dataclass(
    "ViewState",
    [(f.name, f.type) if f.default is REQUIRED else (f.name, f.type, field(default=f.default)) for f in FIELDS],
    frozen=True, namespace={"with_": _with, "__module__": __name__,
                            "__doc__": "What a page shows, one field per URL parameter (FIELDS)."})


def defaults(options: Options) -> ViewState:
    """A fresh view for these options: Chinese, the latest year, every district, the default standard."""
    return ViewState(**{f.name: f.default if f.start is None else f.start(options) for f in FIELDS})


def parse_params(params: Mapping[str, str | Sequence[str]], options: Options,
                 base: ViewState | None = None, only: Iterable[str] | None = None,
                 ) -> tuple[ViewState, list[Notice]]:
    """Apply the URL parameters present in `params` onto `base` (default: the defaults).

    `only` limits which parameters are applied (the session layer passes the ones that changed in
    the URL since it last wrote it). Unknown parameters are ignored; invalid values fall back to
    the field's default with a Notice; never raises.
    """
    dflt = defaults(options)
    state = base or dflt
    notices: list[Notice] = []
    wanted = set(PARAM_FIELDS) | {"v"} if only is None else set(only)
    version = params.get("v")
    if version is not None and "v" in wanted and _first(version).strip() != SCHEMA_VERSION:
        notices.append(Notice("v", _short(_first(version)), "unknown_version"))
    changes: dict[str, object] = {}
    for spec in FIELDS:
        if spec.param not in params or spec.param not in wanted:
            continue
        raw = _first(params[spec.param])
        value = spec.parse(raw, options)
        if value is None:
            changes[spec.name] = getattr(dflt, spec.name)
            notices.append(Notice(spec.param, _short(raw), "invalid"))
            continue
        if spec.note is not None and (note := spec.note(raw, value, options)) is not None:
            notices.append(Notice(spec.param, _short(note[1]), note[0]))
        changes[spec.name] = value
    state = replace(state, **changes)
    return clamp(state, options), notices


def clamp(state: ViewState, options: Options) -> ViewState:
    """Bring a (possibly stale) state back inside the options, e.g. after an upload changed the years."""
    dflt = defaults(options)
    changes: dict[str, object] = {}
    for spec in FIELDS:
        if spec.clamp is None:
            continue
        value = getattr(state, spec.name)
        fixed = spec.clamp(value, options, dflt)
        if fixed != value:
            changes[spec.name] = fixed
    return replace(state, **changes) if changes else state


def valid_value(name: str, value: object, options: Options) -> bool:
    """Whether `value` is an acceptable value for field `name` (used to vet widget callbacks)."""
    spec = _BY_NAME.get(name)
    return spec is not None and spec.valid(value, options)


def to_params(state: ViewState, params: Iterable[str] = ()) -> dict[str, str]:
    """The URL parameters for `state`: version, language, districts and the given page parameters.

    Fields still at "unset" (base year None, weights all at the catalog default, the latest release)
    are left out.
    """
    out = {"v": SCHEMA_VERSION}
    for param in (*ALWAYS_WRITTEN, *params):
        spec = _BY_PARAM[param]
        value = getattr(state, spec.name)
        if not spec.omit(value):
            out[param] = spec.text(value)
    return out


def changed_params(current: Mapping[str, str | Sequence[str]], last_written: Mapping[str, str]) -> list[str]:
    """Parameters in the URL whose text differs from what the app last wrote there.

    These came from outside (a shared link, a page_link with query_params, an edited address) and
    override the session state; parameters equal to what we wrote are ours and are ignored, so a
    widget change is never undone by the URL of the previous run. An empty URL (Streamlit clears it
    on page change) changes nothing.
    """
    return [k for k, v in current.items() if k in (*PARAM_FIELDS, "v") and last_written.get(k) != _first(v)]


def state_fields() -> list[str]:
    return [f.name for f in fields(ViewState)]
