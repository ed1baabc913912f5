"""The console ledger of actual units (实有单位)."""
