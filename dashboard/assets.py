"""Self-hosted Leaflet for the folium view (no CDN, works on an offline venue laptop).

Leaflet 1.9.4 comes inside the PyPI package django-js-lib-leaflet (no Django needed). At app start
its leaflet.js, leaflet.css and images/ are copied to `static/vendor/leaflet/` (git-ignored), which
Streamlit serves at `/app/static/vendor/leaflet/` because `.streamlit/config.toml` sets
`server.enableStaticServing = true`. The copy is idempotent: files already there with the same size
are left alone.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC_DIR = ROOT / "static"
LEAFLET_DIR = STATIC_DIR / "vendor" / "leaflet"
LEAFLET_FILES = ("leaflet.js", "leaflet.css")


def leaflet_source() -> Path:
    """Where the installed package keeps Leaflet's dist files."""
    return Path(str(resources.files("js_lib_leaflet"))) / "static" / "js_lib_leaflet"


def ensure_leaflet(dest: Path = LEAFLET_DIR, source: Path | None = None) -> list[Path]:
    """Copy Leaflet's JS, CSS and marker/layer images into `dest` if missing; returns files copied."""
    src = source or leaflet_source()
    wanted = [src / name for name in LEAFLET_FILES] + sorted((src / "images").glob("*.png"))
    copied = []
    for path in wanted:
        target = dest / path.relative_to(src)
        if target.exists() and target.stat().st_size == path.stat().st_size:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".tmp")
        shutil.copyfile(path, tmp)
        tmp.replace(target)
        copied.append(target)
    return copied
