"""Wire schema for visits."""

from marshmallow import fields, validate

from ..wire import Date, Id, UtcDateTime, WireSchema, choice, text

SHA256 = validate.Regexp(r"^[0-9a-f]{64}$", error="invalid_blob_id")


def photos():
    return fields.List(fields.String(validate=SHA256), validate=validate.Length(max=9), load_default=None)


class VisitWire(WireSchema):
    household_id = Id(required=True)
    resident_ids = fields.List(Id(), validate=validate.Length(max=20), load_default=None)
    visitor_id = Id(dump_only=True)
    visited_at = UtcDateTime(required=True)
    method = choice("method", required=True)
    outcome = choice("outcome", required=True)
    notes = text(2000)
    needs = text(2000)
    follow_up_on = Date(allow_none=True)
    lat = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    lng = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
    accuracy = fields.Float(allow_none=True, validate=validate.Range(0, 100000))
    photos = photos()
    # Written by community staff only (server writes); devices read them to show what was returned.
    review_status = fields.String(dump_only=True)
    review_comment = fields.String(dump_only=True)
    reviewed_by = Id(dump_only=True)
    reviewed_at = UtcDateTime(dump_only=True)
