"""Every error leaves as JSON with a stable code, a Chinese and an English message."""

from __future__ import annotations

import json
import logging

from flask import jsonify
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from sync.errors import ProtocolError

from .core.messages import error_body, refusal_body
from .extensions import db
from .wire import ErrorOut
from .wire import field_errors

log = logging.getLogger(__name__)

HTTP_CODES = {
    400: "invalid_request",
    401: "auth_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "invalid_request",
    422: "invalid_request",
}


class WanggeApi(Api):
    """flask-smorest's Api, answering errors in the protocol's shape instead of its own."""

    ERROR_SCHEMA = ErrorOut  # documents our error shape in the spec

    def handle_http_exception(self, error: HTTPException):
        code = HTTP_CODES.get(error.code or 500, "internal_error")
        fields = None
        data = getattr(error, "data", None) or {}
        messages = data.get("messages") if isinstance(data, dict) else None
        if messages:
            # webargs nests by location ("json", "query"); devices want the field names.
            flat = {}
            for location_messages in messages.values():
                flat.update(field_errors(location_messages))
            fields = flat
        if error.code == 400 and ("JSON" in (error.description or "")
                                  or isinstance(getattr(error, "exc", None), json.JSONDecodeError)):
            code, fields = "malformed_json", None
        return jsonify(error_body(code, fields)), error.code or 500


def register(app) -> None:
    @app.errorhandler(ProtocolError)
    def protocol_error(exc: ProtocolError):
        db.session.rollback()
        reply = jsonify(refusal_body(exc))
        if (exc.extra or {}).get("retry_after"):
            reply.headers["Retry-After"] = str(exc.extra["retry_after"])
        return reply, exc.status

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return app.extensions["wangge_api"].handle_http_exception(exc)
        db.session.rollback()
        log.exception("unhandled error")
        return jsonify(error_body("internal_error")), 500
