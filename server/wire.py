"""Shared marshmallow pieces: id and time fields, and turning validation errors into codes."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import json
import math

import flask_smorest
from marshmallow import INCLUDE, Schema, ValidationError, fields, pre_load, validate
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from .core.messages import field_error, is_known

from .core.choices import codes

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
# Every string at the edge refuses U+0000 (WireSchema._refuse_nul); this says so in the spec.
NO_NUL = validate.Regexp(r"^[^\x00]*$", error="invalid_value")


class Id(fields.String):
    """A record id: a lower-case UUID (devices make UUIDv7s)."""

    def __init__(self, **kwargs):
        kwargs["metadata"] = {"format": "uuid", "pattern": UUID_RE.pattern, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not UUID_RE.match(text):
            raise ValidationError("invalid_uuid")
        return text


class Code(fields.String):
    """A dictionary code such as `elderly_alone`."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not CODE_RE.match(text):
            raise ValidationError("invalid_value")
        return text


class UtcDateTime(fields.Field):
    """ISO 8601 in, naive UTC to the database, `YYYY-MM-DDTHH:MM:SSZ` out.

    Seconds precision keeps a value identical after a round trip through any replica.
    """

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or len(value) > 40:
            raise ValidationError("invalid_datetime")
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise ValidationError("invalid_datetime") from exc
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
        if not 2000 <= parsed.year <= 2100:
            raise ValidationError("invalid_datetime")
        return parsed.replace(microsecond=0)


class Date(fields.Date):
    def _deserialize(self, value, attr, data, **kwargs):
        try:
            result = super()._deserialize(value, attr, data, **kwargs)
        except ValidationError as exc:
            raise ValidationError("invalid_date") from exc
        if result.year < 1900 or result.year > 2100:
            raise ValidationError("invalid_date")
        return result


def text(max_len: int, required: bool = False, min_len: int = 0, **kw) -> fields.String:
    # Two validators, so an empty value says "too short" and a long one "too long".
    return fields.String(
        required=required,
        allow_none=not required,
        validate=[validate.Length(min=min_len if min_len else (1 if required else 0)), validate.Length(max=max_len)],
        **kw,
    )


def choice(kind: str, required: bool = False, **kw) -> fields.String:
    """A code of the catalogue's `kind` (server/core/choices.py)."""
    return fields.String(required=required, allow_none=not required, validate=validate.OneOf(codes(kind)), **kw)


class WireSchema(Schema):
    """Base for every schema at the edge: unknown fields are errors, never silently dropped."""

    class Meta:
        ordered = True

    @pre_load
    def _refuse_nul(self, data, **kwargs):
        # U+0000 is valid JSON but PostgreSQL text cannot hold it: a field error, not a crash.
        if isinstance(data, dict):
            bad = {k: ["invalid_value"] for k, v in data.items() if isinstance(v, str) and "\x00" in v}
            if bad:
                raise ValidationError(bad)
        return data


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def strict_json(raw: bytes):
    """JSON as RFC 8259 and I-JSON mean it: no NaN or Infinity, no numbers beyond a float or
    Python's digit limit, no lone surrogates, no nesting deep enough to exhaust the stack.
    Anything else raises JSONDecodeError, which the API answers with `malformed_json`."""
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant, parse_float=_finite)
        json.dumps(value, ensure_ascii=False).encode("utf-8")  # lone surrogates fail here
    except json.JSONDecodeError:
        raise  # an empty body keeps its empty `doc`, which webargs reads as "no body"
    except (ValueError, RecursionError) as exc:  # UnicodeError is a ValueError too
        raise json.JSONDecodeError(str(exc)[:200], "<refused>", 0) from exc
    return value


class StrictJsonParser(FlaskParser):
    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        return strict_json(req.get_data(cache=True))


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint, reading JSON bodies strictly."""

    ARGUMENTS_PARSER = StrictJsonParser()


# marshmallow's English messages, mapped onto our stable codes.
_MARSHMALLOW_CODES = (
    ("Missing data for required field", "required"),
    ("Unknown field", "unknown_field"),
    ("Field may not be null", "null_not_allowed"),
    ("Must be one of", "invalid_choice"),
    ("Longer than maximum length", "too_long"),
    ("Shorter than minimum length", "too_short"),
    ("Length must be between", "too_long"),
    ("Must be greater than or equal", "out_of_range"),
    ("Must be less than or equal", "out_of_range"),
    ("Not a valid date", "invalid_date"),
    ("Not a valid datetime", "invalid_datetime"),
    ("Not a valid", "invalid_type"),
    ("Invalid input type", "invalid_type"),
)


def code_for(message: str) -> str:
    if is_known(message):
        return message
    for prefix, code in _MARSHMALLOW_CODES:
        if message.startswith(prefix):
            return code
    return "invalid_value"


def field_errors(messages: Any, prefix: str = "") -> dict[str, dict[str, str]]:
    """Flatten marshmallow's nested messages into {"field.sub": {code, message, message_en}}."""
    out: dict[str, dict[str, str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(field_errors(value, name))
    elif isinstance(messages, list):
        if messages and all(isinstance(m, str) for m in messages):
            out[prefix or "_schema"] = field_error(code_for(messages[0]))
        else:
            for item in messages:
                out.update(field_errors(item, prefix))
    elif isinstance(messages, str):
        out[prefix or "_schema"] = field_error(code_for(messages))
    return out


class ErrorOut(WireSchema):
    """A refusal. Some codes carry more keys (`wipe`, `min_app_version`, `max`...): open-ended."""

    class Meta(WireSchema.Meta):
        unknown = INCLUDE

    code = fields.String()
    message = fields.String()
    message_en = fields.String()
    fields = fields.Dict()
