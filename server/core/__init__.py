"""The base layer every server package may import: the synced-record base, scope and roles, the
server's clock and Beijing time, its message codes and its choice catalogue. It imports none of them in return."""
