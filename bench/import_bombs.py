"""Memory and time of importing hostile files (issue 14), against a normal small return in the same run.

Each file is imported in a fresh interpreter limited to 1 GB of address space (tests/hostile_files.py),
which reports its peak RSS, wall time and CPU time. The floor is the same child importing a normal
three-district return: the interpreter, pandas and openpyxl alone cost most of its memory, so the
figures that matter are the differences to the floor. The bound from the issue is 300 MB and 20 s for
any accepted file; a refused one should cost about the floor. CPU time is shown next to wall time
because the machine is shared: wall time grows with the load average, CPU time does not.

    python bench/import_bombs.py            # runs, writes bench/import_bombs.json and the section
                                            # between the import_bombs markers in bench/RESULTS.md
    python bench/import_bombs.py --section  # rewrites the section from bench/import_bombs.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from hostile_files import (  # noqa: E402
    _bytes,
    empty_cells_sheet,
    far_cell_whole_merge,
    import_in_child,
    largest_accepted,
    many_shared_strings,
    small_return,
    styles_declared_as_a_sheet,
    unpacks_to,
    xfd_rows,
    xls_far_column_rows,
)

FLOOR_RUNS = 3
RAW = ROOT / "bench" / "import_bombs.json"
BOUND_MB, BOUND_S = 300, 20
START, END = "<!-- import_bombs:start -->", "<!-- import_bombs:end -->"
CASES = [  # name, what it is, builder
    ("far_cell_whole_merge.xlsx", "issue: 5 KB, one far cell (XFD1048576) and a whole-sheet merge (was 69 s, 6 GB)",
     far_cell_whole_merge),
    ("xfd_rows.xlsx", "issue: ~100 KB of rows with a cell in column XFD (was 176 s, 2.8 GB)", xfd_rows),
    ("unpacks_161mb.xlsx", "issue: ~600 KB that unpacks to 161 MB (was 167 s, 1.6 GB)", lambda: unpacks_to(161)),
    ("unpacks_95mb.xlsx", "extra: unpacks to 95 MB, under the unpack limit", lambda: unpacks_to(95)),
    ("empty_cells_95mb.xlsx", "extra: 95 MB of formatted empty cells", lambda: empty_cells_sheet(95)),
    ("styles_as_sheet.xlsx", "extra: a 20 MB stylesheet the manifest calls a worksheet",
     lambda: styles_declared_as_a_sheet(20)),
    ("far_column.xls", "extra: legacy .xls, a value in column IV on each of 65,535 rows", xls_far_column_rows),
    ("shared_strings_7_9mb.xlsx", "extra: 7.9 MB of one-letter shared strings, just under their limit (accepted)",
     lambda: many_shared_strings(7.9)),
    ("formatted_xfd_rows.xlsx", "extra: the XFD rows with formatted, empty far cells (accepted)",
     lambda: xfd_rows(far_value=False)),
    ("largest_accepted.xlsx", "extra: the most a sheet may hold, 50 columns x 20,000 rows (accepted)",
     largest_accepted),
]


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    load_start = _load()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                            check=False).stdout.strip()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        floor_path = Path(tmp) / "small_return.xlsx"
        floor_path.write_bytes(_bytes(small_return()))
        floors = [import_in_child(floor_path) for _ in range(FLOOR_RUNS)]
        floor = {key: statistics.median(f[key] for f in floors) for key in ("peak_rss_mb", "seconds", "cpu_seconds")}
        for name, what, build in CASES:
            path = Path(tmp) / name
            path.write_bytes(build())
            result = import_in_child(path, timeout=300)
            result.update(name=name, what=what, size_kb=path.stat().st_size / 1024)
            rows.append(result)
            print(name, {k: v for k, v in result.items() if k != "stderr"}, flush=True)
    record = {"recorded": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), "commit": commit,
              "load_start": load_start, "load_end": _load(), "floor": floor, "floor_runs": floors, "cases": rows}
    RAW.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _write_section(record)


def _verdict(record: dict) -> str:
    """The issue's bound for accepted files (300 MB, 20 s), read on peak RSS and on CPU and wall time."""
    accepted = [r for r in record["cases"] if "refused_en" not in r]
    refused = [r for r in record["cases"] if "refused_en" in r]
    rss = max(r["peak_rss_mb"] for r in accepted)
    cpu = max(r["cpu_seconds"] for r in accepted)
    wall = max(r["seconds"] for r in accepted)
    return (f"Bound for any accepted file: {BOUND_MB} MB and {BOUND_S} s. Largest accepted here: peak RSS "
            f"{rss:.0f} MiB ({'met' if rss <= BOUND_MB else '**missed**'}), {cpu:.1f} s CPU "
            f"({'met' if cpu <= BOUND_S else '**missed**'}), {wall:.1f} s wall "
            f"({'met' if wall <= BOUND_S else '**missed** at this load'}). Every bomb refused: "
            f"at most {max(r['peak_rss_mb'] for r in refused):.0f} MiB and "
            f"{max(r['cpu_seconds'] for r in refused):.2f} s CPU.")


def _write_section(record: dict) -> None:
    floor = record["floor"]
    lines = [
        START,
        "## Hostile imports (issue 14)",
        "",
        f"Recorded by `bench/import_bombs.py` on {record['recorded']} (commit {record['commit']}); raw figures: "
        f"`bench/import_bombs.json`. Load average {record['load_start']} at start, {record['load_end']} at end "
        "(2 shared cores: wall time grows with the load, CPU time does not).",
        "",
        "Each import runs in a fresh interpreter limited to 1 GB of address space. Floor: the same child "
        f"importing a normal three-district return (median of {FLOOR_RUNS}): peak RSS "
        f"{floor['peak_rss_mb']:.0f} MiB, {floor['seconds']:.2f} s wall, {floor['cpu_seconds']:.2f} s CPU "
        "(a refused file stops before pandas validation, so it can stay below the floor).",
        "",
        _verdict(record),
        "",
        "| file | size | outcome | peak RSS (over floor) | wall (× floor) | CPU |",
        "|---|---|---|---|---|---|",
    ]
    for r in record["cases"]:
        outcome = (f"refused: {r['refused_en'][:90]}" if "refused_en" in r
                   else f"accepted: {r['values']} values, {r['rejected']} rejected cells")
        lines.append(
            f"| `{r['name']}` — {r['what']} | {r['size_kb']:,.0f} KiB | {outcome} | {r['peak_rss_mb']:.0f} MiB "
            f"({r['peak_rss_mb'] - floor['peak_rss_mb']:+.0f}) | {r['seconds']:.2f} s "
            f"({r['seconds'] / floor['seconds']:.1f}×) | {r['cpu_seconds']:.2f} s |")
    lines += ["", END]
    results = ROOT / "bench" / "RESULTS.md"
    text = results.read_text(encoding="utf-8")
    section = "\n".join(lines)
    if START in text:
        text = text[:text.index(START)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    results.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--section", action="store_true", help="rewrite the RESULTS.md section from the JSON")
    if parser.parse_args().section:
        _write_section(json.loads(RAW.read_text(encoding="utf-8")))
    else:
        main()
