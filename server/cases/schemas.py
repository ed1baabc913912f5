"""Wire schemas for findings, their categories and case steps."""

from marshmallow import fields, validate

from ..fieldwork.schemas import photos
from ..registry.validators import validate_phone
from ..wire import Code, Id, UtcDateTime, WireSchema, choice, text


class FindingCategoryWire(WireSchema):
    parent_id = Code(allow_none=True)
    name_zh = text(32, required=True)
    name_en = text(64, required=True)
    sort = fields.Integer()
    community_id = Id(allow_none=True)
    base = Code(allow_none=True)
    tuned = fields.List(fields.String(), allow_none=True)
    active = fields.Boolean(allow_none=True)


class FindingWire(WireSchema):
    grid_id = Id(required=True)
    reporter_id = Id(dump_only=True)
    source = choice("source")
    category = Code(required=True)
    description = text(2000, required=True)
    address = text(200)
    lat = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    lng = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
    accuracy = fields.Float(allow_none=True, validate=validate.Range(0, 100000))
    urgency = choice("urgency")
    photos = photos()
    reported_at = UtcDateTime(required=True)
    status = fields.String(dump_only=True)
    level = fields.String(dump_only=True)
    unit = fields.String(dump_only=True)
    deadline_at = UtcDateTime(dump_only=True)
    number = fields.String(dump_only=True)
    requester_id = Id(allow_none=True)
    requester_name = text(32)
    requester_phone = fields.String(allow_none=True, validate=validate_phone)
    visit_id = Id(allow_none=True)
    handling_unit_id = Id(dump_only=True)
    escalated_at = UtcDateTime(dump_only=True)
    reopened = fields.Integer(dump_only=True)


class CaseStepWire(WireSchema):
    finding_id = Id(required=True)
    reporter_id = Id(dump_only=True)
    actor_id = Id(dump_only=True)
    from_status = choice("case_status", required=True)
    to_status = choice("case_status", required=True)
    opinion = text(2000)
    photos = photos()
    at = UtcDateTime(required=True)
    level = choice("case_level")
    unit = text(64)
    deadline_at = UtcDateTime(allow_none=True)
    kind = choice("step_kind")
    rating = fields.Integer(allow_none=True, strict=True, validate=validate.Range(1, 5, error="out_of_range"))
    handling_unit_id = Id(allow_none=True)
