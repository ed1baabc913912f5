"""sync/ against the shared protocol vectors in tests/vectors/ (the field app's JS core runs the same files).

A change of behaviour in sync/ fails here until the vectors are regenerated with
tests/vectors/generate.py, which then makes the JS suite (pwa/tests/core.test.mjs) fail until the
JS core follows.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import math
from pathlib import Path

import pytest

from sync import canonical, hlc, merge

VECTORS = Path(__file__).resolve().parents[1] / "vectors"
FILES = ("hlc.json", "merge.json", "canonical.json", "checksum.json")
SPECIALS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def load(name: str) -> dict:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


HLC = load("hlc.json")
MERGE = load("merge.json")
CANONICAL = load("canonical.json")
CHECKSUM = load("checksum.json")


def ids(cases, key="name"):
    return [f"{i}:{c[key]!r}"[:80] for i, c in enumerate(cases)]


def test_every_vector_file_has_cases():
    assert HLC["format"] and HLC["parse"] and HLC["compare"] and HLC["sequences"]
    assert MERGE["cases"] and MERGE["is_deleted"]
    assert CANONICAL["values"] and CANONICAL["records"] and CANONICAL["python_only"]
    assert CHECKSUM["scopes"] and CHECKSUM["combine"]


def test_checked_in_vectors_match_the_generator():
    spec = importlib.util.spec_from_file_location("vector_generator", VECTORS / "generate.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    built = generator.build_all()
    assert sorted(built) == sorted(FILES)
    for name, text in built.items():
        assert (VECTORS / name).read_text(encoding="utf-8") == text, f"{name} is stale: run tests/vectors/generate.py"


# --- hlc ---------------------------------------------------------------------------------


def test_max_counter():
    assert hlc.MAX_COUNTER == HLC["max_counter"]


@pytest.mark.parametrize("case", HLC["format"], ids=ids(HLC["format"], "text"))
def test_hlc_format(case):
    text = str(hlc.Timestamp(case["millis"], case["counter"], case["node"]))
    assert text == case["text"]
    assert hlc.is_valid(text) is case["valid"]


@pytest.mark.parametrize("case", HLC["parse"], ids=ids(HLC["parse"], "text"))
def test_hlc_parse(case):
    assert hlc.is_valid(case["text"]) is case["valid"]
    if case["valid"]:
        stamp = hlc.Timestamp.parse(case["text"])
        assert (stamp.millis, stamp.counter, stamp.node) == (case["millis"], case["counter"], case["node"])
        assert str(stamp) == case["text"]
    else:
        with pytest.raises(ValueError):
            hlc.Timestamp.parse(case["text"])


@pytest.mark.parametrize("case", HLC["compare"], ids=[f"{c['a']} {c['b']}" for c in HLC["compare"]])
def test_hlc_compare(case):
    a, b = hlc.Timestamp.parse(case["a"]), hlc.Timestamp.parse(case["b"])
    assert (a > b) - (a < b) == case["result"]
    # Valid clock strings order like the values they stand for.
    assert (case["a"] > case["b"]) - (case["a"] < case["b"]) == case["result"]


@pytest.mark.parametrize("seq", HLC["sequences"], ids=ids(HLC["sequences"]))
def test_hlc_sequence(seq):
    current = {"wall": None, "reads": 0}

    def wall():
        current["reads"] += 1
        return current["wall"]

    clock = hlc.Clock(seq["node"], wall)
    if "last" in seq:
        clock.last = hlc.Timestamp.parse(seq["last"])
    for i, op in enumerate(seq["ops"]):
        current["wall"] = op["wall"]
        if "error" in op:
            with pytest.raises(ValueError):
                clock.observe(op["remote"])
            assert str(clock.last) == op["expect_last"], f"op {i}"
            continue
        got = clock.tick() if op["op"] == "tick" else clock.observe(op["remote"])
        assert str(got) == op["expect"], f"op {i}"
        assert clock.last == got
    assert current["reads"] == seq["wall_reads"]


# --- merge -------------------------------------------------------------------------------


def test_deleted_constant():
    assert merge.DELETED == MERGE["deleted_field"]


@pytest.mark.parametrize("case", MERGE["cases"], ids=ids(MERGE["cases"]))
def test_merge(case):
    before = copy.deepcopy(case)
    args = [case["values"], case["clocks"], case["incoming"], case["hlc"]]
    if "base" in case:
        args.append(case["base"])
    result = merge.merge(*args)
    expect = case["expect"]
    assert result.values == expect["values"]
    assert result.clocks == expect["clocks"]
    # Exact types too: True must not pass for 1, nor 40.0 for 40 (== would let them).
    assert json.dumps(result.values, sort_keys=True) == json.dumps(expect["values"], sort_keys=True)
    assert result.applied == expect["applied"]
    assert result.ignored == expect["ignored"]
    assert [vars(c) for c in result.conflicts] == expect["conflicts"]
    assert json.dumps([vars(c) for c in result.conflicts]) == json.dumps(expect["conflicts"])
    assert result.changed is expect["changed"]
    assert case == before, "merge must not modify its arguments"


@pytest.mark.parametrize("case", MERGE["is_deleted"], ids=[json.dumps(c["values"]) for c in MERGE["is_deleted"]])
def test_is_deleted(case):
    assert merge.is_deleted(case["values"]) is case["expect"]


# --- canonical JSON ----------------------------------------------------------------------


def special(case: dict):
    value = SPECIALS[case["value_special"]]
    for key in case.get("wrap", []):
        value = {key: value}
    return value


@pytest.mark.parametrize("case", CANONICAL["values"], ids=ids(CANONICAL["values"]))
def test_canonical_value(case):
    if "error" in case:
        with pytest.raises(ValueError):
            canonical.dumps(special(case))
    else:
        assert canonical.dumps(case["value"]) == case["canonical"]


@pytest.mark.parametrize("case", CANONICAL["python_only"], ids=ids(CANONICAL["python_only"]))
def test_canonical_python_only_value(case):
    assert canonical.dumps(case["value"]) == case["canonical"]
    assert abs(case["value"]) > 2**53


@pytest.mark.parametrize("case", CANONICAL["records"], ids=ids(CANONICAL["records"]))
def test_record_hash(case):
    text = canonical.dumps({"e": case["entity"], "f": case["fields"], "id": case["id"]})
    assert text == case["canonical"]
    if "hash_error" in case:
        with pytest.raises(UnicodeEncodeError):
            canonical.record_hash(case["entity"], case["id"], case["fields"])
    else:
        assert f"{canonical.record_hash(case['entity'], case['id'], case['fields']):016x}" == case["hash"]


# --- checksums ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", CHECKSUM["scopes"], ids=ids(CHECKSUM["scopes"]))
def test_scope_checksum(case):
    hashes = [canonical.record_hash(r["entity"], r["id"], r["fields"]) for r in case["records"]]
    assert [f"{h:016x}" for h in hashes] == case["hashes"]
    assert canonical.combine(hashes) == (case["value"], case["count"])
    assert canonical.combine(reversed(hashes)) == (case["value"], case["count"])


@pytest.mark.parametrize("case", CHECKSUM["combine"], ids=ids(CHECKSUM["combine"]))
def test_combine(case):
    assert canonical.combine(int(h, 16) for h in case["hashes"]) == (case["value"], case["count"])
