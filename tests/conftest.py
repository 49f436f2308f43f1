"""Every test session uses a throwaway release store, never the developer's var/lcity.db.

The app and the CLI find the store through LCITY_DATABASE_URL (lcity_data.store.resolve_url); setting
it here, before any test runs, also reaches app servers the browser tests start (they inherit the
environment). A test that needs its own store sets the variable again with monkeypatch.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session", autouse=True)
def session_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh SQLite store file for this session (per xdist worker); seeded on first use."""
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'lcity.db'}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LCITY_DATABASE_URL", url)
        yield url
