"""Load run of the city deployment (deploy/): simulated visitors through HAProxy while a publish runs.

Run: `python -m bench.city_load [--visitors 10 25 50] [--duration 60]`. It starts `deploy/local.sh up` (temp
state dir, free loopback ports: PostgreSQL, two app servers, HAProxy), runs each visitor count for
`--duration` seconds, then `down`. Writes bench/city_load.json and its section of bench/RESULTS.md.

A visitor is a websocket client speaking Streamlit's own protocol (the protobuf messages the browser
sends and receives), not a browser: on this 2-core machine a cold page costs headless Chromium 4–9 s of
CPU (tests/browser/test_load.py), so 50 browser contexts would measure Chromium starving, not the
servers. What the client does is what the page does on the wire, minus drawing:
* **open a link**: GET the page through the proxy (keeps the sticky cookie like a browser), open
  /_stcore/stream with that cookie, send the page's rerun request with the link's query string, read
  messages until the script has finished. "link → map data" is GET start → the map component's
  element (its ~84 KB payload) received.
* **step the year** (3 per link; a pause of 0.5–1.5 s before each step and each link, as a person
  reads): the map's timeline reports the year as component state, exactly the message the browser
  sends (the map widget's id, `{"year": {"year": Y, "seq": n}}`), then the round trip until the script
  has finished; the address the page writes must then hold year Y.
The links are the three map pages (Map, Overview, Funding check) with a random year.
Counted: errors (an exception or error element, a run that did not finish successfully, an HTTP error,
a failed connect, a step whose address did not follow, a timeout), disconnects (the socket closed by
the other side), latencies, each app server's RSS (sampled each second) and CPU, the machine's load.
One publish (`python -m lcity_data publish ... --db URL`) runs at a third of each window; links opened
after it must show the new release.
Bounded: every wait has a timeout (STEP_TIMEOUT_S), each visitor stops at the window's end or after
MAX_LINKS links, the whole run has an overall timeout; only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.browser import free_port, percentile

ROOT = Path(__file__).resolve().parents[1]
RESULTS_JSON = ROOT / "bench" / "city_load.json"
RESULTS_MD = ROOT / "bench" / "RESULTS.md"
MARK_START, MARK_END = "<!-- city-load:start -->", "<!-- city-load:end -->"

HOST = "127.0.0.1"
LINKS = (("map", "/map"), ("", "/"), ("funding", "/funding"))  # (page_name, path): the pages with the map
YEARS = tuple(range(2012, 2025))
STEPS_PER_LINK = 3
STEP_TIMEOUT_S = 60.0
MAX_LINKS = 200
ARRIVAL_GAP_S = 0.1
THINK_S = (0.5, 1.5)  # a person reads between two actions (uniform); 0 would make every visitor a tight loop
MAP_COMPONENT = "map"  # component_name ends with this; the year element ends with "_year"
RETURN = "年份,地区,指标,数值,单位\n2024,海曙区,社区教育经费,{value},万元\n"


@dataclass
class Tally:
    """What one window measured."""

    visitors: int
    errors: list[str] = field(default_factory=list)
    disconnects: int = 0
    link_to_map: list[float] = field(default_factory=list)
    link_to_done: list[float] = field(default_factory=list)
    steps: list[float] = field(default_factory=list)
    links: int = 0
    links_after_publish: int = 0
    stale_after_publish: int = 0
    served: dict[str, int] = field(default_factory=dict)
    publish: dict = field(default_factory=dict)
    published_at: float | None = None
    release_after: int | None = None


class Visit:
    """One open page: a websocket session on the server the proxy chose."""

    def __init__(self, ws, tally: Tally) -> None:
        self.ws, self.tally = ws, tally
        self.query = ""
        self.map_id: str | None = None
        self.cached: set[str] = set()
        self.release: int | None = None
        self.seq = int(time.time() * 1000)

    async def run_until_finished(self, started: float, *, want_map: bool) -> tuple[float | None, float]:
        """Read until script_finished; returns (map element's arrival, finish) in seconds after `started`."""
        map_at = None
        deadline = time.monotonic() + STEP_TIMEOUT_S
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), max(0.1, deadline - time.monotonic()))
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if msg.metadata.cacheable and msg.hash:
                self.cached.add(msg.hash)
            if kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                self._element(msg.delta.new_element)
                if want_map and map_at is None and self.map_id and msg.delta.new_element.WhichOneof("type") == \
                        "bidi_component" and msg.delta.new_element.bidi_component.id == self.map_id:
                    map_at = time.monotonic() - started
            elif kind == "script_finished":
                if msg.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    self.tally.errors.append(f"script finished with status {msg.script_finished}")
                return map_at, time.monotonic() - started

    def _element(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.tally.errors.append(f"exception element: {element.exception.message[:200]}")
        elif kind == "alert" and element.alert.format == Alert.ERROR:
            self.tally.errors.append(f"error element: {element.alert.body[:200]}")
        elif kind == "bidi_component":
            comp = element.bidi_component
            if comp.component_name.endswith(MAP_COMPONENT) and not comp.component_name.endswith("_year"):
                self.map_id = comp.id
        elif kind == "markdown":
            found = re.search(r"数据版本 (\d+) ", element.markdown.body)
            if found:
                self.release = int(found.group(1))

    def rerun(self, page_name: str, url: str, widgets: dict[str, str] | None = None) -> bytes:
        msg = BackMsg()
        req = msg.rerun_script
        req.query_string = self.query
        req.page_name = page_name
        req.context_info.url = url
        req.context_info.locale = "zh-CN"
        req.context_info.timezone = "UTC"
        req.cached_message_hashes.extend(sorted(self.cached))
        for wid, value in (widgets or {}).items():
            w = req.widget_states.widgets.add()
            w.id = wid
            w.json_value = value
        return msg.SerializeToString()


async def http_get(port: int, path: str, cookies: dict[str, str]) -> tuple[int, str]:
    """GET `path` from the proxy (HTTP/1.1, Connection: close); keep its Set-Cookie; (status, server)."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        writer.write((f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAccept: text/html\r\n"
                      + (f"Cookie: {cookie}\r\n" if cookie else "") + "Connection: close\r\n\r\n").encode())
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), STEP_TIMEOUT_S)
    finally:
        writer.close()
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status, server = int(head[0].split()[1]), ""
    for line in head[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "set-cookie":
            key, _, val = value.strip().split(";", 1)[0].partition("=")
            cookies[key] = val
        elif name.lower() == "x-lcity-server":
            server = value.strip()
    return status, server


async def visitor(n: int, port: int, tally: Tally, deadline: float, rng: random.Random, *,
                  cookies: dict[str, str] | None = None, links: tuple = LINKS, steps: int = STEPS_PER_LINK,
                  max_links: int = MAX_LINKS) -> None:
    """Open links and step the year until `deadline` (at most `max_links` links); tally what happens."""
    cookies = {} if cookies is None else cookies
    for _ in range(max_links):
        if time.monotonic() >= deadline:
            return
        page_name, path = rng.choice(links)
        if tally.visitors:
            await asyncio.sleep(rng.uniform(*THINK_S))
        year = rng.choice(YEARS)
        link = f"{path}?year={year}"
        started = time.monotonic()
        try:
            status, server = await http_get(port, link, cookies)
            if status != 200:
                tally.errors.append(f"GET {link}: HTTP {status}")
                continue
            tally.served[server] = tally.served.get(server, 0) + 1
            cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
            async with websockets.connect(
                    f"ws://{HOST}:{port}/_stcore/stream", subprotocols=["streamlit"], max_size=None,
                    additional_headers={"Cookie": cookie}, origin=f"http://{HOST}:{port}",
                    open_timeout=STEP_TIMEOUT_S) as ws:
                visit = Visit(ws, tally)
                visit.query = f"year={year}"
                url = f"http://{HOST}:{port}{path}"
                await ws.send(visit.rerun(page_name, url))
                map_at, done_at = await visit.run_until_finished(started, want_map=True)
                tally.links += 1
                if map_at is None:
                    tally.errors.append(f"{link}: no map element")
                else:
                    tally.link_to_map.append(map_at)
                tally.link_to_done.append(done_at)
                if tally.published_at is not None and started > tally.published_at:
                    tally.links_after_publish += 1
                    if visit.release != tally.release_after:
                        tally.stale_after_publish += 1
                for _ in range(steps):
                    if time.monotonic() >= deadline or visit.map_id is None:
                        break
                    await asyncio.sleep(rng.uniform(*THINK_S))
                    year = year - 1 if year > YEARS[0] else year + 1
                    visit.seq += 1
                    state = json.dumps({"year": {"year": year, "seq": visit.seq}}, separators=(",", ":"))
                    t0 = time.monotonic()
                    await ws.send(visit.rerun(page_name, url, {visit.map_id: state}))
                    _, took = await visit.run_until_finished(t0, want_map=False)
                    tally.steps.append(took)
                    if f"year={year}" not in visit.query:
                        tally.errors.append(f"{link}: step to {year} not followed ({visit.query[:80]})")
        except websockets.ConnectionClosed as exc:
            tally.disconnects += 1
            tally.errors.append(f"visitor {n}: disconnected ({exc})")
        except (TimeoutError, OSError, websockets.InvalidHandshake) as exc:
            tally.errors.append(f"visitor {n}: {type(exc).__name__} {exc}"[:300])


def rss_mib(pid: int) -> float | None:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def sample_memory(pids: dict[str, int], out: dict[str, list[float]], stop: asyncio.Event) -> None:
    while not stop.is_set():
        for name, pid in pids.items():
            value = rss_mib(pid)
            if value is not None:
                out.setdefault(name, []).append(value)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


async def publish(city: dict, tally: Tally, at: float, value: float) -> None:
    await asyncio.sleep(at)
    path = Path(city["state"]) / f"return-{tally.visitors}.csv"
    path.write_text(RETURN.format(value=value), encoding="utf-8")
    t0 = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "lcity_data", "publish", str(path), "--by", "load-run", "--db", city["db_url"],
        "--format", "json", cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 300)
    tally.publish = {"exit": proc.returncode, "seconds": round(time.monotonic() - t0, 2),
                     "at_s": at, "stderr": err.decode()[-300:]}
    if proc.returncode == 0:
        tally.release_after = json.loads(out)["release"]
        tally.published_at = time.monotonic()
    else:
        tally.errors.append(f"publish failed: {err.decode()[-300:]}")


async def window(city: dict, visitors: int, duration: float, seed: int) -> dict:
    tally = Tally(visitors)
    pids = {name: int((Path(city["state"]) / f"{name}.pid").read_text()) for name in ("app1", "app2")}
    cpu0 = {name: cpu_s(pid) for name, pid in pids.items()}
    self0 = resource.getrusage(resource.RUSAGE_SELF)
    memory: dict[str, list[float]] = {}
    stop = asyncio.Event()
    load_before = os.getloadavg()
    started = time.monotonic()
    deadline = started + visitors * ARRIVAL_GAP_S + duration
    sampler = asyncio.create_task(sample_memory(pids, memory, stop))
    rng = random.Random(seed)

    async def arrive(n: int) -> None:
        await asyncio.sleep(n * ARRIVAL_GAP_S)
        await visitor(n, city["port"], tally, deadline, random.Random(rng.random()))

    tasks = [asyncio.create_task(arrive(n)) for n in range(visitors)]
    tasks.append(asyncio.create_task(publish(city, tally, duration / 3, 1000 + visitors + rng.random())))
    await asyncio.wait_for(asyncio.gather(*tasks), duration + visitors * ARRIVAL_GAP_S + 2 * STEP_TIMEOUT_S + 60)
    stop.set()
    await sampler
    wall = time.monotonic() - started
    self1 = resource.getrusage(resource.RUSAGE_SELF)

    def stats(values: list[float]) -> dict:
        return {"n": len(values), "p50_ms": _ms(percentile(values, 0.5)), "p95_ms": _ms(percentile(values, 0.95)),
                "max_ms": _ms(max(values) if values else None)}

    return {
        "visitors": visitors, "wall_s": round(wall, 1), "links": tally.links, "steps": len(tally.steps),
        "errors": len(tally.errors), "error_samples": tally.errors[:10], "disconnects": tally.disconnects,
        "link_to_map": stats(tally.link_to_map), "link_to_done": stats(tally.link_to_done),
        "step": stats(tally.steps), "served_by": tally.served, "publish": tally.publish,
        "release_after_publish": tally.release_after, "links_after_publish": tally.links_after_publish,
        "stale_after_publish": tally.stale_after_publish,
        "rss_mib": {name: {"start": round(v[0], 1), "max": round(max(v), 1), "end": round(v[-1], 1)}
                    for name, v in memory.items()},
        "server_cpu_s": {name: round(cpu_s(pid) - cpu0[name], 1) for name, pid in pids.items()},
        "client_cpu_s": round(self1.ru_utime + self1.ru_stime - self0.ru_utime - self0.ru_stime, 1),
        "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in os.getloadavg()],
    }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


@contextlib.contextmanager
def city_up():
    """deploy/local.sh up on free ports in a temp state dir; yields {state, db_url, port}; always down."""
    state = Path(tempfile.mkdtemp(prefix="lcity-load-"))
    os.chmod(state, 0o755)
    ports = {k: str(free_port()) for k in ("LCITY_PROXY_PORT", "LCITY_APP1_PORT", "LCITY_APP2_PORT", "LCITY_PG_PORT")}
    env = {**os.environ, **ports, "LCITY_DEPLOY_STATE": str(state), "LCITY_PYTHON": sys.executable}
    env.pop("LCITY_DATABASE_URL", None)
    script = str(ROOT / "deploy" / "local.sh")
    try:
        up = subprocess.run(["bash", script, "up"], env=env, capture_output=True, text=True, timeout=300, check=False)
        if up.returncode != 0:
            raise RuntimeError(f"local.sh up failed: {up.stderr[-2000:]}")
        db_url = up.stdout.strip().splitlines()[0].split("=", 1)[1]
        yield {"state": str(state), "db_url": db_url, "port": int(ports["LCITY_PROXY_PORT"])}
    finally:
        subprocess.run(["bash", script, "down"], env=env, capture_output=True, timeout=120, check=False)
        shutil.rmtree(state, ignore_errors=True)


async def warm(city: dict) -> None:
    """One visit per server and page first, so no window pays a server's first import and first run."""
    tally = Tally(0)
    for server in ("app1", "app2"):
        for link in LINKS:
            await visitor(0, city["port"], tally, time.monotonic() + STEP_TIMEOUT_S, random.Random(0),
                          cookies={"LCITY_SERVER": server}, links=(link,), steps=0, max_links=1)
    if tally.errors or tally.links != 2 * len(LINKS):
        raise RuntimeError(f"warm-up failed: {tally.errors[:3]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--visitors", type=int, nargs="+", default=[10, 25, 50])
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--no-write", action="store_true", help="print the figures, write no file")
    args = parser.parse_args()
    runs = []
    with city_up() as city:
        asyncio.run(warm(city))
        for n in args.visitors:
            result = asyncio.run(window(city, n, args.duration, seed=n))
            print(json.dumps(result, ensure_ascii=False), flush=True)
            runs.append(result)
    record = {"recorded": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "commit": _commit(),
              "duration_s": args.duration, "cpus": os.cpu_count(), "runs": runs}
    if not args.no_write:
        RESULTS_JSON.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _commit() -> str:
    proc = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    return proc.stdout.strip()


if __name__ == "__main__":
    main()
