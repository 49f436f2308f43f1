"""The benchmark's report: bench/results.json (raw figures) and bench/RESULTS.md (targets, side by side,
how it is measured, and a reading of this run's numbers), keeping the sections other benchmarks write.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.phases import PLAY_YEARS

ROOT = Path(__file__).resolve().parents[1]
RESULTS_MD = ROOT / "bench" / "RESULTS.md"
RESULTS_JSON = ROOT / "bench" / "results.json"


def analysis(res: dict) -> list[str]:
    """What this run's numbers say, target by target, with the floor measured beside them."""
    bare, app, scale = res["bare"], res["app"], res.get("scale")
    rep, fol, bd = app["steps"]["repainted_ms"], app["steps"]["follow_ms"], app["steps"]["breakdown_p50_ms"]
    floor = bare["round_trip_ms"]
    return [
        f"- **Repaint**: a year step is drawn by the browser itself in {rep['p50']} ms p50 / {rep['p95']} ms p95, "
        f"{rep['p50'] / floor['p50']:.2f} × the bare app's round trip ({floor['p50']} ms p50), which is what any "
        "server-side year change costs here before an app adds anything."
        + (f" With {scale['sizes']['regions']} town polygons: {scale['steps']['repainted_ms']['p50']} / "
           f"{scale['steps']['repainted_ms']['p95']} ms." if scale else ""),
        f"- **The page following the year** (URL, sidebar, ranking table) takes {fol['p50']} ms p50 / {fol['p95']} ms "
        f"p95 ({'met' if fol['p95'] <= 500 else 'missed'}): key → first websocket message {bd['key_to_first_message']} "
        f"ms (the component's state message starts a rerun of the whole page on the server), first → last message "
        f"{bd['first_to_last_message']} ms (the run streaming its elements), last message → table and URL on screen "
        f"{bd['last_message_to_table_and_url']} ms. The ranking table is a plain, escaped HTML table "
        "(dashboard/map/map_ranking.py) since this round: Streamlit's data grid it replaced took 213.5 ms p50 "
        "of that last "
        "step in the previous recorded run (p95 611.6 ms then). The bare app's whole round trip is "
        f"{floor['p50']} / {floor['p95']} ms in the same run; the Map page's rerun also redraws the frame, the "
        "sidebar and the URL state, and on 2 cores shared with other work each step of it waits for a core. The map "
        "does not wait for any of it: it is repainted first, and its element is not sent again (only its 1-field "
        "year element).",
        f"- **Play**: {app['play']['steps_painted']} of {app['play']['steps_expected']} years painted in order at "
        f"1 year/s on the app (spacing p50 {app['play']['interval_ms']['p50']} ms, max "
        f"{app['play']['interval_ms']['max']} ms), each reported to the server, which ended on year "
        f"{app['play']['url_year_after']} in the URL."
        + (f" Scale app, {scale['play']['steps_expected']} years: {scale['play']['steps_painted']} painted, "
           f"max spacing {scale['play']['interval_ms']['max']} ms." if scale else ""),
        *_cold_start_reading(app, bare),
        f"- **Geometry** {app['sizes']['geometry_bytes'] / 1000:.1f} KB and **memory** {app['memory']['rss_mb']} MiB "
        f"with {app['memory']['sessions']} sessions.",
    ]


def _cold_start_reading(app: dict, bare: dict) -> list[str]:
    """The cold-start paragraph: the ratio, what this round removed, and what is left (the floor)."""
    cold, base = app["cold_start"]["median_s"], bare["cold_start"]["median_s"]
    fr, store = app.get("first_run"), app.get("store")
    met = cold <= 1.5 * base
    text = (f"- **Cold start**: {cold} s vs the bare app's {base} s ({cold / base:.2f} ×, "
            f"{'met' if met else 'missed'}). Both include the server becoming healthy "
            f"({app['cold_start']['health_median_s']} / {bare['cold_start']['health_median_s']} s) and Chromium's "
            "first load of Streamlit's frontend; Streamlit runs a script only once that browser has connected, so "
            "everything the app does on its first run comes after it, one step after another. "
            + (f"The store was migrated and seeded before any timing ({store['message']}). " if store else "")
            + "This round removed from that first run: the mixed-source flags of every derived indicator recomputed "
            "for every year (112 ratio tables for one map; now one, once per map), the funding standard's ratio "
            "computed once a year (now once), Alembic imported on every server start to compare the store's "
            "schema revision (now one row read with SQLAlchemy), and the ranking grid (now an HTML table). The run "
            "recorded before this round (commit b086f23) had the app at 3.67 s and the bare app at 2.01 s (1.83 ×); "
            f"against it, this run's app is {cold - 3.67:+.2f} s and its bare app {base - 2.01:+.2f} s (the bare "
            "app runs first, when the machine is quietest; see the load above).")
    if fr:
        app_work = sum(v for k, v in fr.items() if k != "import_streamlit_ms")
        note = f"; {app['first_run_note']}" if app.get("first_run_note") else ""
        text += (" What is left, measured step by step in a fresh interpreter "
                 f"(bench/first_run_parts.py{note}): importing the app's modules beyond Streamlit (pandas, pyarrow, "
                 f"SQLAlchemy, the app) {fr['import_app_ms']} ms, reading the release and deriving its per-capita "
                 f"values {fr['load_release_ms']} ms, the funding checks behind the progress hover "
                 f"{fr['funding_progress_ms']} ms, every year's map frames {fr['all_years_frames_ms']} ms, shapes and "
                 f"payload {fr['shapes_and_payload_ms']} ms: {app_work:.0f} ms of Python in all, against a gap of "
                 f"{(cold - base) * 1000:.0f} ms; the rest is Streamlit and the browser drawing the fuller page "
                 "(sidebar, controls, the map component's script chunk) on the same 2 cores.")
        allowed = 0.5 * base * 1000
        if not met and app_work >= allowed:
            text += (f" 1.5 × leaves the app {allowed:.0f} ms over the bare app; the first run's Python alone, which "
                     "the map needs before it can be drawn (its data), takes more: that is the measured floor "
                     "blocking the target in this run.")
        elif not met:
            text += (f" 1.5 × leaves the app {allowed:.0f} ms over the bare app; the first run's Python fits in it, "
                     "so what blocks the target here is drawing the page in the browser on the shared cores.")
    return [text]


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "**missed**")


def write_raw(res: dict) -> None:
    """bench/results.json: every figure of the run, written before the reading so that they survive it."""
    RESULTS_JSON.write_text(json.dumps(res, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_results(res: dict) -> None:
    write_raw(res)
    m, bare, app = res["machine"], res["bare"], res["app"]
    scale = res.get("scale")
    floor_p50 = bare["round_trip_ms"]["p50"]
    rep = app["steps"]["repainted_ms"]
    fol = app["steps"]["follow_ms"]
    cold_ratio = app["cold_start"]["median_s"] / bare["cold_start"]["median_s"]
    geometry_kb = app["sizes"]["geometry_bytes"] / 1000
    rss = app["memory"]["rss_mb"]
    rows = [
        ("year step → map repainted, p50", f"≤ 0.5 × bare round trip ({floor_p50} ms) = {0.5 * floor_p50:.1f} ms",
         f"{rep['p50']} ms ({rep['p50'] / floor_p50:.2f} ×)", verdict(rep["p50"] <= 0.5 * floor_p50)),
        ("year step → map repainted, p95", "≤ 100 ms", f"{rep['p95']} ms", verdict(rep["p95"] <= 100)),
        ("year step → ranking table and URL updated, p95", "≤ 500 ms", f"{fol['p95']} ms", verdict(fol["p95"] <= 500)),
        ("play at 1 year/s, the app's 14 years (13 steps)", "no dropped steps",
         f"{app['play']['dropped']} dropped of {app['play']['steps_expected']}",
         verdict(app["play"]["dropped"] == 0 and not app["play"]["out_of_order_or_repeated"])),
    ]
    if scale:
        rows.append((f"play at 1 year/s over {PLAY_YEARS} years (scale app, 25 years of towns)", "no dropped steps",
                     f"{scale['play']['dropped']} dropped of {scale['play']['steps_expected']}",
                     verdict(scale["play"]["dropped"] == 0 and not scale["play"]["out_of_order_or_repeated"])))
    rows.append(("cold start: launch → first map painted (median)",
                 f"≤ 1.5 × bare launch → first paint ({bare['cold_start']['median_s']} s)",
                 f"{app['cold_start']['median_s']} s ({cold_ratio:.2f} ×)", verdict(cold_ratio <= 1.5)))
    if scale:
        srep = scale["steps"]["repainted_ms"]
        rows.append((f"town-level scale ({scale['sizes']['regions']} polygons), year step → repainted, p95", "≤ 100 ms",
                     f"{srep['p95']} ms", verdict(srep["p95"] <= 100)))
    rows += [
        ("geometry sent to the browser", "≤ 70 KB", f"{geometry_kb:.1f} KB ({app['sizes']['geometry_bytes']:,} bytes)",
         verdict(geometry_kb <= 70)),
        (f"server RSS with {app['memory']['sessions']} sessions", "≤ 250 MB", f"{rss} MiB ({rss * 1.048576:.1f} MB)",
         verdict(rss * 1.048576 <= 250)),
    ]
    lines = [
        "# Benchmark results",
        "",
        f"Recorded by `bench/run_bench.py` on {m['date_utc']} (commit {m['git_commit']}), in one run. "
        "Raw figures: `bench/results.json`.",
        "",
        "## Machine and load",
        "",
        f"- CPU: {m['cpu']}, {m['cores']} cores; RAM {m['ram_gb']} GB; {m['os']}",
        f"- Python {m['python']}, Streamlit {m['streamlit']}, Playwright {m['playwright']}, {m['chromium']} "
        "(headless, software rendering: `--disable-gpu`)",
        f"- Load average at start {', '.join(map(str, m['loadavg_start']))}; at end "
        f"{', '.join(map(str, m['loadavg_end']))}. CPU pressure (PSI) at start: `{m['cpu_pressure_start']}`; at end: "
        f"`{m['cpu_pressure_end']}`.",
        f"- **The machine was shared** with other sessions building and testing other branches on these 2 cores: "
        f"the 1-minute load average went from {m['loadavg_start'][0]} to {m['loadavg_end'][0]} during this run, so "
        "the timings include waiting for a core, more so towards the end (the app and scale phases). The ratios to "
        "the bare app, measured in the same run, are the fairer reading; the bare app ran first, on the quietest "
        "machine.",
        f"- Viewport {res['viewport']['width']}×{res['viewport']['height']}. No internet: every request that would "
        f"leave the machine is aborted and counted (bare {len(bare['leaked'])}, app {len(app['leaked'])}"
        + (f", scale {len(scale['leaked'])}" if scale else "") + ").",
        "",
        "## Targets (issue 13)",
        "",
        "| measure | target | measured | verdict |",
        "|---|---|---|---|",
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows],
        "",
        "## Side by side (same run)",
        "",
        "| measure | bare app (slider + text) | app (/map) |" + (" scale app (towns) |" if scale else ""),
        "|---|---|---|" + ("---|" if scale else ""),
        f"| year step → what changes is on screen, p50 / p95 ms | {bare['round_trip_ms']['p50']} / "
        f"{bare['round_trip_ms']['p95']} (server round trip) | {rep['p50']} / {rep['p95']} (map repainted, in the "
        "browser) |" + (f" {srep['p50']} / {srep['p95']} |" if scale else ""),
        f"| year step → server has followed, p50 / p95 ms | (same as above) | {fol['p50']} / {fol['p95']} (URL and "
        "ranking table) |" + (" — |" if scale else ""),
        f"| cold start: launch → first paint, median s (runs) | {bare['cold_start']['median_s']} "
        f"({', '.join(map(str, bare['cold_start']['samples_s']))}) | {app['cold_start']['median_s']} "
        f"({', '.join(map(str, app['cold_start']['samples_s']))}) |"
        + (f" {scale['first_paint_s']} (one warm-server load) |" if scale else ""),
        f"| year step → server has followed, where the time goes (p50 ms) | — | key → first websocket message "
        f"{app['steps']['breakdown_p50_ms']['key_to_first_message']}; first → last message (the run streams) "
        f"{app['steps']['breakdown_p50_ms']['first_to_last_message']}; last message → table and URL on screen "
        f"{app['steps']['breakdown_p50_ms']['last_message_to_table_and_url']} |" + (" — |" if scale else ""),
        f"| server healthy after launch, median s | {bare['cold_start']['health_median_s']} | "
        f"{app['cold_start']['health_median_s']} |" + (" — |" if scale else ""),
    ]
    if scale:
        lines.append(f"| play at 1 year/s: steps painted / expected; spacing p50 / max ms | — | "
                     f"{app['play']['steps_painted']} / {app['play']['steps_expected']}; "
                     f"{app['play']['interval_ms']['p50']} / {app['play']['interval_ms']['max']} | "
                     f"{scale['play']['steps_painted']} / {scale['play']['steps_expected']}; "
                     f"{scale['play']['interval_ms']['p50']} / {scale['play']['interval_ms']['max']} |")
    s = app["sizes"]
    lines += [
        "",
        "## What the map sends",
        "",
        f"- Geometry: {s['regions']} districts as SVG path strings + ids + label points: {s['geometry_bytes']:,} bytes"
        + (f"; the scale app's {scale['sizes']['regions']} towns: {scale['sizes']['geometry_bytes']:,} bytes"
           if scale else "") + ".",
        f"- The whole component data (every one of {s['years']} years' colours, hover texts, legends, the geometry): "
        f"{s['payload_bytes']:,} bytes, sent with the page; map.js {s['js_bytes']:,} bytes and map.css "
        f"{s['css_bytes']:,} bytes inline in the same element.",
        f"- Websocket bytes: first load of /map {app['first_load_ws_bytes']:,}; per year step (median, the rerun that "
        f"follows the year) {app['steps']['ws_bytes_per_step_median']:,}.",
        f"- Server-side, in-process: projecting the shapes {s['project_ms']} ms (once per process, `cache_resource`); "
        f"building all years' data {s['build_all_years_ms']} ms (once per indicator, districts, classes, language and "
        "data, `cache_data`).",
        f"- Server RSS: {app['memory']['rss_before_mb']} MiB after the first session → {app['memory']['rss_mb']} MiB "
        f"with {app['memory']['sessions']} sessions open (peak {app['memory']['peak_mb']} MiB).",
        "",
        "## How it is measured",
        "",
        "- *Repainted*: a capture-phase keydown listener stamps the key and queues an animation frame; the slider's "
        "`input` event repaints the map synchronously before that frame; a task queued from the frame stamps the time "
        "the frame was produced. The map's own paint log confirms the year was drawn after the key.",
        "- *Bare round trip*: keydown on the bare app's slider → the text line reads the new year (checked every "
        "animation frame) → the next frame.",
        "- *Ranking table and URL*: checked every animation frame from the key on: the address bar's `year` and the "
        "text of the ranking table's body (`table.lc-ranking`, an HTML table) has changed.",
        "- *Play*: the map's paint log after pressing ▶ at 1 year/s: every year after the start must appear once, in "
        "order, and the run must stop at the latest year.",
        "- *Cold start*: `streamlit run` launched → the page's first paint of the map (paths filled, next frame, "
        "non-blank screenshot) / of the bare app's text line; median of the runs. The store is migrated and seeded "
        "(`python -m lcity_data db upgrade`) before the first cold start, so none of them pays its first use.",
    ]
    lines += ["", "## Reading", "", *res.get("notes", [])]
    RESULTS_MD.write_text("\n".join(lines) + "\n" + _other_sections(), encoding="utf-8")


def _other_sections() -> str:
    """The sections other benchmarks keep between their own HTML-comment markers (store read, hostile
    imports): everything from the first marker on, so a re-run of this bench does not drop them."""
    text = RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.exists() else ""
    start = text.find("\n<!-- ")
    return "" if start < 0 else text[start:]
