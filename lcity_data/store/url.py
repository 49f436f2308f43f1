"""Which store to use: --db URL, then LCITY_DATABASE_URL, then .streamlit/secrets.toml, then var/lcity.db.

The secrets file follows Streamlit's `st.connection` convention (`[connections.lcity] url = "..."`),
so one file configures both the app and the command line on a server.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from lcity_data.store.errors import StoreError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ENV_VAR = "LCITY_DATABASE_URL"
DEFAULT_SQLITE = Path("var") / "lcity.db"


def default_url(root: Path | None = None) -> str:
    """The embedded SQLite store under the project root (git-ignored `var/`)."""
    return f"sqlite:///{(root or PROJECT_ROOT) / DEFAULT_SQLITE}"


def _secrets_url(root: Path) -> str | None:
    path = root / ".streamlit" / "secrets.toml"
    if not path.is_file():
        return None
    try:
        with path.open("rb") as fh:
            secrets = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise StoreError(str(path), f"cannot read the secrets file ({exc})",
                         "Fix the file (TOML syntax) or pass --db URL.") from None
    url = secrets.get("connections", {}).get("lcity", {}).get("url")
    return url if isinstance(url, str) and url.strip() else None


def resolve_url(cli_url: str | None = None, *, root: Path | None = None) -> str:
    """The store URL by precedence: argument, environment, secrets file, default SQLite file."""
    root = root or PROJECT_ROOT
    for candidate in (cli_url, os.environ.get(ENV_VAR), _secrets_url(root)):
        if candidate and candidate.strip():
            return candidate.strip()
    return default_url(root)
