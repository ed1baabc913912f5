"""The benchmarks' figures in one file, `bench/results/latest.json`, and the table that reads it.

    record("sync_bench", [{"name": "push of 500 new visits", "value": 260, "unit": "changes/s",
                           "goal": 10000, "better": "higher", "backend": "sqlite", "note": "issue 12"}])
    python -m benchmarks.results        # every benchmark's last figures, each against its goal

Each benchmark replaces its own entry, so a run of one leaves the others' last figures in place; the
entry carries the commit and the machine, since a figure means little without them.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Lets the tests (or a second checkout's run) write elsewhere without touching the project's file.
FOLDER_ENV = "WANGGE_BENCH_RESULTS"
FILE = "latest.json"
# China has kept UTC+8 all year since 1991, as server/core/time.py reasons; no tz database needed.
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")


def folder() -> Path:
    return Path(os.environ.get(FOLDER_ENV) or ROOT / "bench" / "results")


def commit() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, timeout=10, check=True).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def machine() -> dict:
    return {"cpu_count": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}


def load(where: Path | None = None) -> dict:
    path = (where or folder()) / FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def record(benchmark: str, figures: list[dict], where: Path | None = None) -> Path:
    """Replace `benchmark`'s entry in latest.json with these figures; the other entries stay."""
    for figure in figures:
        missing = {"name", "value", "unit"} - figure.keys()
        if missing:
            raise ValueError(f"figure {figure!r} lacks {sorted(missing)}")
        if figure.get("better", "lower") not in ("lower", "higher"):
            raise ValueError(f"figure {figure['name']!r}: better must be 'lower' or 'higher'")
    where = where or folder()
    where.mkdir(parents=True, exist_ok=True)
    results = load(where)
    results[benchmark] = {"commit": commit(), "machine": machine(),
                          "at": datetime.now(BEIJING).isoformat(timespec="seconds"), "figures": figures}
    # Written beside the target and renamed over it: a run killed mid-write leaves the old file whole.
    handle, temporary = tempfile.mkstemp(prefix=".latest-", suffix=".json", dir=where)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(results, out, ensure_ascii=False, indent=2)
            out.write("\n")
        os.replace(temporary, where / FILE)
    except BaseException:
        os.unlink(temporary)
        raise
    return where / FILE


def verdict(figure: dict) -> str:
    """'met', 'missed', or '—' when the figure has no goal."""
    goal = figure.get("goal")
    if goal is None:
        return "—"
    if figure.get("better", "lower") == "higher":
        return "met" if figure["value"] >= goal else "missed"
    return "met" if figure["value"] <= goal else "missed"


def _number(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}" if abs(value) < 100 else f"{value:,.0f}"
    return f"{value:,.0f}" if isinstance(value, (int, float)) else str(value)


def rows(results: dict) -> list[tuple[str, ...]]:
    out = []
    for benchmark, entry in results.items():
        for figure in entry.get("figures", []):
            name = figure["name"] + (f" [{figure['backend']}]" if figure.get("backend") else "")
            unit = figure["unit"]
            goal = figure.get("goal")
            sign = "≥" if figure.get("better", "lower") == "higher" else "≤"
            out.append((benchmark, name, f"{_number(figure['value'])} {unit}",
                        "" if goal is None else f"{sign} {_number(goal)} {unit}", verdict(figure)))
    return out


def table(results: dict) -> str:
    header = ("benchmark", "figure", "value", "goal", "")
    body = rows(results)
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in [header, *body]]
    lines.insert(1, "  ".join("-" * width for width in widths))
    runs = [f"{name}: {entry.get('commit') or '?'} at {entry.get('at')}, "
            f"{(entry.get('machine') or {}).get('cpu_count')} CPUs" for name, entry in results.items()]
    return "\n".join(lines + [""] + runs)


def main() -> None:
    results = load()
    if not results:
        print(f"no results yet in {folder() / FILE}: run `make bench`")
        return
    print(table(results))
    notes = [(b, f) for b, e in results.items() for f in e.get("figures", []) if f.get("note")]
    if notes:
        print("\nnotes:")
        for benchmark, figure in notes:
            backend = f" [{figure['backend']}]" if figure.get("backend") else ""
            print(f"  {benchmark} / {figure['name']}{backend}: {figure['note']}")
    print(f"\n{folder() / FILE}")


if __name__ == "__main__":
    main()
