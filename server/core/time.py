"""The server's clock, and Beijing time: the one place the server decides what "now" and "today" are.

The database keeps naive UTC. People (staff, grid workers, the residents they register) live on
Beijing time, UTC+8 with no daylight saving, and the field app decides "today" on Beijing's
calendar, so every date a person types or reads is a Beijing date: a birth date that may not be
in the future, a tag's start, "this month" on the dashboard. Between 00:00 and 08:00 Beijing
time the UTC date is still yesterday; a server that asked UTC (or its host) for today would turn
away a baby born this morning that the phone had accepted.

Every date and time of day the server records or compares comes from `now()`, which tests
replace to freeze the clock. (The hybrid logical clock of sync/hlc.py keeps its own wall time:
it orders writes, it does not date them.)
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

# A fixed offset rather than the tz database's Asia/Shanghai: China has kept UTC+8 all year since
# 1991, and a fixed offset needs no tzdata on the host.
BEIJING = timezone(timedelta(hours=8), "UTC+08:00")


def now() -> datetime:
    """The current instant (aware, UTC). The only function tests patch to move the clock."""
    return datetime.now(timezone.utc)


def utcnow() -> datetime:
    """Now as the database stores it: naive UTC."""
    return now().replace(tzinfo=None)


def china_today() -> date:
    """Today's date in Beijing."""
    return now().astimezone(BEIJING).date()


def china_time(moment: datetime | None) -> datetime | None:
    """A stored (naive UTC) time as an aware Beijing time."""
    return moment.replace(tzinfo=timezone.utc).astimezone(BEIJING) if moment else None


def china_wall(moment: datetime | None) -> datetime | None:
    """A stored (naive UTC) time as the naive wall-clock time in Beijing (a ledger cell, a form)."""
    return moment + BEIJING.utcoffset(None) if moment else None


def china_date(moment: datetime | None) -> date | None:
    """The Beijing date of a stored (naive UTC) time."""
    return china_wall(moment).date() if moment else None


def from_china_wall(local: datetime) -> datetime:
    """A naive Beijing wall-clock time as stored: naive UTC."""
    return local - BEIJING.utcoffset(None)


def china_midnight_utc(day: date) -> datetime:
    """The stored (naive UTC) instant a Beijing day begins."""
    return from_china_wall(datetime.combine(day, time(0)))


def to_millis(moment: datetime) -> int:
    """A stored (naive UTC) time as epoch milliseconds (a clock value's wall part, a uuid7's time)."""
    return int(moment.replace(tzinfo=timezone.utc).timestamp() * 1000)


def from_millis(millis: int) -> datetime:
    """An epoch-milliseconds time (a clock value's wall part) as stored: naive UTC."""
    return datetime.fromtimestamp(millis / 1000, timezone.utc).replace(tzinfo=None)
