"""Envelope schemas of the sync API (records inside are checked per entity, per change)."""

import json

from marshmallow import ValidationError, validate, validates, validates_schema
from marshmallow import fields as mf

from sync import hlc

from ..core.choices import codes
from ..wire import Id, WireSchema


class ChangeIn(WireSchema):
    id = Id(required=True)
    entity = mf.String(required=True, validate=validate.Length(1, 32))
    record_id = Id(required=True)
    op = mf.String(required=True, validate=validate.OneOf(codes("op")))
    hlc = mf.String(required=True, validate=validate.Length(1, 96))
    fields = mf.Dict(keys=mf.String(validate=validate.Length(1, 48)), load_default=dict,
                         validate=validate.Length(max=64))
    base = mf.Dict(keys=mf.String(validate=validate.Length(1, 48)),
                       values=mf.String(validate=validate.Length(max=96)), load_default=dict,
                       validate=validate.Length(max=64))

    @validates("hlc")
    def _hlc(self, value, **kwargs):
        if not hlc.is_valid(value):
            raise ValidationError("invalid_hlc")

    @validates_schema
    def _encodable(self, data, **kwargs):
        # JSON allows lone surrogates ("\ud800"); no database can store them as text.
        for name in ("fields", "base"):
            try:
                json.dumps(data.get(name), ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError as exc:
                raise ValidationError("invalid_value", name) from exc


class PushIn(WireSchema):
    # Any JSON value, null included: each change is checked on its own (one bad one never sinks the batch).
    changes = mf.List(mf.Raw(allow_none=True), required=True)


class ChangeResult(WireSchema):
    id = mf.String(allow_none=True)
    status = mf.String(metadata={"enum": ["accepted", "rejected"]})
    code = mf.String()
    message = mf.String()
    message_en = mf.String()
    fields = mf.Dict()
    hlc = mf.String()
    clamped = mf.Boolean()
    applied = mf.List(mf.String())
    ignored = mf.List(mf.String())
    conflicts = mf.List(mf.String())
    replayed = mf.Boolean()
    current_status = mf.String()
    max = mf.Integer()


class PushOut(WireSchema):
    results = mf.List(mf.Nested(ChangeResult))
    server_time = mf.Integer()
    hlc = mf.String()


class PullQuery(WireSchema):
    cursor = mf.String(load_default=None, validate=validate.Length(max=4096))
    limit = mf.Integer(load_default=None, validate=validate.Range(1, 2000))


class OverwrittenQuery(WireSchema):
    after = mf.Integer(load_default=0, validate=validate.Range(0, 2**62))


class OverwrittenItem(WireSchema):
    id = mf.Integer()
    entity = mf.String()
    record_id = mf.String()
    field = mf.String()
    at = mf.Integer(allow_none=True, metadata={"description": "when the winning write was made (ms since the epoch)"})
    by = mf.String(allow_none=True, metadata={"description": "who made it, when the server knows"})


class OverwrittenOut(WireSchema):
    items = mf.List(mf.Nested(OverwrittenItem))
    last = mf.Integer()
    has_more = mf.Boolean()


class RecordOut(WireSchema):
    entity = mf.String()
    id = mf.String()
    deleted = mf.Boolean()
    fields = mf.Dict()
    clocks = mf.Dict()
    scope = mf.Dict()


class ChecksumOut(WireSchema):
    value = mf.String()
    count = mf.Integer()


class PullOut(WireSchema):
    records = mf.List(mf.Nested(RecordOut))
    cursor = mf.String()
    has_more = mf.Boolean()
    drop = mf.List(mf.String())
    reset = mf.Boolean()
    checksum = mf.Nested(ChecksumOut, allow_none=True)
    scope = mf.List(mf.String())
    server_time = mf.Integer()
    hlc = mf.String()
