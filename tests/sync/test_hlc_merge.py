"""Unit tests of the protocol core: hybrid logical clocks, field merge, cursors, canonical JSON."""

from __future__ import annotations

import base64
import itertools
import json
import math
import sys
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import canonical, hlc, merge
from sync.cursor import START, Backfill, Cursor
from sync.errors import ProtocolError


def ts(millis: int, counter: int = 0, node: str = "n") -> str:
    return str(hlc.Timestamp(millis, counter, node))


# --- hybrid logical clock --------------------------------------------------------------


def test_timestamp_text_is_fixed_width_and_round_trips():
    stamp = hlc.Timestamp(1_700_000_000_123, 7, "dev-1")
    assert str(stamp) == "001700000000123-00007-dev-1"
    assert hlc.Timestamp.parse(str(stamp)) == stamp
    assert hlc.is_valid(str(stamp))


def test_timestamp_strings_sort_like_the_clock_values():
    stamps = [hlc.Timestamp(m, c, n) for m in (5, 40, 1_700_000_000_000) for c in (0, 3, 12)
              for n in ("a", "b", "z9")]
    by_value = sorted(stamps)
    by_text = sorted(stamps, key=str)
    assert by_value == by_text
    # The counter matters more than the node, the millisecond more than the counter.
    assert ts(10, 1, "a") > ts(10, 0, "z")
    assert ts(11, 0, "a") > ts(10, 99_999, "z")


@pytest.mark.parametrize("text", [
    "", "17-0-a", "001700000000000-00000-", "001700000000000-0000-a", "1700000000000-00000-a",
    "001700000000000-00000-bad node", "001700000000000-00000-" + "x" * 65, None, 17,
    "001700000000000-00000-dev\n",  # a trailing newline would break the fixed-width ordering
    "\uff10\uff10" + "1700000000000-00000-dev",  # full-width digits sort after every real clock
])
def test_malformed_clock_values_are_refused(text):
    assert not hlc.is_valid(text)
    with pytest.raises(ValueError):
        hlc.Timestamp.parse(text)


def test_clock_never_runs_backwards_when_the_wall_clock_does():
    walls = iter([1000, 1000, 990, 500, 1001])
    clock = hlc.Clock("dev", lambda: next(walls))
    got = [clock.tick() for _ in range(5)]
    assert [str(t) for t in got] == [ts(1000, 0, "dev"), ts(1000, 1, "dev"), ts(1000, 2, "dev"),
                                     ts(1000, 3, "dev"), ts(1001, 0, "dev")]
    assert got == sorted(got) and len(set(got)) == 5


def test_observing_a_remote_clock_makes_the_next_tick_sort_after_it():
    clock = hlc.Clock("a", lambda: 1000)
    clock.tick()
    seen = clock.observe(ts(5000, 4, "b"))
    assert seen == hlc.Timestamp(5000, 5, "a")
    assert clock.tick() == hlc.Timestamp(5000, 6, "a")
    assert str(clock.tick()) > ts(5000, 4, "b")


def test_observing_an_older_clock_keeps_the_local_time():
    clock = hlc.Clock("a", lambda: 9000)
    assert clock.observe(ts(10, 3, "b")) == hlc.Timestamp(9000, 0, "a")
    clock = hlc.Clock("a", lambda: 100)
    clock.last = hlc.Timestamp(500, 2, "a")
    assert clock.observe(ts(500, 7, "b")) == hlc.Timestamp(500, 8, "a")


def test_counter_overflow_borrows_the_next_millisecond():
    clock = hlc.Clock("a", lambda: 10)
    clock.last = hlc.Timestamp(10, hlc.MAX_COUNTER, "a")
    assert clock.tick() == hlc.Timestamp(11, 0, "a")
    assert hlc.is_valid(str(clock.last))


def test_one_clock_ticked_from_many_threads_never_repeats_a_value():
    """A server process ticks its clock from request threads and import jobs at once."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, mid-tick included
    clock = hlc.Clock("server", lambda: 1000)  # one millisecond throughout: every tick races on the counter
    start = threading.Barrier(6)
    got: list[list[hlc.Timestamp]] = [[] for _ in range(6)]

    def work(mine: list[hlc.Timestamp], observe: bool) -> None:
        start.wait()
        for i in range(1000):
            mine.append(clock.observe(ts(1000, i, "phone")) if observe and i % 10 == 0 else clock.tick())

    threads = [threading.Thread(target=work, args=(got[n], n % 2 == 1)) for n in range(6)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    for mine in got:
        assert all(a < b for a, b in zip(mine, mine[1:]))
    every = [t for mine in got for t in mine]
    assert len(set(every)) == len(every) == 6000


def test_bound_keeps_a_clock_within_tolerance_and_clamps_one_beyond():
    server = 1_800_000_000_000
    near = ts(server + 1000, 3, "dev")
    assert hlc.bound(near, server, 5000, "srv") == (near, False)
    far = ts(server + 365 * 86_400_000, 9, "dev")
    clamped, was_clamped = hlc.bound(far, server, 5000, "srv")
    assert was_clamped is True
    assert hlc.Timestamp.parse(clamped).millis <= server + 5000
    # The writer keeps its name, so the tie-break between writers is unchanged.
    assert hlc.Timestamp.parse(clamped).node == "dev"


# --- merge -----------------------------------------------------------------------------


def test_merge_sets_fields_never_written_before():
    out = merge.merge({"a": 1}, {"a": ts(1)}, {"b": 2}, ts(2))
    assert out.values == {"a": 1, "b": 2}
    assert out.clocks == {"a": ts(1), "b": ts(2)}
    assert out.applied == ["b"] and out.ignored == [] and out.conflicts == []


def test_merge_higher_clock_wins_and_lower_is_ignored():
    values, clocks = {"phone": "old"}, {"phone": ts(100)}
    newer = merge.merge(values, clocks, {"phone": "new"}, ts(200), base={"phone": ts(100)})
    assert newer.values["phone"] == "new" and newer.clocks["phone"] == ts(200) and newer.applied == ["phone"]
    older = merge.merge(values, clocks, {"phone": "stale"}, ts(50), base={"phone": ts(100)})
    assert older.values["phone"] == "old" and older.clocks["phone"] == ts(100)
    assert older.ignored == ["phone"] and older.applied == []


def test_merge_is_pure():
    values, clocks = {"x": 1}, {"x": ts(1)}
    merge.merge(values, clocks, {"x": 2, "y": 3}, ts(9))
    assert values == {"x": 1} and clocks == {"x": ts(1)}


def test_replayed_write_changes_nothing():
    out = merge.merge({"x": 1}, {"x": ts(7)}, {"x": 1}, ts(7))
    assert out.changed is False and out.ignored == ["x"] and out.conflicts == []


def test_winning_write_whose_author_had_not_seen_the_old_value_records_a_conflict():
    out = merge.merge({"notes": "A"}, {"notes": ts(10, 0, "a")}, {"notes": "B"}, ts(20, 0, "b"), base={})
    assert out.values["notes"] == "B"
    [conflict] = out.conflicts
    assert (conflict.field, conflict.winner_value, conflict.loser_value) == ("notes", "B", "A")
    assert (conflict.winner_hlc, conflict.loser_hlc, conflict.incoming_won) == (ts(20, 0, "b"), ts(10, 0, "a"), True)


def test_losing_write_records_a_conflict_with_both_values():
    out = merge.merge({"notes": "A"}, {"notes": ts(30, 0, "a")}, {"notes": "B"}, ts(20, 0, "b"),
                      base={"notes": ts(5)})
    assert out.values["notes"] == "A" and out.ignored == ["notes"]
    [conflict] = out.conflicts
    assert (conflict.winner_value, conflict.loser_value, conflict.incoming_won) == ("A", "B", False)


def test_no_conflict_when_the_author_had_seen_the_value_it_overwrites():
    out = merge.merge({"notes": "A"}, {"notes": ts(10)}, {"notes": "B"}, ts(20), base={"notes": ts(10)})
    assert out.values["notes"] == "B" and out.conflicts == []


def test_no_conflict_when_both_writes_agree():
    out = merge.merge({"notes": "A"}, {"notes": ts(10, 0, "a")}, {"notes": "A"}, ts(20, 0, "b"))
    assert out.conflicts == [] and out.clocks["notes"] == ts(20, 0, "b")


def test_equal_time_is_settled_by_the_writer_id():
    first = merge.merge({}, {}, {"f": "from-a"}, ts(10, 0, "dev-a"))
    both = merge.merge(first.values, first.clocks, {"f": "from-b"}, ts(10, 0, "dev-b"))
    assert both.values["f"] == "from-b"
    reverse = merge.merge({}, {}, {"f": "from-b"}, ts(10, 0, "dev-b"))
    reverse = merge.merge(reverse.values, reverse.clocks, {"f": "from-a"}, ts(10, 0, "dev-a"))
    assert reverse.values["f"] == "from-b"


# A write is (clock, {field: value}); every clock is unique, as a real HLC guarantees.
FIELDS = st.sampled_from(["name", "phone", "notes", "floor"])
VALUES = st.one_of(st.none(), st.integers(-5, 5), st.sampled_from(["甲", "乙", "丙", ""]))
WRITES = st.lists(
    st.tuples(st.integers(0, 30), st.integers(0, 3), st.sampled_from(["a", "b", "c"]),
              st.dictionaries(FIELDS, VALUES, min_size=1, max_size=3)),
    min_size=1, max_size=7, unique_by=lambda w: (w[0], w[1], w[2]),
)


@settings(max_examples=100, deadline=None)
@given(writes=WRITES, data=st.data())
def test_merging_the_same_writes_in_any_order_gives_the_same_values_and_clocks(writes, data):
    def replay(order):
        values: dict = {}
        clocks: dict = {}
        for millis, counter, node, fields in order:
            out = merge.merge(values, clocks, fields, ts(millis, counter, node), base={})
            values, clocks = out.values, out.clocks
        return values, clocks

    expected = replay(writes)
    shuffled = data.draw(st.permutations(writes))
    assert replay(shuffled) == expected
    assert replay(list(reversed(writes))) == expected
    # Every field holds the value of its highest-clocked write.
    for name, clock in expected[1].items():
        top = max((w for w in writes if name in w[3]), key=lambda w: (w[0], w[1], w[2]))
        assert clock == ts(top[0], top[1], top[2]) and expected[0][name] == top[3][name]


def test_merge_converges_over_every_order_of_three_devices():
    writes = [(ts(10, 0, "a"), {"phone": "1", "notes": "a"}), (ts(10, 0, "b"), {"phone": "2"}),
              (ts(9, 5, "c"), {"notes": "c", "phone": "3"})]
    outcomes = set()
    for order in itertools.permutations(writes):
        values, clocks = {}, {}
        for stamp, fields in order:
            out = merge.merge(values, clocks, fields, stamp)
            values, clocks = out.values, out.clocks
        outcomes.add(json.dumps([values, clocks], sort_keys=True))
    assert len(outcomes) == 1
    values, _ = json.loads(outcomes.pop())
    assert values == {"phone": "2", "notes": "a"}


# --- cursor ----------------------------------------------------------------------------


def test_cursor_round_trips_with_its_backfill():
    cursor = Cursor((41, 7), ["g:x", "*"], Backfill(["g:y"], (40, 2), (3, 1)))
    again = Cursor.decode(cursor.encode())
    assert again.pos == (41, 7)
    assert again.keys == ["*", "g:x"]
    assert (again.backfill.keys, again.backfill.upto, again.backfill.pos) == (["g:y"], (40, 2), (3, 1))


def test_empty_cursor_starts_from_the_beginning():
    for token in (None, ""):
        cursor = Cursor.decode(token)
        assert cursor.pos == START and cursor.keys == [] and cursor.backfill is None


def test_the_largest_stored_position_still_decodes():
    top = 2**63 - 1
    assert Cursor.decode(Cursor((top, top), []).encode()).pos == (top, top)


def test_cursor_is_url_safe_text():
    token = Cursor((2**40, 2**33), ["g:" + "f" * 36] * 3).encode()
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _token(data) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.parametrize("token", [
    "not a cursor!", "e30", _token([1, 2]), _token({"p": [1, 2]}), _token({"p": [1], "k": []}),
    _token({"p": [-1, 2], "k": []}), _token({"p": ["1", 2], "k": []}), _token({"p": [1.5, 2], "k": []}),
    _token({"p": [1, 2], "k": [], "b": {"k": []}}), _token({"p": [1, 2], "k": [], "b": {"k": [], "u": [0], "p": [0, 0]}}),
    "%%%", "\u7f51\u683c",
    # Forged positions that would otherwise reach SQL and fail there: booleans, beyond 64 bits.
    _token({"p": [True, 0], "k": []}), _token({"p": [2**63, 0], "k": []}), _token({"p": [0, 2**64], "k": []}),
    _token({"p": [1, 2], "k": [], "b": {"k": ["g:x"], "u": [2**80, 0], "p": [0, 0]}}),
    _token({"p": [1, 2], "k": "g:abc"}),
])
def test_a_forged_or_damaged_cursor_is_refused_with_cursor_invalid(token):
    with pytest.raises(ProtocolError) as caught:
        Cursor.decode(token)
    assert caught.value.code == "cursor_invalid" and caught.value.status == 400


# --- canonical JSON --------------------------------------------------------------------


def test_canonical_json_sorts_keys_drops_spaces_and_keeps_chinese():
    assert canonical.dumps({"b": 1, "a": [True, None, "网格"]}) == '{"a":[true,null,"网格"],"b":1}'


def test_integral_floats_print_as_integers_like_javascript():
    assert canonical.dumps({"x": 3.0, "y": 2.5, "z": -0.0}) == '{"x":3,"y":2.5,"z":0}'


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_have_no_canonical_form(bad):
    with pytest.raises(ValueError):
        canonical.dumps({"x": bad})


def test_values_json_cannot_carry_are_refused():
    with pytest.raises(TypeError):
        canonical.dumps({"x": {1, 2}})


def test_record_hash_ignores_key_order_but_not_content():
    one = canonical.record_hash("resident", "r1", {"name": "张三", "phone": "13800138000"})
    two = canonical.record_hash("resident", "r1", {"phone": "13800138000", "name": "张三"})
    assert one == two
    assert 0 <= one < 2**64
    assert one != canonical.record_hash("resident", "r1", {"name": "张三", "phone": "13800138001"})
    assert one != canonical.record_hash("resident", "r2", {"name": "张三", "phone": "13800138000"})
    assert one != canonical.record_hash("household", "r1", {"name": "张三", "phone": "13800138000"})


def test_scope_checksum_is_order_independent_and_wraps_at_64_bits():
    hashes = [2**64 - 1, 5, 2**63, 17]
    value, count = canonical.combine(hashes)
    assert (value, count) == canonical.combine(reversed(hashes))
    assert count == 4
    assert int(value, 16) == sum(hashes) % 2**64 and len(value) == 16
    assert canonical.combine([]) == ("0" * 16, 0)
