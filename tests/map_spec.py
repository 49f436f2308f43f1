"""Read the map component's data back as a person sees it: which district is drawn in which class, and
what its hover says, in the year the map shows.

The pages mount `dashboard.map.map_component` as two `bidi_component` elements: the map (`{"map": payload,
"key": ...}`, the same on every rerun) and its year element (`{"key": ..., "year": ...}`). These helpers
mirror what map.js draws from them: the fill of each district in the shown year, the legend entry with
that colour, and the hover lines.
"""

from __future__ import annotations

import json


def component_data(at) -> list[dict]:
    """The data of every map on an AppTest page, with `year`: the year its year element tells it to show."""
    elements = [json.loads(e.proto.json) for e in at.get("bidi_component")]
    years = {d["key"]: d["year"] for d in elements if "map" not in d and "key" in d}
    return [{**d, "year": years.get(d.get("key"))} for d in elements if "map" in d]


def is_map(data: dict) -> bool:
    return isinstance(data, dict) and isinstance(data.get("map"), dict) and "frames" in data["map"]


def frame(data: dict, year: int | None = None) -> dict:
    """The payload's frame for `year` (default: the year the page mounted the map with)."""
    wanted = data["year"] if year is None else year
    return next(f for f in data["map"]["frames"] if f["y"] == wanted)


def _s(m: dict, i: int) -> str:
    return m["strings"][i] if i >= 0 else ""


def legend(data: dict, year: int | None = None) -> list[str]:
    """Legend labels in order: the year's classes, then no data (and not selected when it applies)."""
    m = data["map"]
    labels = [_s(m, label) for label, _ in frame(data, year)["l"]] + [m["noData"]]
    return labels + ([m["notSelected"]] if m["notSelected"] else [])


def drawn(data: dict, year: int | None = None) -> dict[str, str]:
    """adcode -> legend label of how it is drawn ("No data", "Not selected", a class, or "value" when
    the map is continuous)."""
    m = data["map"]
    f = frame(data, year)
    by_color = {_s(m, color): _s(m, label) for label, color in f["l"]}
    out = {}
    for i, adcode in enumerate(m["shapes"]["ids"]):
        if not m["selected"][i]:
            out[adcode] = m["notSelected"]
        elif f["f"][i] < 0:
            out[adcode] = m["noData"]
        else:
            out[adcode] = by_color.get(_s(m, f["f"][i]), "value")
    return out


def hovers(data: dict, year: int | None = None) -> dict[str, str]:
    """adcode -> the hover text map.js shows (title, then `label: value` lines joined by newlines)."""
    m = data["map"]
    f = frame(data, year)
    out = {}
    for i, adcode in enumerate(m["shapes"]["ids"]):
        name, alt = m["names"][i]
        lines = [f"{name} · {alt}" if alt else name, f"{m['ui']['year']}: {f['y']}"]
        lines += [f"{m['fields'][k]}: {_s(m, s)}" for k, s in enumerate(f["h"][i]) if s >= 0]
        out[adcode] = "\n".join(lines)
    return out
