"""Conflicts (冲突) between phones' edits, and the changes the server rejected (被拒变更)."""
