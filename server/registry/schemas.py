"""Wire schemas for households, residents and care tags."""

from marshmallow import fields, validate

from ..wire import Code, Date, Id, WireSchema, choice, text
from .validators import validate_phone

def phone(**kw):
    return fields.String(allow_none=True, validate=validate_phone, **kw)


class HouseholdWire(WireSchema):
    building_id = Id(required=True)
    unit = fields.Integer(required=True, validate=validate.Range(1, 50))
    floor = fields.Integer(required=True, validate=validate.Range(-5, 120))
    room = text(16, required=True)
    housing_use = choice("housing_use")
    registration_status = choice("registration_status")
    landlord_name = text(32)
    landlord_phone = phone()
    contact_phone = phone()
    notes = text(2000)
    status = choice("household_status")
    merged_into_id = Id(allow_none=True)
    lease_end = Date(allow_none=True)


class ResidentWire(WireSchema):
    household_id = Id(required=True)
    name = text(50, required=True)
    sex = choice("sex", required=True)
    birth_date = Date(allow_none=True)
    id_type = choice("id_type")
    id_number = text(32)
    phone = phone()
    ethnicity = text(16)
    relation = choice("relation")
    population_type = choice("population_type")
    permit_expiry = Date(allow_none=True)
    political_status = choice("political_status")
    moved_out_on = Date(allow_none=True)
    notes = text(2000)
    arrived_by = choice("arrival")
    moved_in_on = Date(allow_none=True)
    moved_in_from = text(100)
    left_by = choice("departure")
    moved_out_to = text(100)


class ResidentTagWire(WireSchema):
    resident_id = Id(required=True)
    tag = Code(required=True)
    detail = fields.Dict(keys=fields.String(validate=validate.Length(max=48)), load_default=None)
    started_on = Date(allow_none=True)
    ended_on = Date(allow_none=True)


class CareTagTypeWire(WireSchema):
    name_zh = text(32, required=True)
    name_en = text(64, required=True)
    interval_days = fields.Integer(required=True)
    detail_fields = fields.List(fields.Dict())
    sort = fields.Integer()
    community_id = Id(allow_none=True)
    base = Code(allow_none=True)
    tuned = fields.List(fields.String(), allow_none=True)
    active = fields.Boolean(allow_none=True)
