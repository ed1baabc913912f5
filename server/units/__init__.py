"""Actual units (实有单位): shops, companies, schools and other organisations at an address."""
