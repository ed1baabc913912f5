"""Bounds on an uploaded workbook: moved to imports/limits.py, which every import reads through."""

from ...imports.limits import RATIO_FLOOR, Limits, check_archive, limits  # noqa: F401
