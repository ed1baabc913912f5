"""Date arithmetic the demo shares: ages and anniversaries."""

from __future__ import annotations

from datetime import date


def add_years(day: date, years: int) -> date:
    """The same day `years` later (or earlier); 29 February becomes the 28th in common years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
