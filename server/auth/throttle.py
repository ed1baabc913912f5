"""One sign-in throttle for the device API and the console: backoff, never a hard lockout.

Failures are rows of `login_attempts`, so every app process (and every gunicorn worker) counts the
same ones, on SQLite and on PostgreSQL alike. An attempt is written as a failure *before* its
password is checked and turned into a success afterwards, so a burst of parallel guesses sees
its own earlier members.

Two rules, each a backoff (wait 2^k seconds after the k-th failure past the free ones, at most
MAX_WAIT), each answered with 429 `too_many_attempts` and `Retry-After`:

- Per account. An account's failures are counted separately for each address it signed in from
  successfully in the last KNOWN_ADDRESS days, and together for everywhere else. An attacker on
  the internet who keeps guessing a staff member's password only slows the "everywhere else"
  bucket: the staff member at their usual office address is not kept waiting. A success clears
  the bucket it happened in.
- Per client address, for password spraying (one guess at each of many usernames). After
  FREE_ADDRESS_FAILURES failures from one address within ADDRESS_WINDOW, attempts from it back
  off — except for usernames that have signed in successfully from that very address before.
  So one attacker behind an office's shared NAT (or a misconfigured proxy) cannot lock every
  colleague out: their accounts are known there and pass this rule; the per-account rule still
  bounds the guesses at those accounts.

The client address is request.remote_addr, made the real client's by ProxyFix with
TRUSTED_PROXY_HOPS (server/config.py). Refused (throttled) attempts check no password and are not
counted, so waiting is enough to be let in again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from sync.errors import ProtocolError

from ..core.time import utcnow
from ..extensions import db
from .models import LoginAttempt

FREE_USER_FAILURES = 5
FREE_ADDRESS_FAILURES = 20
MAX_WAIT = timedelta(minutes=15)
USER_WINDOW = timedelta(hours=24)
ADDRESS_WINDOW = timedelta(hours=1)
KNOWN_ADDRESS = timedelta(days=90)


@dataclass
class Attempt:
    row: LoginAttempt


def backoff(failures: int, free: int) -> timedelta:
    """How long to wait after `failures` failures in a row when the first `free` cost nothing."""
    if failures < free:
        return timedelta(0)
    return min(MAX_WAIT, timedelta(seconds=2 ** min(failures - free, 20)))


def _streak(where, since: datetime) -> tuple[int, datetime | None]:
    """Failures matching `where` after `since` and after the last success matching it."""
    last_ok = db.session.scalar(select(func.max(LoginAttempt.at)).where(*where, LoginAttempt.ok.is_(True)))
    if last_ok is not None and last_ok > since:
        since = last_ok
    count, last = db.session.execute(select(func.count(), func.max(LoginAttempt.at)).where(
        *where, LoginAttempt.ok.is_(False), LoginAttempt.at > since)).one()
    return count, last


def _known_addresses(username: str, now: datetime) -> set[str]:
    return set(db.session.scalars(select(LoginAttempt.ip).distinct().where(
        LoginAttempt.username == username, LoginAttempt.ok.is_(True), LoginAttempt.at >= now - KNOWN_ADDRESS)))


def _address_failures(address: str, now: datetime) -> tuple[int, datetime | None]:
    # Not cleared by a success: an attacker's own valid account must not reset the count.
    return db.session.execute(select(func.count(), func.max(LoginAttempt.at)).where(
        LoginAttempt.ip == address, LoginAttempt.ok.is_(False), LoginAttempt.at > now - ADDRESS_WINDOW)).one()


def wait_for(username: str, address: str) -> timedelta:
    """How long this username must wait before trying from this address (zero: try now)."""
    now = utcnow()
    known = _known_addresses(username, now)
    if address in known:
        bucket = (LoginAttempt.username == username, LoginAttempt.ip == address)
    elif known:
        bucket = (LoginAttempt.username == username, LoginAttempt.ip.not_in(known))
    else:
        bucket = (LoginAttempt.username == username,)
    waits = []
    failures, last = _streak(bucket, now - USER_WINDOW)
    if last is not None:
        waits.append(last + backoff(failures, FREE_USER_FAILURES) - now)
    if address not in known:
        failures, last = _address_failures(address, now)
        if last is not None:
            waits.append(last + backoff(failures, FREE_ADDRESS_FAILURES) - now)
    return max([timedelta(0), *waits])


def begin(username: str, address: str | None) -> Attempt:
    """Refuse with 429 while this sign-in must wait; else record it (as failed until `succeeded`)
    and commit, so parallel attempts count it."""
    address = (address or "-")[:64]
    username = username[:64]
    wait = wait_for(username, address)
    if wait > timedelta(0):
        seconds = max(1, math.ceil(wait.total_seconds()))
        raise ProtocolError("too_many_attempts", 429, extra={"retry_after": seconds})
    row = LoginAttempt(username=username, ip=address, ok=False, at=utcnow())
    db.session.add(row)
    db.session.commit()
    return Attempt(row)


def succeeded(attempt: Attempt) -> None:
    """The password was right (the caller commits)."""
    attempt.row.ok = True
