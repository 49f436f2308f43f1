"""Sources written for people: one formatter for every tooltip, table, slide and download.

Why one place: the same figure must never be cited one way on the map and another in the download.
A row's `source` is a catalog source id (lcity_data/catalog/sources.toml), several ids joined by
" ÷ " for a ratio, or free text typed into an uploaded return. A catalog source is written original
document first (issuer, title, date, with its authority grade A/B/C), then "retrieved from" the copy
it was read from; free text is shown as typed and marked as not graded. File paths never appear.
An `official` figure whose document or copy is only C-grade is labelled official (unverified).
Pure: no Streamlit.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from urllib.parse import unquote

from lcity_data.catalog import Source, load_catalog
from lcity_data.provenance import is_official

RATIO_SEP = " ÷ "
UNVERIFIED_GRADES = frozenset({"C"})


@cache
def _by_text() -> dict[str, Source]:
    """Every way a source can be written in a table: its id, its one-line text and its aliases."""
    out: dict[str, Source] = {}
    for src in load_catalog().sources.values():
        for key in (src.text, src.citation, *src.aliases, src.id):
            out[key.strip()] = src
    return out


def lookup(part: str) -> Source | None:
    """The catalog source a table value names (id, one-line text or alias), None for free text."""
    return _by_text().get(str(part).strip())


def parts(value: object) -> list[str]:
    """The sources a value cites: one, or the inputs of a ratio ('a ÷ b'); empty for a missing value."""
    if not isinstance(value, str) or not value.strip():
        return []
    return [p.strip() for p in value.split(RATIO_SEP) if p.strip()]


def cite(src: Source, lang: str) -> str:
    """One catalog source: '〔A级〕宁波市统计局《…》，2021-05-17；转引自 …（C级副本）'."""
    t = load_catalog().citation_texts(lang)
    issuer = src.issuer_en if lang == "en" and src.issuer_en else src.issuer
    title = src.title_en if lang == "en" and src.title_en else src.title
    if not title:
        return src.citation
    template = t["issuer_title"] if title.startswith(("《", "「")) else t["issuer_title_plain"]
    head = template.format(issuer=issuer, title=title) if issuer else title
    text = (t["grade"].format(grade=src.grade) if src.grade in "ABC" and src.grade else "") + head
    if src.date:
        text += t["date"].format(date=src.date)
    if src.retrieved_from:
        text += t["retrieved"].format(copy=unquote(src.retrieved_from), copy_grade=src.copy_grade)
    elif src.url:
        text += t["at"].format(url=unquote(src.url))
    return text


def format_part(part: str, lang: str) -> str:
    """A single source for display: the catalog citation, or the free text marked as not graded."""
    src = lookup(part)
    if src is not None:
        return cite(src, lang)
    return part + load_catalog().citation_texts(lang)["ungraded"]


def format_source(value: object, lang: str) -> str:
    """A table's `source` value for display ('' when there is none); a ratio keeps its 'a ÷ b' form."""
    return RATIO_SEP.join(dict.fromkeys(format_part(p, lang) for p in parts(value)))


def format_sources(values: object, lang: str) -> list[str]:
    """Distinct sources behind many values (ratios split into their inputs), each formatted once."""
    seen: dict[str, None] = {}
    for value in values if not isinstance(values, str) else [values]:
        for p in parts(value):
            seen[format_part(p, lang)] = None
    return list(seen)


def short_cite(part: str, lang: str) -> str:
    """The original document only, for anything handed out (picture footers, slides): grade, issuer, title
    and date; never the address or the copy it was read from (the Sources panel and speaker notes have
    those). Whole: a handout wraps a long citation rather than cutting it."""
    t = load_catalog().citation_texts(lang)
    src = lookup(part)
    if src is None:
        return part + t["ungraded"]
    issuer = src.issuer_en if lang == "en" and src.issuer_en else src.issuer
    title = (src.title_en if lang == "en" and src.title_en else src.title) or src.citation
    template = t["issuer_title"] if title.startswith(("《", "「")) else t["issuer_title_plain"]
    text = t["grade"].format(grade=src.grade) if src.grade in ("A", "B", "C") else ""
    text += template.format(issuer=issuer, title=title) if issuer else title
    return text + (t["date"].format(date=src.date) if src.date else "")


def short_source(value: object, lang: str) -> str:
    """A table's `source` value as shown on a map, in its ranking table or on a slide: `short_cite` of each
    part ('' when there is none); a ratio keeps its 'a ÷ b' form."""
    return RATIO_SEP.join(dict.fromkeys(short_cite(p, lang) for p in parts(value)))


def short_sources(values: object, lang: str) -> list[str]:
    """Distinct original documents behind many values (ratios split), each as `short_cite` writes it."""
    seen: dict[str, None] = {}
    for value in values if not isinstance(values, str) else [values]:
        for p in parts(value):
            seen[short_cite(p, lang)] = None
    return list(seen)


def source_line(values: object, lang: str, limit: int = 2) -> str:
    """The distinct sources behind some values in one short line, most cited first: the first `limit`,
    then 'and n more' (the Sources panel lists them all)."""
    counts = Counter(short_cite(p, lang) for value in (values if not isinstance(values, str) else [values])
                     for p in parts(value))
    names = [name for name, _ in counts.most_common()]
    t = load_catalog().citation_texts(lang)
    text = t["list_sep"].join(names[:limit])
    return text + (t["more"].format(n=len(names) - limit) if len(names) > limit else "")


def is_unverified(value: object) -> bool:
    """True when any catalog source cited has a C-grade document or copy."""
    found = [lookup(p) for p in parts(value)]
    return any(s is not None and ({s.grade, s.copy_grade} & UNVERIFIED_GRADES) for s in found)


def status_suffix(status: object, source: object, lang: str) -> str:
    """'（待核实）' after 官方 when the official figure rests on a C-grade document or copy, else ''."""
    if is_official(status) and is_unverified(source):
        return load_catalog().citation_texts(lang)["unverified_note"]
    return ""


def grade_note(lang: str) -> str:
    """What A/B/C mean, for a caption under a sources list."""
    return load_catalog().citation_texts(lang)["grade_note"]
