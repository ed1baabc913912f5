"""The audit page (审计日志): who saw or did what sensitive thing, for the staff answerable for them."""
