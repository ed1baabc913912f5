"""Wire schemas for areas and buildings."""

from marshmallow import ValidationError, fields, validate, validates, validates_schema

from .doors import check_doors, pattern_error

from ..registry.validators import validate_phone
from ..wire import Date, Id, WireSchema, choice, text


class AreaWire(WireSchema):
    level = choice("area_level", required=True)
    code = text(20)
    name = text(64, required=True)
    parent_id = Id(allow_none=True)
    boundary = text(500)
    retired_on = Date(allow_none=True)


class BuildingWire(WireSchema):
    grid_id = Id(required=True)
    number = text(16, required=True)
    name = text(64)
    units = fields.Integer(load_default=None, validate=validate.Range(1, 50))
    floors = fields.Integer(load_default=None, validate=validate.Range(1, 120))
    rooms_per_floor = fields.Integer(load_default=None, validate=validate.Range(1, 40))
    lat = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    lng = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
    captain_name = text(32)
    captain_phone = fields.String(allow_none=True, validate=validate_phone)
    notes = text(2000)
    estate = text(64)
    lift = fields.Boolean(allow_none=True)
    built_year = fields.Integer(allow_none=True, validate=validate.Range(1800, 2100))
    door_pattern = text(32)
    doors = fields.List(fields.Dict(), allow_none=True, validate=validate.Length(max=2000))
    captain_user_id = Id(allow_none=True)

    @validates("door_pattern")
    def _pattern(self, value, **kwargs):
        code = pattern_error(value)
        if code:
            raise ValidationError(code)

    @validates_schema
    def _doors(self, data, **kwargs):
        # The unit count bounds the doors only when the same change carries it.
        code = check_doors(data.get("doors"), data.get("units"))
        if code:
            raise ValidationError(code, "doors")
