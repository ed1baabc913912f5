"""The unit's wire schema."""

from marshmallow import fields, pre_load, validate

from ..registry.validators import validate_phone
from ..wire import Id, WireSchema, choice, text
from .creditcode import normalise_credit_code, validate_credit_code


class UnitWire(WireSchema):
    building_id = Id(required=True)
    room = text(32)
    name = text(100, required=True)
    kind = choice("unit_kind", required=True)
    credit_code = fields.String(allow_none=True, validate=validate_credit_code)
    contact_name = text(32)
    contact_phone = fields.String(allow_none=True, validate=validate_phone)
    employees = fields.Integer(allow_none=True, validate=validate.Range(0, 1_000_000))
    status = choice("unit_status")
    handles_cases = fields.Boolean(allow_none=True)
    notes = text(2000)

    @pre_load
    def _licence_form(self, data, **kwargs):
        # People type the code in lower case or with spaces around it; the licence prints capitals.
        if isinstance(data, dict) and isinstance(data.get("credit_code"), str):
            data = {**data, "credit_code": normalise_credit_code(data["credit_code"]) or None}
        return data
