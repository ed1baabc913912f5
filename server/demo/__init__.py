"""Deterministic demo data for a sample community."""
