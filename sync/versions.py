"""App versions (the `X-Wangge-App` header): what a well-formed one is, and how two compare.

The rule is Semantic Versioning 2.0.0 without build metadata, so that a third-party client can
implement it from the spec: `MAJOR.MINOR.PATCH`, each a non-negative integer without leading zeros,
optionally followed by `-` and a pre-release of dot-separated identifiers (`[0-9A-Za-z-]+`, numeric
ones without leading zeros). Nothing may surround it, and it is at most 32 characters (what a device
row stores). Build metadata (`+…`) is refused: SemVer ignores it when ordering, so two different
strings would name the same version.

Order is SemVer precedence: the three numbers numerically, then a pre-release sorts before its
release (`1.2.0-beta < 1.2.0`); pre-releases compare identifier by identifier, numeric ones
numerically and below alphanumeric ones, which compare in ASCII order; a longer run of identifiers
sorts after its prefix.
"""

from __future__ import annotations

import re

MAX_LENGTH = 32

_NUMBER = r"(?:0|[1-9][0-9]*)"
_IDENTIFIER = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
_VERSION = re.compile(rf"({_NUMBER})\.({_NUMBER})\.({_NUMBER})(?:-({_IDENTIFIER}(?:\.{_IDENTIFIER})*))?")
PATTERN = f"^{_VERSION.pattern}$"  # for the API spec


def version_key(text: str) -> tuple:
    """A sort key for a well-formed version; ValueError for anything else."""
    match = _VERSION.fullmatch(text) if len(text) <= MAX_LENGTH else None
    if match is None:
        raise ValueError(f"not a MAJOR.MINOR.PATCH version: {text!r}")
    major, minor, patch, pre = match.groups()
    if pre is None:
        # A release sorts after every pre-release of the same numbers.
        return int(major), int(minor), int(patch), (1,)
    identifiers = tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in pre.split("."))
    return int(major), int(minor), int(patch), (0, identifiers)
