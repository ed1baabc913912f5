"""The sync protocol core: clocks, changes, merge, checksums and cursors, free of Flask.

The server, the Python client and the tests all use these; the field app's JS engine follows the
same rules, checked by the shared vectors under tests/vectors/.
"""

PROTOCOL_VERSION = 1
MIN_PROTOCOL_VERSION = 1
