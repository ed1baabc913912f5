// The field app's version (sent as X-Wangge-App, MAJOR.MINOR.PATCH with an optional pre-release, the rule
// of sync/versions.py) and the sync protocol version it speaks (X-Wangge-Protocol). See docs/sync-protocol.md section 2.
export const APP_VERSION = "0.1.0";
export const PROTOCOL_VERSION = 1;
