"""Ledgers (台账): XLSX exports and imports, run as background jobs, and the XLSX helpers."""
