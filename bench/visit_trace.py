"""One new visitor's visit, traced with the browser's own timeline (for bench/first_view.py).

Three sources, put on one clock (ms from the page's navigation start):
* CDP `Network` events: every HTTP request (start, end, bytes), the websocket's handshake and each
  frame, each ForwardMsg decoded with Streamlit's own protobuf classes (what it carries, its size);
* CDP `Tracing` (devtools.timeline): the renderer's main thread, busy or idle, and what kept it busy
  (the top-level tasks' direct children: script evaluation, function calls, layout, paint, GC);
* the page's probe: when the map (or the bare app's text) was painted.
The raw trace is kept in artifacts/ (open it in Chrome's Performance panel).
"""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from bench.browser import ARTIFACTS
from bench.probes import STEP_TIMEOUT_MS, instrumented_page

WRAPPERS = {"RunTask", "ThreadControllerImpl::RunTask", "RunMicrotasks", "BlinkScheduler_PerformMicrotaskCheckpoint"}
CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "loading", "toplevel",
              "blink.user_timing"]


def _forward_msg(raw: bytes) -> str:
    """What a ForwardMsg carries, e.g. 'delta:new_element:bidi_component' or 'script_finished'."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    try:
        msg.ParseFromString(raw)
    except Exception:  # a frame that is not a ForwardMsg: say so, do not fail the bench
        return "undecoded"
    kind = msg.WhichOneof("type") or "ref_hash"
    if kind == "delta":
        d = msg.delta
        sub = d.WhichOneof("type")
        if sub == "new_element":
            return f"element:{d.new_element.WhichOneof('type')}"
        if sub == "add_block":
            return "block"
        return f"delta:{sub}"
    if kind == "ref_hash":
        return "cached_ref"
    return kind


def traced_visit(browser, base_url: str, path: str, painted_js: str, probe_js: str, label: str) -> dict:
    """A fresh context opens `path`; returns the visit's breakdown (see module docstring)."""
    ctx, page = instrumented_page(browser, base_url)
    ctx.add_init_script(probe_js.replace("__PRED__", painted_js))
    cdp = ctx.new_cdp_session(page)
    events: list[tuple[str, dict]] = []
    for name in ("requestWillBeSent", "loadingFinished", "webSocketCreated", "webSocketHandshakeResponseReceived",
                 "webSocketFrameReceived", "webSocketFrameSent"):
        cdp.on(f"Network.{name}", lambda p, n=name: events.append((n, p)))
    cdp.send("Network.enable")
    browser.start_tracing(page=page, categories=CATEGORIES)
    try:
        page.goto(base_url + path, wait_until="commit")
        page.wait_for_function("() => window.__fvPainted !== null", timeout=STEP_TIMEOUT_MS, polling=50)
        page.wait_for_timeout(300)
        nav = page.evaluate("() => { const n = performance.getEntriesByType('navigation')[0];"
                            " return {fetchStart: n.fetchStart, responseEnd: n.responseEnd,"
                            " domContentLoaded: n.domContentLoadedEventEnd, painted: window.__fvPainted,"
                            " fcp: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime}; }")
    finally:
        trace = browser.stop_tracing()
        ctx.close()
    ARTIFACTS.mkdir(exist_ok=True)
    out_path = ARTIFACTS / f"first-view-trace-{label}.json"
    out_path.write_bytes(trace)
    return summarise(events, json.loads(trace), nav) | {"trace_file": str(out_path.relative_to(ARTIFACTS.parent))}


def summarise(events: list[tuple[str, dict]], trace: dict, nav: dict) -> dict:
    """The visit on one clock: requests, websocket messages, the main thread, the paint."""
    doc = next(p for n, p in events if n == "requestWillBeSent" and p.get("type") == "Document")
    t0 = doc["timestamp"] * 1000 - nav["fetchStart"]  # CDP monotonic ms at the page's time origin

    def at(ts_s: float) -> float:
        return round(ts_s * 1000 - t0, 1)

    started = {p["requestId"]: p for n, p in events if n == "requestWillBeSent"}
    requests = []
    for n, p in events:
        if n == "loadingFinished" and p["requestId"] in started:
            s = started[p["requestId"]]
            requests.append({"url": urlsplit(s["request"]["url"]).path, "start": at(s["timestamp"]),
                             "end": at(p["timestamp"]), "bytes": int(p.get("encodedDataLength", 0))})
    requests.sort(key=lambda r: r["start"])
    ws_open = next((at(p["timestamp"]) for n, p in events if n == "webSocketHandshakeResponseReceived"), None)
    sent = [at(p["timestamp"]) for n, p in events if n == "webSocketFrameSent"]
    msgs = []
    for n, p in events:
        if n != "webSocketFrameReceived":
            continue
        r = p["response"]
        raw = base64.b64decode(r["payloadData"]) if r.get("opcode") == 2 else r["payloadData"].encode()
        msgs.append({"t": at(p["timestamp"]), "bytes": len(raw), "what": _forward_msg(raw) if r.get("opcode") == 2
                     else "text"})
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for m in msgs:
        kinds[m["what"]][0] += 1
        kinds[m["what"]][1] += m["bytes"]
    late_js = [r for r in requests if ws_open is not None and r["start"] >= ws_open and r["url"].endswith(".js")]
    painted = nav["painted"]
    bidi = next((r for r in requests if Path(r["url"]).name.startswith("BidiComponent.")), None)
    return {
        "painted_ms": round(painted, 1),
        "first_contentful_paint_ms": round(nav["fcp"], 1) if nav.get("fcp") else None,
        "html_received_ms": round(nav["responseEnd"], 1),
        "dom_content_loaded_ms": round(nav["domContentLoaded"], 1),
        "initial_requests": {"n": len([r for r in requests if ws_open is None or r["start"] < ws_open]),
                             "bytes": sum(r["bytes"] for r in requests if ws_open is None or r["start"] < ws_open),
                             "last_end_ms": max((r["end"] for r in requests if ws_open is None or r["start"] < ws_open),
                                                default=None)},
        "ws_open_ms": ws_open,
        "first_sent_ms": sent[0] if sent else None,
        "messages": {"n": len(msgs), "bytes": sum(m["bytes"] for m in msgs),
                     "first_ms": msgs[0]["t"] if msgs else None,
                     "script_finished_ms": next((m["t"] for m in msgs if m["what"] == "script_finished"), None),
                     "last_before_paint_ms": max((m["t"] for m in msgs if m["t"] <= painted), default=None),
                     "largest": sorted(msgs, key=lambda m: -m["bytes"])[:3],
                     "by_kind": {k: {"n": v[0], "bytes": v[1]}
                                 for k, v in sorted(kinds.items(), key=lambda kv: -kv[1][1])}},
        "map_element_ms": next((m["t"] for m in msgs if m["what"] == "element:bidi_component" and m["bytes"] > 1000),
                               None),
        "component_chunk": bidi and {"requested_ms": bidi["start"], "loaded_ms": bidi["end"]},
        "sequence": [[m["t"], m["what"], m["bytes"]] for m in msgs],
        "chunks_after_ws": [{"file": Path(r["url"]).name, "start": r["start"], "end": r["end"], "bytes": r["bytes"]}
                            for r in late_js if r["start"] <= painted],
        "main_thread": main_thread(trace, t0, painted),
    }


def main_thread(trace: dict, t0_ms: float, until_ms: float) -> dict:
    """The page renderer's main thread from navigation start to the paint: busy ms, and on what."""
    evs = trace["traceEvents"] if isinstance(trace, dict) else trace
    names = {(e["pid"], e["tid"]): e["args"].get("name") for e in evs
             if e.get("ph") == "M" and e.get("name") == "thread_name"}
    mains = [k for k, v in names.items() if v == "CrRendererMain"]
    by_thread: dict[tuple, list[dict]] = defaultdict(list)
    for e in evs:
        if e.get("ph") == "X" and (e["pid"], e["tid"]) in mains and "dur" in e:
            by_thread[(e["pid"], e["tid"])].append(e)
    if not by_thread:
        return {}
    key = max(by_thread, key=lambda k: sum(e["dur"] for e in by_thread[k] if e["name"] == "RunTask"))
    xs = sorted(by_thread[key], key=lambda e: (e["ts"], -e["dur"]))
    lo, hi = t0_ms * 1000, (t0_ms + until_ms) * 1000
    busy, children, long_tasks, stack = 0.0, defaultdict(float), [], []
    for e in xs:
        if e["ts"] + e["dur"] < lo or e["ts"] > hi:
            continue
        while stack and stack[-1]["ts"] + stack[-1]["dur"] <= e["ts"]:
            stack.pop()
        if not stack:
            busy += e["dur"]
            if e["dur"] >= 50_000:
                long_tasks.append({"start_ms": round(e["ts"] / 1000 - t0_ms), "ms": round(e["dur"] / 1000)})
        elif e["name"] not in WRAPPERS and all(a["name"] in WRAPPERS for a in stack):
            # the first real piece of work inside a task (the scheduler's wrappers are see-through)
            what = e["name"]
            data = e.get("args", {}).get("data", {})
            if data.get("url"):
                what += " " + (Path(urlsplit(data["url"]).path).name or data["url"][:30])
            children[what] += e["dur"]
        stack.append(e)
    top = sorted(children.items(), key=lambda kv: -kv[1])[:12]
    return {"busy_ms": round(busy / 1000), "window_ms": round(until_ms), "idle_ms": round(until_ms - busy / 1000),
            "long_tasks": long_tasks[:12], "top_work_ms": {k: round(v / 1000, 1) for k, v in top}}
