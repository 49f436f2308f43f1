"""The words of the district profile and the annual report (catalog/report.toml), and the few
formatting rules they share: a value or "no data", a data status, the change arrow, the release line.

Why in lcity_data: the printable profile and the report are written from the command line without the
app (lcity_data never imports dashboard); the profile page reads the same column names from here, so
screen and paper name things the same way. Pure: no Streamlit.
"""

from __future__ import annotations

from datetime import date

from lcity_data.catalog import load_catalog
from lcity_data.numbers import decimals, shown_text
from lcity_data.ranking import shown


def label(key: str, lang: str, **fmt: object) -> str:
    """The text `section.name` from report.toml in `lang`, formatted with `fmt`."""
    section, _, name = key.partition(".")
    text = load_catalog().report_texts()[section][name][lang]
    return text.format(**fmt) if fmt else text


def issuer(lang: str) -> str:
    """The issuing unit (制表单位), the one the briefing's slides name (catalog/briefing.toml)."""
    return load_catalog().issuer(lang)


def value(amount: object, unit: str, lang: str) -> str:
    """'3.70 元/人', '98.58 万人', or 'no data' for a missing value."""
    if amount is None or amount != amount:  # None or NaN
        return label("profile.no_data", lang)
    return shown_text(float(amount), unit, lang)  # type: ignore[arg-type]


def status(status_id: object, lang: str) -> str:
    """A data status as people read it (官方 / official …), '' when there is none."""
    statuses = load_catalog().statuses
    return getattr(statuses[status_id], lang) if isinstance(status_id, str) and status_id in statuses else ""


def arrow(trend: str) -> str:
    """↑ ↓ → for a change, '' without last year's value."""
    return "" if trend == "none" else label(f"profile.arrow_{trend}", "zh")


def change(amount: float | None, trend: str, unit: str, lang: str) -> str:
    """'↑ +0.18 元/人', '→ 0', or '' without last year's value."""
    if amount is None:
        return ""
    sign = "+" if amount > 0 else "−" if amount < 0 else ""
    return f"{arrow(trend)} {sign}{shown_text(abs(amount), unit, lang)}"


def since_first(series: tuple[tuple[int, float], ...], year: int, unit: str, lang: str) -> str:
    """'↑ 2015年 9.52 元/人': the first year with a value, that value, and which way the value moved since
    (at the shown precision); '' when `year` is the first or has no value. The report's trend column:
    paper has no trend line, and last year's change alone hides a long slide."""
    now = next((v for y, v in series if y == year), None)
    earlier = [(y, v) for y, v in series if y < year]
    if now is None or not earlier:
        return ""
    first_year, first = earlier[0]
    diff = shown(now, decimals(unit)) - shown(first, decimals(unit))
    trend = "up" if diff > 0 else "down" if diff < 0 else "flat"
    return label("report.since", lang, arrow=arrow(trend), year=first_year, value=shown_text(first, unit, lang))


def release_line(release: int | None, published: date | None, lang: str) -> str:
    """'数据：数据版本 3（2026-12-01）', or '' when the data are not a published release."""
    if release is None or published is None:
        return ""
    return label("profile.release", lang, release=release, date=published.isoformat())


def issued_line(lang: str, today: date | None = None) -> str:
    """'制表单位：… · 制表日期：2026-12-07'."""
    return label("profile.issued", lang, issuer=issuer(lang), date=(today or date.today()).isoformat())
