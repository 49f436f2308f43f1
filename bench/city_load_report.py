"""bench/RESULTS.md's section for the city-deployment load run (bench/city_load.py, raw: city_load.json).

Run `python -m bench.city_load_report` to rewrite the section from the JSON; it sits between its own
HTML-comment markers, which bench/report.py keeps when it rewrites the file's top part.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS_JSON = ROOT / "bench" / "city_load.json"
RESULTS_MD = ROOT / "bench" / "RESULTS.md"
MARK_START, MARK_END = "<!-- city-load:start -->", "<!-- city-load:end -->"

CITY_VISITORS = 200  # Ningbo in Learning Week (issue 23)
COUNTIES = 90  # Zhejiang's county-level divisions
CITY_DISTRICTS = 10
UTILISATION = 0.7  # plan a server's core for 70 % busy: the p95 grows fast past that on one Python process


def _fmt(value: float | None, unit: str = "") -> str:
    return "–" if value is None else f"{value:,.0f}{unit}"


def cpu_per_action(runs: list[dict]) -> float:
    """Server CPU seconds per action (a link opened or a year step), over every window: a rerun of the
    page's script is the unit of work, whatever the number of visitors waiting for one."""
    cpu = sum(sum(r["server_cpu_s"].values()) for r in runs)
    return cpu / sum(r["links"] + r["steps"] for r in runs)


def servers_for(visitors: float, cores_per_visitor: float) -> int:
    """App servers (one process, about one core each: the GIL) for `visitors`, plus one spare (N+1)."""
    return math.ceil(visitors * cores_per_visitor / UTILISATION) + 1


def section(record: dict) -> list[str]:
    runs = record["runs"]
    lines = [
        MARK_START,
        "## City deployment under load (issue 23)",
        "",
        f"Recorded by `bench/city_load.py` on {record['recorded']} (commit {record['commit']}); raw figures: "
        f"`bench/city_load.json`. The deployment is `deploy/local.sh up`: HAProxy, two app servers and PostgreSQL "
        f"on this machine's {record['cpus']} shared cores, with the load generator on the same cores (its own CPU "
        "is in the table). Each window: the visitors arrive 0.1 s apart and for "
        f"{record['duration_s']:.0f} s each opens a link to a map page (Map, Overview, Funding check, random "
        "year) and steps the year three times on the map's timeline, pausing 0.5–1.5 s before every action; "
        "a publish (`python -m lcity_data publish … --db URL`) runs a third of the way in.",
        "",
        "| visitors | links | year steps | errors | disconnects | link → map data p50 / p95 | step round trip "
        "p50 / p95 | RSS max app1 / app2 | server CPU (cores busy) | client CPU | load avg before → after |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        cpu = sum(r["server_cpu_s"].values())
        lines.append(
            f"| {r['visitors']} | {r['links']} | {r['steps']} | {r['errors']} | {r['disconnects']} | "
            f"{_fmt(r['link_to_map']['p50_ms'], ' ms')} / {_fmt(r['link_to_map']['p95_ms'], ' ms')} | "
            f"{_fmt(r['step']['p50_ms'], ' ms')} / {_fmt(r['step']['p95_ms'], ' ms')} | "
            f"{r['rss_mib']['app1']['max']:.0f} / {r['rss_mib']['app2']['max']:.0f} MiB | "
            f"{cpu:.0f} s ({cpu / r['wall_s']:.2f}) | {r['client_cpu_s']:.0f} s | "
            f"{r['load_before'][0]:.1f} → {r['load_after'][0]:.1f} |")
    lines += ["", "Publishing during the window:", ""]
    for r in runs:
        p = r["publish"]
        lines.append(
            f"- {r['visitors']} visitors: release {r['release_after_publish']} published in "
            f"{p.get('seconds', 0):.1f} s "
            f"(exit {p.get('exit')}); {r['links_after_publish']} links opened after it, "
            f"{r['stale_after_publish']} of them showing an older release; "
            f"pages served: {', '.join(f'{k} {v}' for k, v in sorted(r['served_by'].items()))}.")
    errors = [e for r in runs for e in r["error_samples"]]
    if errors:
        lines += ["", "Errors seen (first ones): " + "; ".join(f"`{e[:120]}`" for e in errors[:5])]
    big = max(runs, key=lambda r: r["visitors"])
    per_action = cpu_per_action(runs)
    rss = max(max(v["max"] for v in r["rss_mib"].values()) for r in runs)
    idle = min(min(v["start"] for v in r["rss_mib"].values()) for r in runs)
    share = [sum(r["server_cpu_s"].values()) / r["wall_s"] for r in runs]
    province_visitors = CITY_VISITORS / CITY_DISTRICTS * COUNTIES
    lines += [
        "",
        "### Reading",
        "",
        f"- **{sum(r['errors'] for r in runs)} errors, {sum(r['disconnects'] for r in runs)} disconnects** over "
        f"all windows, and {sum(r['stale_after_publish'] for r in runs)} pages showing an older release after a "
        "publish. What grows with the visitors is the wait: actions per window "
        f"{', '.join(str(r['links'] + r['steps']) for r in runs)} for {', '.join(str(r['visitors']) for r in runs)} "
        "visitors: once the servers' CPU is full, more visitors only queue.",
        f"- **The unit of work is a rerun**: every link and every year step reruns the page's script on its server, "
        f"**{per_action:.2f} s of server CPU per action** over all windows. The two servers together got only "
        f"{min(share):.2f}–{max(share):.2f} of a core during the windows: the machine's two cores were shared with "
        "the load generator (little) and with other work (load average 8–21, see the table), so the latencies "
        "above are those of a machine with under one free core; the CPU per action is the figure to scale from.",
        f"- **One server** is one Python process (the scripts share one GIL, so about one core). Planned at "
        f"{UTILISATION:.0%} busy, it carries {UTILISATION / per_action:.1f} actions per second: "
        f"**~{UTILISATION / per_action * 2:.0f} visitors acting every 2 s** (this run's pace: 0.5–1.5 s reading + the "
        f"round trip), **~{UTILISATION / per_action * 10:.0f} visitors acting every 10 s** (a person reading a map "
        "and its table).",
        f"- **Memory**: {idle:.0f} MiB per server when idle, at most {rss:.0f} MiB in the run; it grows with the "
        "sessions opened in the last 2 minutes (Streamlit keeps a closed page's session for "
        "`server.disconnectedSessionTTL`, 120 s) and the releases published (each is cached by id), and it did "
        "not fall back to the idle figure between windows (the start of each window is in the JSON). Memory is "
        "not the limit: a few hundred MiB per server.",
        "- **Why a websocket client, not browsers**: the client speaks Streamlit's own protocol (the messages "
        f"a browser sends and receives) and used {big['client_cpu_s']:.0f} s of CPU for {big['links']} links and "
        f"{big['steps']} steps; a cold page costs headless Chromium 4–9 s of CPU here (tests/browser/test_load.py), "
        "so 50 browser contexts would measure Chromium, not the servers. What the client leaves out is the "
        "browser's own work (loading the frontend, drawing), which the first-view measurements cover.",
        "",
        "On paper (one app server per core, N+1 for a spare, one HAProxy, one PostgreSQL: each server reads a "
        "release once and caches it by id, and a publish is one transaction, so neither the proxy nor the store "
        "is the limit):",
        "",
        "| visitors act every | cores per visitor | a city: 200 concurrent (Learning Week) | "
        f"a province: {COUNTIES} counties × {CITY_VISITORS // CITY_DISTRICTS} = {province_visitors:,.0f} concurrent |",
        "|---|---|---|---|",
    ]
    for every in (2, 5, 10):
        cores = per_action / every
        lines.append(f"| {every} s | {cores:.3f} | {servers_for(CITY_VISITORS, cores)} app servers | "
                     f"{servers_for(province_visitors, cores)} app servers |")
    lines += [
        "",
        f"The province row assumes each county peaks like a Ningbo district ({CITY_VISITORS} ÷ {CITY_DISTRICTS}) "
        "and all in the same week. With a person's pace (5–10 s between actions) a city needs "
        f"**{servers_for(CITY_VISITORS, per_action / 10)}–{servers_for(CITY_VISITORS, per_action / 5)} app servers** "
        f"({math.ceil(servers_for(CITY_VISITORS, per_action / 10) / 4)}–"
        f"{math.ceil(servers_for(CITY_VISITORS, per_action / 5) / 4)} machines of 4 cores) and a province "
        f"**{servers_for(province_visitors, per_action / 10)}–"
        f"{servers_for(province_visitors, per_action / 5)}**, more `server` lines in `deploy/haproxy.cfg` and no "
        "other change. Cheaper reruns (less work per step) lower every figure in proportion.",
        MARK_END,
    ]
    return lines


def write_section(record: dict, path: Path = RESULTS_MD) -> None:
    """Replace (or append) the section between the markers in RESULTS.md."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    block = "\n".join(section(record))
    start, end = text.find(MARK_START), text.find(MARK_END)
    if start >= 0 and end > start:
        text = text[:start] + block + text[end + len(MARK_END):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write_section(json.loads(RESULTS_JSON.read_text(encoding="utf-8")))
