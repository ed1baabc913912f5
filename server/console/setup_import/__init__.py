"""Bulk setup from spreadsheets (/console/setup/import): templates, preview, confirm, resume."""
