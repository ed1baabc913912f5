from marshmallow import fields, validate

from ..wire import NO_NUL, Id, WireSchema


class LoginIn(WireSchema):
    username = fields.String(required=True, validate=[validate.Length(1, 64), NO_NUL])
    password = fields.String(required=True, validate=[validate.Length(1, 256), NO_NUL], load_only=True)
    device_id = Id(required=True)
    device_name = fields.String(load_default=None, allow_none=True, validate=[validate.Length(max=64), NO_NUL])


class UserOut(WireSchema):
    id = fields.String()
    username = fields.String()
    name = fields.String()
    role = fields.String()
    area_ids = fields.List(fields.String())


class LoginOut(WireSchema):
    token = fields.String()
    device_id = fields.String()
    user = fields.Nested(UserOut)
    server_time = fields.Integer()
