"""The city deployment of deploy/, started here exactly as a city IT office would try it.

`bash deploy/local.sh up` (a temp state dir, free loopback ports) starts PostgreSQL, two app servers and
HAProxy; the tests drive Chromium through the proxy and stop it all with `down`. A visitor is pinned
to one server with the proxy's own sticky cookie (LCITY_SERVER=app1|app2), as after a first visit.

* a publish through the shared store (the command line with the printed URL) shows on pages served by
  the other server, which was warm before and is not restarted;
* killing the server a visitor is on: the open page reconnects through the proxy to the other server
  and shows the view its URL holds (year stepped on the map before the kill), with no error box;
* the proxy's health check marks the dead server DOWN and sends its visitors to the live one.
Missing haproxy or PostgreSQL fails with the install hint (scripts/setup.sh test installs both).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from driver import (
    ROOT,
    exceptions,
    free_port,
    map_slider,
    maps_on_page,
    new_context,
    new_page,
    screenshot,
    wait_for_app,
    wait_for_map,
)

pytestmark = pytest.mark.browser

UP_TIMEOUT_S = 300
RETURN = "年份,地区,指标,数值,单位\n2024,海曙区,社区教育经费,1234.5,万元\n"
PUBLISHED_BY = "deploy-test"
HAISHU = "330203"
ERROR_BOXES = ('[data-testid="stException"], [data-testid="stAlertContentError"], '
               '[role="dialog"]:visible')
_STATE_JS = "document.querySelector('[data-testid=\"stApp\"]').getAttribute('data-test-connection-state')"


@dataclass
class City:
    state: Path
    db_url: str
    base_url: str

    def pid(self, server: str) -> int:
        return int((self.state / f"{server}.pid").read_text())

    def proxy_sees(self) -> dict[str, str]:
        """{server: status} from HAProxy's admin socket (`show stat`), e.g. {"app1": "UP", ...}."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(self.state / "haproxy.sock"))
            sock.sendall(b"show stat\n")
            data = b"".join(iter(lambda: sock.recv(65536), b"")).decode()
        rows = [line.split(",") for line in data.splitlines() if line and not line.startswith("#")]
        return {r[1]: r[17] for r in rows if r[0] == "lcity_apps" and r[1] not in ("FRONTEND", "BACKEND")}


def _local_sh(command: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(ROOT / "deploy" / "local.sh"), command], env=env, capture_output=True,
                          text=True, timeout=UP_TIMEOUT_S, check=False, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def city() -> Iterator[City]:
    if not (Path("/usr/sbin/haproxy").exists() or shutil.which("haproxy")):
        pytest.fail("haproxy is missing: run `bash scripts/setup.sh test` (installs Debian's haproxy)", pytrace=False)
    state = Path(tempfile.mkdtemp(prefix="lcity-deploy-"))  # under /tmp: the postgres user can reach it
    os.chmod(state, 0o755)
    ports = {name: str(free_port()) for name in ("LCITY_PROXY_PORT", "LCITY_APP1_PORT", "LCITY_APP2_PORT",
                                                   "LCITY_PG_PORT")}
    env = {**os.environ, **ports, "LCITY_DEPLOY_STATE": str(state), "LCITY_PYTHON": sys.executable}
    env.pop("LCITY_DATABASE_URL", None)  # the servers get the deployment's own store, nothing inherited
    try:
        up = _local_sh("up", env)
        assert up.returncode == 0, f"local.sh up failed:\n{up.stderr[-4000:]}"
        lines = up.stdout.strip().splitlines()
        assert len(lines) == 2, up.stdout  # exactly the two lines the README promises
        assert lines[0].startswith("LCITY_DATABASE_URL=postgresql+psycopg://"), lines
        assert lines[1] == f"http://127.0.0.1:{ports['LCITY_PROXY_PORT']}/", lines
        yield City(state, lines[0].split("=", 1)[1], lines[1].rstrip("/"))
    finally:
        down = _local_sh("down", env)
        shutil.rmtree(state, ignore_errors=True)
        assert down.returncode == 0, down.stderr
    for port in ports.values():  # down stopped every listener it started
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", int(port))) != 0, f"port {port} still open after down"


def _pinned_context(browser, city: City, server: str):
    ctx = new_context(browser, city.base_url)
    ctx.add_cookies([{"name": "LCITY_SERVER", "value": server, "url": city.base_url}])
    ctx.served_by = []
    return ctx


def _open(page, city: City, path: str) -> dict:
    """Open `path` through the proxy; return the map's summary. Records which server sent the page."""
    response = page.goto(city.base_url + path, wait_until="domcontentloaded")
    page.context.served_by.append(response.headers.get("x-lcity-server"))
    wait_for_app(page, timeout_ms=90_000)
    return wait_for_map(page, timeout_ms=90_000)


def _release_line(page) -> str:
    return page.locator('[data-testid="stSidebar"]').get_by_text(re.compile(r"数据版本 \d+")).first.inner_text()


def _server_for(city: City, cookie: str) -> str | None:
    req = urllib.request.Request(city.base_url + "/_stcore/health", headers={"Cookie": f"LCITY_SERVER={cookie}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.headers.get("X-Lcity-Server")


def test_a_publish_shows_on_the_other_server_without_restart(browser, city):
    assert all(status.startswith("UP") for status in city.proxy_sees().values()), city.proxy_sees()
    app2_pid = city.pid("app2")
    ctx = _pinned_context(browser, city, "app2")
    try:
        page = new_page(ctx, city.base_url)
        before = _open(page, city, "/map?year=2024")
        assert _release_line(page).startswith("数据版本 1 ")
        path = city.state / "return.csv"
        path.write_text(RETURN, encoding="utf-8")
        # the command line a city editor runs, against the store app1 uses (the one shared database)
        publish = subprocess.run(
            [sys.executable, "-m", "lcity_data", "publish", str(path), "--by", PUBLISHED_BY, "--db", city.db_url],
            cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
        assert publish.returncode == 0, publish.stdout + publish.stderr
        after = _open(page, city, "/map?year=2024")
        line = _release_line(page)
        screenshot(page, "deploy_publish_on_app2")
        assert line.startswith("数据版本 2 "), line
        assert PUBLISHED_BY in line
        assert after["hover"][HAISHU] != before["hover"][HAISHU], "海曙区's value did not change on app2"
        assert ctx.served_by == ["app2", "app2"]
        assert city.pid("app2") == app2_pid  # the same process, not restarted
        os.kill(app2_pid, 0)
        assert not exceptions(page)
        assert not ctx.page_errors
        assert not ctx.bad_responses
    finally:
        ctx.close()


def test_a_killed_server_hands_its_visitor_to_the_other(browser, city):
    ctx = _pinned_context(browser, city, "app1")
    try:
        page = new_page(ctx, city.base_url)
        _open(page, city, "/map?year=2024")
        assert ctx.served_by == ["app1"]
        # the visitor steps the year on the map: the URL follows, so it is part of the view to keep
        slider = map_slider(page)
        slider.focus()
        slider.press("ArrowLeft")
        page.wait_for_function("() => new URLSearchParams(location.search).get('year') === '2023'")
        wait_for_app(page)
        url, shown = page.url, maps_on_page(page)[0]

        os.kill(city.pid("app1"), signal.SIGKILL)
        # The proxy closes the visitor's WebSocket at once; the page notices, pings the server through
        # the proxy and reconnects by itself (no reload, no click), to app2. The waits poll the page,
        # which also keeps headless Chromium delivering the close event promptly.
        page.wait_for_function(f"() => {_STATE_JS} !== 'CONNECTED'", timeout=60_000, polling=100)
        page.wait_for_function(f"() => {_STATE_JS} === 'CONNECTED'", timeout=90_000, polling=100)
        wait_for_app(page, timeout_ms=90_000)
        again = wait_for_map(page, timeout_ms=90_000)
        screenshot(page, "deploy_after_failover")
        assert {c["name"]: c["value"] for c in ctx.cookies()}["LCITY_SERVER"] == "app2"
        assert page.url == url
        assert again["year"] == shown["year"] == 2023
        assert again["mapId"] == shown["mapId"]
        assert again["hover"] == shown["hover"]
        assert page.locator(ERROR_BOXES).count() == 0, page.locator(ERROR_BOXES).all_inner_texts()

        assert not exceptions(page)
        assert not ctx.page_errors, ctx.page_errors
        # the visitor is app2's now: the same link opens there, the same view
        reloaded = _open(page, city, url.removeprefix(city.base_url))
        assert ctx.served_by == ["app1", "app2"]
        assert reloaded["year"] == 2023
        assert reloaded["hover"] == shown["hover"]

        # the health check takes the dead server out: DOWN on the proxy, its visitors go to app2
        deadline = time.monotonic() + 30
        while city.proxy_sees().get("app1") != "DOWN" and time.monotonic() < deadline:
            time.sleep(0.5)
        sees = city.proxy_sees()
        assert sees["app1"] == "DOWN"
        assert sees["app2"].startswith("UP")
        assert _server_for(city, "app1") == "app2"
    finally:
        ctx.close()
