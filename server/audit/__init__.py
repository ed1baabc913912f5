"""The one audit trail: who saw or did what sensitive thing, when, from where, for the console and
the device API alike (PIPL asks that reads of sensitive personal data be attributable)."""

from .trail import write  # noqa: F401
