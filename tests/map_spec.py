"""Read a choropleth's plotly spec back as a person sees it: which district is drawn, in which class.

`dashboard.figures.choropleth` draws each district as a filled scatter path (`meta` = adcode) in a
legend group; the group's legend-only entry carries the class label.
"""

from __future__ import annotations


def district_traces(spec: dict) -> list[dict]:
    return [t for t in spec["data"] if t.get("fill") == "toself" and t.get("meta")]


def is_map(spec: dict) -> bool:
    return bool(district_traces(spec))


def drawn(spec: dict) -> dict[str, str]:
    """adcode -> legend label of its class ("No data", "Not selected", a class range...)."""
    labels = {t["legendgroup"]: t["name"] for t in spec["data"] if t.get("showlegend") and "legendgroup" in t}
    return {t["meta"]: labels.get(t["legendgroup"], t["legendgroup"]) for t in district_traces(spec)}


def hovers(spec: dict) -> dict[str, str]:
    """adcode -> the district's hover text."""
    return {t["meta"]: t["text"] for t in district_traces(spec)}
