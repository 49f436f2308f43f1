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

`parse_params` never raises: a bad or stale value falls back to the default for that field and is
reported as a `Notice`. `to_params` writes the fields a page uses (plus v, lang, district). Weights
are written only where they differ from the catalog, so a default view keeps a short link.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from decimal import Decimal, InvalidOperation

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
WEIGHT_FIELDS = ("weights", "indicator_weights")
THRESHOLD_FIELDS = ("whatif_min", "whatif_target")
MAX_THRESHOLD = Decimal(10) ** 9
Weights = tuple[tuple[str, int], ...]  # (key, raw weight) pairs in catalog order; only non-default ones

# URL parameter -> ViewState field
PARAM_FIELDS = {
    "lang": "lang",
    "indicator": "indicator",
    "year": "year",
    "years": "years",
    "district": "districts",
    "standard": "standard",
    "classes": "classes",
    "k": "k",
    "view": "view",
    "mode": "mode",
    "base": "base",
    "layout": "layout",
    "slide": "slide",
    "norm": "normalisation",
    "w": "weights",
    "wi": "indicator_weights",
    "release": "release",
    "wmin": "whatif_min",
    "wtarget": "whatif_target",
}
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
class ViewState:
    lang: str
    indicator: str
    year: int
    years: tuple[int, int]
    districts: tuple[str, ...]
    standard: str
    classes: str = "quantiles"
    k: int = 5
    view: str = "plotly"
    mode: str = "absolute"
    base: int | None = None
    layout: str = "long"
    slide: int = 1
    normalisation: str = NORMALISATIONS[0]
    weights: Weights = ()
    indicator_weights: Weights = ()
    release: int = LATEST
    whatif_min: str | None = None  # a what-if threshold as decimal text ("6.5"); None = the standard's own
    whatif_target: str | None = None

    def with_(self, **changes: object) -> ViewState:
        return replace(self, **changes)


@dataclass(frozen=True)
class Notice:
    """A URL parameter that was ignored: its name, the (shortened) value, and why."""

    param: str
    value: str
    reason: str  # "invalid" | "unknown_version" | "partly_invalid" | "clamped"


def defaults(options: Options) -> ViewState:
    years = options.years
    return ViewState(
        lang=LANGS[0],
        indicator=options.default_indicator if options.default_indicator in options.indicators
        else options.indicators[0],
        year=max(years),
        years=(min(years), max(years)),
        districts=tuple(options.adcodes),
        standard=options.default_standard if options.default_standard in options.standards
        else options.standards[0],
        normalisation=options.default_normalisation,
    )


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


def parse_field(name: str, raw: str, options: Options) -> tuple[object | None, list[str]]:
    """Parse one field from its raw URL text: (value or None if invalid, rejected district parts)."""
    if name == "lang":
        return _parse_choice(raw, LANGS), []
    if name == "indicator":
        return _parse_choice(raw, options.indicators), []
    if name == "year":
        return parse_year(raw, options), []
    if name == "years":
        return parse_year_range(raw, options), []
    if name == "districts":
        return parse_districts(raw, options)
    if name == "standard":
        return _parse_choice(raw, options.standards), []
    if name == "classes":
        return _parse_choice(raw, CLASS_METHODS), []
    if name == "k":
        k = _parse_int(raw)
        return (k if k is not None and K_RANGE[0] <= k <= K_RANGE[1] else None), []
    if name == "view":
        return _parse_choice(raw, MAP_VIEWS), []
    if name == "mode":
        return _parse_choice(raw, TREND_MODES), []
    if name == "base":
        return parse_year(raw, options), []
    if name == "layout":
        return _parse_choice(raw, LAYOUTS), []
    if name == "slide":
        n = _parse_int(raw)
        return (None if n is None else min(max(n, SLIDE_RANGE[0]), SLIDE_RANGE[1])), []
    if name == "normalisation":
        return _parse_choice(raw, NORMALISATIONS), []
    if name == "weights":
        return parse_weights(raw, options.dimensions), []
    if name == "indicator_weights":
        return parse_weights(raw, options.index_indicators), []
    if name == "release":
        return parse_release(raw, options), []
    if name in THRESHOLD_FIELDS:
        return parse_threshold(raw), []
    raise KeyError(name)


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
    for param, name in PARAM_FIELDS.items():
        if param not in params or param not in wanted:
            continue
        raw = _first(params[param])
        value, rejected = parse_field(name, raw, options)
        if value is None:
            changes[name] = getattr(dflt, name)
            notices.append(Notice(param, _short(raw), "invalid"))
            continue
        if rejected:
            notices.append(Notice(param, _short(DISTRICT_SEP.join(rejected)), "partly_invalid"))
        elif name == "slide" and value != _parse_int(raw):
            # a presenter's "slide=9" of 6 shows the nearest slide, and says so
            notices.append(Notice(param, _short(raw), "clamped"))
        changes[name] = value
    state = replace(state, **changes)
    return clamp(state, options), notices


def clamp(state: ViewState, options: Options) -> ViewState:
    """Bring a (possibly stale) state back inside the options, e.g. after an upload changed the years."""
    dflt = defaults(options)
    changes: dict[str, object] = {}
    if state.indicator not in options.indicators:
        changes["indicator"] = dflt.indicator
    if state.year not in options.years:
        changes["year"] = dflt.year
    start, end = state.years
    inside = [y for y in options.years if start <= y <= end]
    if not inside:
        changes["years"] = dflt.years
    elif (inside[0], inside[-1]) != (start, end):
        changes["years"] = (inside[0], inside[-1])
    if any(d not in options.adcodes for d in state.districts):
        changes["districts"] = tuple(d for d in options.adcodes if d in state.districts)
    if state.standard not in options.standards:
        changes["standard"] = dflt.standard
    if state.base is not None and state.base not in options.years:
        changes["base"] = None
    if not SLIDE_RANGE[0] <= state.slide <= SLIDE_RANGE[1]:
        changes["slide"] = min(max(state.slide, SLIDE_RANGE[0]), SLIDE_RANGE[1])
    if state.release != LATEST and state.release not in options.releases:
        changes["release"] = LATEST
    for name, keys in (("weights", options.dimensions), ("indicator_weights", options.index_indicators)):
        kept = tuple(pair for pair in getattr(state, name) if pair[0] in keys)
        if kept != getattr(state, name):
            changes[name] = kept
    return replace(state, **changes) if changes else state


def valid_value(name: str, value: object, options: Options) -> bool:
    """Whether `value` is an acceptable value for field `name` (used to vet widget callbacks)."""
    if name == "lang":
        return value in LANGS
    if name == "indicator":
        return value in options.indicators
    if name in ("year", "base"):
        return isinstance(value, int) and value in options.years
    if name == "years":
        return (isinstance(value, tuple) and len(value) == 2 and all(isinstance(y, int) for y in value)
                and value[0] <= value[1])
    if name == "districts":
        return isinstance(value, tuple) and all(v in options.adcodes for v in value)
    if name == "standard":
        return value in options.standards
    if name == "classes":
        return value in CLASS_METHODS
    if name == "k":
        return isinstance(value, int) and K_RANGE[0] <= value <= K_RANGE[1]
    if name == "view":
        return value in MAP_VIEWS
    if name == "mode":
        return value in TREND_MODES
    if name == "layout":
        return value in LAYOUTS
    if name == "slide":
        return isinstance(value, int) and SLIDE_RANGE[0] <= value <= SLIDE_RANGE[1]
    if name == "normalisation":
        return value in NORMALISATIONS
    if name == "weights":
        return _valid_weights(value, options.dimensions)
    if name == "indicator_weights":
        return _valid_weights(value, options.index_indicators)
    if name == "release":
        return isinstance(value, int) and (value == LATEST or value in options.releases)
    if name in THRESHOLD_FIELDS:
        return value is None or (isinstance(value, str) and parse_threshold(value) == value)
    return False


def field_to_text(name: str, value: object) -> str:
    if name == "years":
        return format_year_range(value)  # type: ignore[arg-type]
    if name == "districts":
        return format_districts(value)  # type: ignore[arg-type]
    if name in WEIGHT_FIELDS:
        return format_weights(value)  # type: ignore[arg-type]
    return str(value)


def to_params(state: ViewState, params: Iterable[str] = ()) -> dict[str, str]:
    """The URL parameters for `state`: version, language, districts and the given page parameters.

    Fields still at "unset" (base year None, weights all at the catalog default, the latest release)
    are left out.
    """
    out = {"v": SCHEMA_VERSION}
    for param in (*ALWAYS_WRITTEN, *params):
        name = PARAM_FIELDS[param]
        value = getattr(state, name)
        if value is None or (name in WEIGHT_FIELDS and not value) or (name == "release" and value == LATEST):
            continue
        out[param] = field_to_text(name, value)
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
