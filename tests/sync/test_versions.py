"""The app-version rule of docs/sync-protocol.md 2.3: strict MAJOR.MINOR.PATCH with an optional
pre-release, ordered by SemVer 2.0 precedence, checked against a comparison written from the spec."""

from __future__ import annotations

import functools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.versions import MAX_LENGTH, version_key

# SemVer 2.0.0, section 11's own example, in ascending order.
SPEC_CHAIN = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
              "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "1.10.0", "2.0.0"]


def spec_compare(a: str, b: str) -> int:
    """SemVer 2.0.0 section 11, step by step: -1, 0 or 1. Independent of version_key."""
    core_a, _, pre_a = a.partition("-")
    core_b, _, pre_b = b.partition("-")
    for x, y in zip(core_a.split("."), core_b.split(".")):
        if int(x) != int(y):
            return -1 if int(x) < int(y) else 1
    if pre_a == pre_b:
        return 0
    if not pre_a or not pre_b:
        return 1 if not pre_a else -1
    left, right = pre_a.split("."), pre_b.split(".")
    for x, y in zip(left, right):
        if x == y:
            continue
        if x.isdigit() and y.isdigit():
            return -1 if int(x) < int(y) else 1
        if x.isdigit() != y.isdigit():
            return -1 if x.isdigit() else 1
        return -1 if x < y else 1
    return -1 if len(left) < len(right) else 1


numbers = st.integers(min_value=0, max_value=120).map(str)
numeric_identifiers = numbers
alphanumeric_identifiers = st.from_regex(re.compile(r"[0-9]{0,2}[A-Za-z-][0-9A-Za-z-]{0,3}"), fullmatch=True)
pre_releases = st.lists(st.one_of(numeric_identifiers, alphanumeric_identifiers), min_size=1, max_size=3).map(".".join)
versions = st.builds(lambda a, b, c, pre: f"{a}.{b}.{c}" + (f"-{pre}" if pre else ""),
                     numbers, numbers, numbers, st.one_of(st.none(), pre_releases)
                     ).filter(lambda text: len(text) <= MAX_LENGTH)


def test_the_spec_example_sorts_in_order():
    keys = [version_key(text) for text in SPEC_CHAIN]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


@pytest.mark.parametrize("text", [
    "0.1.0", "0.0.0", "10.20.30", "1.2.0-beta", "0.2.0-beta", "1.0.0-0", "1.0.0-x-y-z.--", "1.0.0-0a.1",
    "1.0.0-alpha.0valid", "99999999999999999999.0.0",
])
def test_well_formed_versions_are_taken(text):
    version_key(text)


@pytest.mark.parametrize("text", [
    "", "0.1", "1", "0.1.0.5", " 0.1.0", "0.1.0 ", "00.1.0", "0.01.0", "0.1.00", "v0.1.0", "0.1.0-",
    "0.1.0-beta.", "0.1.0-.beta", "0.1.0-beta..1", "0.1.0-01", "0.1.0-beta.01", "0.1.0+build.5",
    "0.1.0-beta+build", "0.1.0-béta", "-1.0.0", "1.0.0\n", "１.0.0", "1.0.0-" + "a" * (MAX_LENGTH - 5),
])
def test_anything_else_is_refused(text):
    with pytest.raises(ValueError):
        version_key(text)


def test_the_length_limit_counts_the_whole_string():
    longest = "1.0.0-" + "a" * (MAX_LENGTH - 6)
    assert len(longest) == MAX_LENGTH
    version_key(longest)


@settings(max_examples=200, deadline=None)
@given(st.lists(versions, min_size=2, max_size=6))
def test_the_order_is_semver_precedence(texts):
    by_key = sorted(texts, key=version_key)
    by_spec = sorted(texts, key=functools.cmp_to_key(spec_compare))
    assert [version_key(t) for t in by_key] == [version_key(t) for t in by_spec]
    for a, b in zip(by_key, by_key[1:]):
        assert spec_compare(a, b) <= 0


@settings(max_examples=200, deadline=None)
@given(versions, versions)
def test_equal_keys_mean_equal_strings(a, b):
    # No build metadata and no leading zeros: every version has exactly one spelling.
    assert (version_key(a) == version_key(b)) == (a == b)


@settings(max_examples=200, deadline=None)
@given(numbers, numbers, numbers, pre_releases)
def test_a_pre_release_sorts_before_its_release_and_after_the_one_before(major, minor, patch, pre):
    release = f"{major}.{minor}.{patch}"
    candidate = f"{release}-{pre}"
    if len(candidate) <= MAX_LENGTH:
        assert version_key(candidate) < version_key(release)
        if patch != "0":
            assert version_key(f"{major}.{minor}.{int(patch) - 1}") < version_key(candidate)


# Each of these spoils any well-formed version (a suffix "0" or "-" would not: "1.2.30", "1.2.3-rc-").
DECORATIONS = [(" ", ""), ("", " "), ("", "+b"), ("v", ""), ("0", ""), ("-", ""), (".", ""), ("", "."), ("", "\t")]


@settings(max_examples=200, deadline=None)
@given(versions, st.sampled_from(DECORATIONS))
def test_decorated_versions_are_refused(text, decoration):
    prefix, suffix = decoration
    with pytest.raises(ValueError):
        version_key(prefix + text + suffix)
