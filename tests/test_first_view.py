"""A map page's main column is sent before the sidebar's widgets (PageSpec.main_first, dashboard/frame.py):
the sidebar they end up in is the same, and such pages never stop their run (which would leave it empty)."""

from __future__ import annotations

import ast
from pathlib import Path

from app_harness import go, make_app

from dashboard import navigation

ROOT = Path(__file__).resolve().parents[1]


def _st_calls(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and isinstance(n.func.value, ast.Name) and n.func.value.id == "st"}


def test_main_first_pages_never_stop_their_run():
    firsts = [p for p in navigation.PAGES if p.main_first]
    assert {p.key for p in firsts} == {"overview", "map", "funding"}
    for p in firsts:
        assert not _st_calls(ROOT / p.path) & {"stop", "switch_page"}, p.path


def _leaves(node) -> list[tuple[str, str]]:
    """The elements under `node`, in the order they are shown (a container's elements where it stands)."""
    if hasattr(node, "children"):
        return [leaf for _, child in sorted(node.children.items()) for leaf in _leaves(child)]
    return [(node.type, getattr(node, "key", None) or str(getattr(node, "value", ""))[:12])]


def _sidebar(at) -> list[tuple[str, str]]:
    return _leaves(at.sidebar)


def test_the_sidebar_is_the_same_when_drawn_after_the_page():
    at = make_app("map", deep_link=True)
    drawn_after = _sidebar(at)
    # the language, the page's controls, the year-gap note and the share hint, the phone sidebar's listener,
    # then the release line, as when drawn first
    assert [t for t, _ in drawn_after] == ["radio", "selectbox", "select_slider", "multiselect", "caption", "caption",
                                           "bidi_component", "caption"]
    assert drawn_after[-1][1].startswith("数据版本")
    assert at.selectbox(key="_w_indicator_sel").value == "funding_per_capita"
    assert at.select_slider(key="_w_year").value == 2024
    go(at, "profile")  # a page whose sidebar is drawn first: the language and the year lead it the same way
    assert [t for t, _ in _sidebar(at)[:2]] == ["radio", "select_slider"]
    go(at, "map")
    assert _sidebar(at) == drawn_after
