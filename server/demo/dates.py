"""Date arithmetic the demo shares: ages, anniversaries and time-ordered ids."""

from __future__ import annotations

from datetime import date, datetime, timezone


def add_years(day: date, years: int) -> date:
    """The same day `years` later (or earlier); 29 February becomes the 28th in common years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def millis(moment: datetime) -> int:
    """Milliseconds since the epoch of a naive UTC time (for time-ordered record ids)."""
    return int(moment.replace(tzinfo=timezone.utc).timestamp() * 1000)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
