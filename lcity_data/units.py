"""Unit parsing and conversion to base units, done once at the edge.

Budgets arrive in 万元 or 亿元 and populations in 万人; everything inside the package is in base units
(yuan, persons). Conversion uses Decimal on the value's shortest decimal form so that 626.3 万元
becomes exactly 6,263,000 yuan, not 6,262,999.999….
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from lcity_data.catalog import load_catalog
from lcity_data.textnorm import normalise

_BRACKETED = re.compile(r"^(?P<name>.*?)[(\[](?P<unit>[^()\[\]]*)[)\]]\s*$")


class UnknownUnitError(ValueError):
    """A unit label that is not in the units catalog."""


def unit_id_for(label: str) -> str:
    """The catalog unit id for a label such as '万元', 'Funding (10k yuan)' unit part, or '%'."""
    key = normalise(label)
    for unit in load_catalog().units.values():
        if key == unit.id or key in {normalise(lbl) for lbl in unit.labels}:
            return unit.id
    raise UnknownUnitError(label)


def split_header(header: str) -> tuple[str, str | None]:
    """Split '社区教育经费（万元）' into ('社区教育经费', '万元'); full-width brackets are NFKC-folded."""
    text = unicodedata.normalize("NFKC", str(header)).strip()
    match = _BRACKETED.match(text)
    if not match:
        return text, None
    return match.group("name").strip(), match.group("unit").strip()


def to_base(value: float | int | str | Decimal, unit_id: str) -> float:
    """Convert a value in `unit_id` to its base unit (exact decimal arithmetic, float result)."""
    unit = load_catalog().units[unit_id]
    if isinstance(value, Decimal):
        dec = value
    elif isinstance(value, str):
        dec = Decimal(value.strip())
    else:
        dec = as_decimal(value)
    return float(dec * unit.factor)


def base_unit(unit_id: str) -> str:
    return load_catalog().units[unit_id].base


def as_decimal(value: float) -> Decimal:
    """The shortest decimal that round-trips to this float: what a person typed."""
    return Decimal(repr(float(value)))
