"""How data statuses combine (official, derived, reported, illustrative), from catalog/statuses.toml.

Why one module: a per-capita figure, a city total, an index and a map hover all have to say how
trustworthy a computed value is, and they must agree. A computed value is as strong as its weakest
input (a real population divided into a sample funding figure is still a sample), and a value whose
inputs are partly real and partly sample is flagged as mixing sources.
"""

from __future__ import annotations

from collections.abc import Iterable

from lcity_data.catalog import Status, load_catalog

OFFICIAL = "official"  # published statistics: the status whose sources are graded (see lcity_data.citation)
SAMPLE = "sample"  # the `origin` of made-up values


def _statuses() -> dict[str, Status]:
    return load_catalog().statuses


def strength(status: str) -> int:
    """Higher is stronger (official/derived > reported > illustrative)."""
    return _statuses()[status].strength


def is_illustrative(status: object) -> bool:
    """Whether a value with this status is made-up sample data (示例), which must never pass as real."""
    found = _statuses().get(status) if isinstance(status, str) else None
    return found is not None and found.origin == SAMPLE


def any_illustrative(statuses: Iterable[object]) -> bool:
    """Whether any of these statuses (e.g. a table's status column) is illustrative."""
    return any(is_illustrative(s) for s in set(statuses))


def all_illustrative(statuses: Iterable[object]) -> bool:
    """Whether every one of these statuses is illustrative (True when there are none)."""
    return all(is_illustrative(s) for s in set(statuses))


def illustrative_share(statuses: Iterable[object]) -> tuple[int, int]:
    """(how many of these values are illustrative, how many carry a status at all): the share a map's
    or a card's "7 of 10 districts illustrative" says, so one real return among samples is visible."""
    present = _present(statuses)
    return sum(is_illustrative(s) for s in present), len(present)


def is_official(status: object) -> bool:
    """Whether a value is a published statistic (the status a C-grade source makes 'to be verified')."""
    return status == OFFICIAL


def _present(statuses: Iterable[object]) -> list[str]:
    return [s for s in statuses if isinstance(s, str) and s]


def weakest(statuses: Iterable[object]) -> str | None:
    """The weakest of the given statuses (blanks ignored), or None when there are none."""
    present = _present(statuses)
    return min(present, key=strength) if present else None


def derived_status(statuses: Iterable[object]) -> str | None:
    """The status of a value computed from inputs with these statuses (None without inputs)."""
    low = weakest(statuses)
    return None if low is None else _statuses()[low].as_derived


def mixed(statuses: Iterable[object]) -> bool:
    """Whether the inputs come from both real data and sample (illustrative) data."""
    return len({_statuses()[s].origin for s in _present(statuses)}) > 1


def ratio_provenance(numerator: object, denominator: object) -> tuple[str | None, bool]:
    """A ratio's (status, mixed) from its two inputs' statuses; (None, False) unless both have one."""
    if len(_present([numerator, denominator])) < 2:
        return None, False
    return derived_status([numerator, denominator]), mixed([numerator, denominator])


def status_aliases() -> dict[str, str]:
    """What a return's status column may say -> status id (aliases as written in the catalog)."""
    return {alias: sid for sid, spec in _statuses().items() for alias in spec.aliases}
