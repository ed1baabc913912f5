"""bench/results/latest.json as `make bench` leaves it: each benchmark's figures kept beside the others',
and every figure with a goal read as met or missed. Runs no benchmark."""

import json
import os

import pytest

from benchmarks import results


@pytest.fixture
def folder(tmp_path, monkeypatch):
    where = tmp_path / "results"
    monkeypatch.setenv(results.FOLDER_ENV, str(where))
    return where


def test_each_benchmark_keeps_its_entry_when_another_records(folder):
    results.record("sync_bench", [{"name": "push", "value": 260, "unit": "changes/s", "goal": 10000,
                                   "better": "higher", "backend": "sqlite", "note": "issue 12"}])
    results.record("console_bench", [{"name": "jd1 dashboard", "value": 80.5, "unit": "ms", "goal": 300}])
    results.record("sync_bench", [{"name": "push", "value": 12000, "unit": "changes/s", "goal": 10000,
                                   "better": "higher", "backend": "sqlite"}])

    saved = json.loads((folder / "latest.json").read_text(encoding="utf-8"))
    assert set(saved) == {"sync_bench", "console_bench"}
    assert [f["value"] for f in saved["sync_bench"]["figures"]] == [12000]
    assert saved["console_bench"]["figures"][0]["name"] == "jd1 dashboard"
    entry = saved["console_bench"]
    assert entry["machine"]["cpu_count"] == os.cpu_count()
    assert entry["at"].endswith("+08:00")
    assert "commit" in entry


@pytest.mark.parametrize("figure, verdict", [
    ({"value": 300, "goal": 300}, "met"),
    ({"value": 301, "goal": 300}, "missed"),
    ({"value": 301, "goal": 300, "better": "lower"}, "missed"),
    ({"value": 10000, "goal": 10000, "better": "higher"}, "met"),
    ({"value": 275, "goal": 10000, "better": "higher"}, "missed"),
    ({"value": 0, "goal": 0}, "met"),
    ({"value": 42}, "—"),
])
def test_a_goal_is_met_or_missed_in_the_direction_that_is_better(figure, verdict):
    assert results.verdict({"name": "x", "unit": "ms", **figure}) == verdict


def test_the_table_shows_value_goal_and_verdict(folder, capsys):
    results.record("sync_bench", [
        {"name": "push", "value": 260, "unit": "changes/s", "goal": 10000, "better": "higher", "backend": "sqlite"},
        {"name": "initial pull", "value": 700, "unit": "ms", "goal": 300, "better": "lower", "backend": "sqlite"},
        {"name": "load", "value": 12.3, "unit": "s"},
    ])
    results.main()
    lines = capsys.readouterr().out.splitlines()
    push = next(line for line in lines if "push [sqlite]" in line)
    assert "260 changes/s" in push and "≥ 10,000 changes/s" in push and push.endswith("missed")
    pull = next(line for line in lines if "initial pull" in line)
    assert "≤ 300 ms" in pull and pull.endswith("missed")
    assert next(line for line in lines if line.startswith("sync_bench  load")).endswith("—")


def test_a_failed_write_leaves_the_previous_file_whole(folder, monkeypatch):
    results.record("sync_bench", [{"name": "push", "value": 260, "unit": "changes/s"}])
    before = (folder / "latest.json").read_bytes()

    def refuse(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(results.json, "dump", refuse)
    with pytest.raises(OSError):
        results.record("console_bench", [{"name": "dashboard", "value": 80, "unit": "ms"}])
    assert (folder / "latest.json").read_bytes() == before
    assert [p.name for p in folder.iterdir()] == ["latest.json"]


def test_a_figure_without_value_or_unit_is_refused(folder):
    with pytest.raises(ValueError):
        results.record("sync_bench", [{"name": "push", "value": 260}])
    with pytest.raises(ValueError):
        results.record("sync_bench", [{"name": "push", "value": 260, "unit": "/s", "better": "faster"}])
    assert not (folder / "latest.json").exists()
