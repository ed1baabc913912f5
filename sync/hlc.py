"""Hybrid logical clock.

A timestamp is (wall milliseconds, counter, node id), written as a fixed-width string so that
plain string comparison orders timestamps the same way on every replica, in Python, SQL and JS.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

# ASCII digits only: a full-width digit would sort after every real clock and win every merge.
_PATTERN = re.compile(r"^([0-9]{15})-([0-9]{5})-([0-9A-Za-z_.:-]{1,64})\Z")  # \Z: "$" allows a final newline
MAX_COUNTER = 99_999


@dataclass(frozen=True, order=True)
class Timestamp:
    millis: int
    counter: int
    node: str

    def __str__(self) -> str:
        return f"{self.millis:015d}-{self.counter:05d}-{self.node}"

    @classmethod
    def parse(cls, text: str) -> "Timestamp":
        match = _PATTERN.match(text) if isinstance(text, str) else None
        if not match:
            raise ValueError(f"not a hybrid logical clock value: {text!r}")
        return cls(int(match.group(1)), int(match.group(2)), match.group(3))


def is_valid(text: object) -> bool:
    return isinstance(text, str) and _PATTERN.match(text) is not None


def now_millis() -> int:
    return time.time_ns() // 1_000_000


class Clock:
    """One replica's clock. `wall` is injectable so tests can skew a device's time.

    Thread-safe: a server process ticks one clock from its request threads and from background
    jobs (ledger imports) at once, and two writes must never get the same value.
    """

    def __init__(self, node: str, wall=now_millis) -> None:
        self.node = node
        self.wall = wall
        self.last = Timestamp(0, 0, node)
        self._lock = threading.Lock()

    def tick(self) -> Timestamp:
        with self._lock:
            physical = self.wall()
            if physical > self.last.millis:
                self.last = Timestamp(physical, 0, self.node)
            else:
                self.last = self._bump(self.last.millis, self.last.counter + 1)
            return self.last

    def observe(self, remote: str | Timestamp) -> Timestamp:
        """Merge a clock value seen from another replica so our next tick sorts after it."""
        other = Timestamp.parse(remote) if isinstance(remote, str) else remote
        with self._lock:
            physical = self.wall()
            top = max(physical, self.last.millis, other.millis)
            if top == self.last.millis == other.millis:
                counter = max(self.last.counter, other.counter) + 1
            elif top == self.last.millis:
                counter = self.last.counter + 1
            elif top == other.millis:
                counter = other.counter + 1
            else:
                counter = 0
            self.last = self._bump(top, counter)
            return self.last

    def _bump(self, millis: int, counter: int) -> Timestamp:
        # A counter overflow borrows the next millisecond instead of breaking the fixed width.
        if counter > MAX_COUNTER:
            return Timestamp(millis + 1, 0, self.node)
        return Timestamp(millis, counter, self.node)


def bound(incoming: str, server_millis: int, tolerance_ms: int, server_node: str) -> tuple[str, bool]:
    """Clamp a timestamp from a device whose clock runs ahead of the server's.

    Returns the timestamp to use and whether it was clamped. A clamped change keeps its place
    after everything the server had seen (it takes the server's time) but can no longer win
    every future merge just because the phone thinks it is next year.
    """
    stamp = Timestamp.parse(incoming)
    if stamp.millis <= server_millis + tolerance_ms:
        return incoming, False
    return str(Timestamp(server_millis, 0, stamp.node)), True
