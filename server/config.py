"""Configuration: defaults here, secrets and deployment choices from the environment."""

from __future__ import annotations

import os


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")  # default: SQLite under instance/
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # Bodies beyond this are refused before parsing; photos go through the blob endpoint.
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024
    BLOB_MAX_BYTES = 3 * 1024 * 1024
    # Checked from the image header before decoding: a few KB can claim gigabytes of pixels.
    BLOB_MAX_PIXELS = 40_000_000
    BLOB_DIR = os.environ.get("WANGGE_BLOB_DIR")  # default: instance/blobs
    PUSH_MAX_CHANGES = 500
    PULL_PAGE_SIZE = 500
    PULL_PAGE_MAX = 2000
    # A device clock further ahead than this is clamped to the server's time.
    CLOCK_TOLERANCE_MS = 5 * 60 * 1000
    MIN_PROTOCOL_VERSION = 1
    # Oldest field-app version still served; older ones are told to update.
    MIN_APP_VERSION = os.environ.get("WANGGE_MIN_APP_VERSION", "0.1.0")
    # scrypt (werkzeug's default KDF); tests use a cheap hash, since hashing is not what they prove.
    PASSWORD_HASH_METHOD = "scrypt"
    SERVER_NODE = os.environ.get("WANGGE_SERVER_NODE", "server")
    # The built field app served at /app/ (`make pwa`); default: <repo>/pwa/dist.
    PWA_DIST = os.environ.get("WANGGE_PWA_DIST")
    # htmx and ECharts for the console, copied from npm by `make pwa`; default: <repo>/pwa/vendor.
    VENDOR_DIR = os.environ.get("WANGGE_VENDOR_DIR")
    API_TITLE = "Wangge sync API"
    API_VERSION = "1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    PROPAGATE_EXCEPTIONS = False
    # Ledger imports, checked before and while the workbook is parsed (a small zip can unpack to
    # hundreds of MB). The refusal messages name the 5 MB and 10,000 rows defaults.
    LEDGER_IMPORT_MAX_BYTES = 5 * 1024 * 1024
    LEDGER_IMPORT_MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
    LEDGER_IMPORT_MAX_RATIO = 100  # per part larger than 2 MB unpacked
    LEDGER_IMPORT_MAX_PARTS = 500
    LEDGER_IMPORT_MAX_ROWS = 10_000  # data rows
    LEDGER_IMPORT_MAX_SHEET_ROWS = 50_000  # rows read from the sheet, blank ones included
    LEDGER_IMPORT_MAX_COLUMNS = 100
    # Console sessions: a working day, cookie not readable by scripts nor sent cross-site.
    PERMANENT_SESSION_LIFETIME = 10 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("WANGGE_SECURE_COOKIES") == "1"
    BABEL_DEFAULT_LOCALE = "zh"
    # Reverse proxies in front of the app that each append the client's address to
    # X-Forwarded-For (and set X-Forwarded-Proto). 0: the app faces clients directly and ignores
    # those headers, which anyone can send. Behind one proxy (docker/compose.yaml) set 1: the
    # sign-in throttle and the audit trail then see each client's own address, not the proxy's.
    TRUSTED_PROXY_HOPS = int(os.environ.get("WANGGE_TRUSTED_PROXY_HOPS", "0"))
    # A device token unused this long is refused with `token_expired`: the phone signs in again
    # and keeps its unsent changes.
    DEVICE_TOKEN_IDLE_DAYS = int(os.environ.get("WANGGE_DEVICE_TOKEN_IDLE_DAYS", "30"))


# Keys that have been published (examples, old defaults) or are plainly typed by hand.
WEAK_SECRET_KEYS = frozenset({"dev", "dev-only-not-for-production", "secret", "secret-key", "changeme",
                              "change-me", "test", "testing", "wangge", "password"})
SECRET_KEY_MIN_LENGTH = 32


def check_secret_key(config) -> None:
    """Refuse to start with a missing, published or short SECRET_KEY, whatever FLASK_DEBUG says.

    It signs console sessions and CSRF tokens: whoever knows it can forge a staff sign-in. Only an
    app built with TESTING passed explicitly (the test factory) may use a short fixed key.
    """
    key = config.get("SECRET_KEY")
    if not key:
        raise RuntimeError("SECRET_KEY must be set (environment variable SECRET_KEY); generate one with "
                           "python -c 'import secrets; print(secrets.token_urlsafe(48))'")
    if config.get("TESTING"):
        return
    if str(key).strip().lower() in WEAK_SECRET_KEYS or len(key) < SECRET_KEY_MIN_LENGTH:
        raise RuntimeError(f"SECRET_KEY is a published default or shorter than {SECRET_KEY_MIN_LENGTH} "
                           "characters: set a random one, e.g. "
                           "python -c 'import secrets; print(secrets.token_urlsafe(48))'")
