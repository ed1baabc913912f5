"""Every error the protocol can report, with its stable code and messages.

One table, so the server, the Python client, the docs and the field app speak the same codes.
A code never changes meaning once shipped; add new ones instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# code -> (Chinese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    # request envelope
    "malformed_json": ("请求内容不是有效的 JSON", "The request body is not valid JSON"),
    "invalid_request": ("请求格式不正确", "The request is not in the expected format"),
    "body_too_large": ("请求内容过大", "The request body is too large"),
    "not_found": ("请求的内容不存在", "Not found"),
    "method_not_allowed": ("不支持该请求方式", "Method not allowed"),
    "internal_error": ("服务器内部错误，请稍后重试", "Internal server error, please retry later"),
    "protocol_missing": ("请求缺少协议版本", "The request does not state its protocol version"),
    "update_required": ("应用版本过旧，请更新后再同步", "This app version is too old: update it to sync"),
    "app_version_format": ("应用版本号应为“主版本.次版本.修订号”，如 1.2.0 或 1.2.0-beta.1",
                           "An app version is MAJOR.MINOR.PATCH, e.g. 1.2.0 or 1.2.0-beta.1"),
    # auth
    "auth_required": ("请先登录", "Sign-in required"),
    "invalid_credentials": ("用户名或密码错误", "Wrong username or password"),
    "user_disabled": ("账号已停用", "This account is disabled"),
    "token_invalid": ("登录已失效，请重新登录", "The sign-in token is invalid; sign in again"),
    "device_revoked": ("此设备已被停用，本机数据将被清除", "This device was revoked; its local data will be wiped"),
    "device_mismatch": ("设备标识与登录不符", "The device id does not match the sign-in"),
    "forbidden": ("无权进行此操作", "You are not allowed to do this"),
    "too_many_attempts": ("登录失败次数过多，请稍后再试", "Too many failed sign-ins; wait a moment and try again"),
    "token_expired": ("登录已过期，请重新登录（未同步的内容会保留）",
                      "Your sign-in has expired; sign in again (unsynced changes are kept)"),
    # per change
    "unknown_entity": ("未知的记录类型", "Unknown record type"),
    "unknown_record": ("记录不存在", "The record does not exist"),
    "unknown_reference": ("引用的记录不存在或不可见", "A referenced record does not exist or is not visible to you"),
    "out_of_scope": ("超出您负责的范围", "Outside the areas you are responsible for"),
    "read_only_entity": ("此类记录不能在设备上修改", "This kind of record cannot be changed from a device"),
    "append_only": ("此类记录只能新增，不能修改或删除", "This kind of record can only be added, not changed or deleted"),
    "delete_not_allowed": ("此类记录不能删除，请改为更新状态", "This kind of record cannot be deleted; change its state instead"),
    "record_deleted": ("记录已删除", "The record was deleted"),
    "cross_grid_move": ("不能把记录移到其他网格", "A record cannot be moved into another grid"),
    "invalid_hlc": ("时间戳格式不正确", "The change's clock value is malformed"),
    "duplicate_change_in_batch": ("同一批次中重复的变更", "The same change appears twice in one batch"),
    "too_many_changes": ("一次提交的变更过多", "Too many changes in one push"),
    "validation_failed": ("内容校验未通过", "Some fields are not valid"),
    "illegal_transition": ("当前状态下不能进行此操作", "This step is not allowed from the case's current state"),
    "unverified_close": ("事件尚未核查，不能销号", "A case cannot be closed before it is verified"),
    "stale_transition": ("事件状态已被他人更新，请刷新后重试", "Someone else already moved this case on; refresh and retry"),
    "field_not_permitted": ("您的角色不能填写或修改此号码", "Your role may not write this number (it does not receive it)"),
    # field level
    "required": ("必填", "Required"),
    "unknown_field": ("未知字段", "Unknown field"),
    "null_not_allowed": ("不能为空", "May not be empty"),
    "invalid_type": ("类型不正确", "Wrong type"),
    "invalid_choice": ("不在可选范围内", "Not one of the allowed values"),
    "too_long": ("内容过长", "Too long"),
    "too_short": ("内容过短", "Too short"),
    "out_of_range": ("数值超出范围", "Out of range"),
    "invalid_date": ("日期格式不正确", "Not a valid date"),
    "invalid_datetime": ("时间格式不正确", "Not a valid date and time"),
    "invalid_uuid": ("标识格式不正确", "Not a valid id"),
    "invalid_value": ("取值不正确", "Not a valid value"),
    "id_number_format": ("身份证号应为18位（最后一位可为X）", "An ID number has 18 characters (the last may be X)"),
    "id_number_checksum": ("身份证号校验位错误，请核对", "The ID number's check character is wrong"),
    "id_number_birth_date": ("身份证号中的出生日期无效", "The birth date inside the ID number is not a real date"),
    "id_number_birth_mismatch": ("出生日期与身份证号不一致", "The birth date does not match the ID number"),
    "id_number_sex_mismatch": ("性别与身份证号不一致", "The sex does not match the ID number"),
    "phone_format": ("电话号码格式不正确（手机11位，座机需带区号）", "Not a valid phone number (mobile: 11 digits; landline with area code)"),
    "grid_code_format": ("网格编码应为20位数字", "A grid code has 20 digits"),
    "future_date": ("日期不能晚于今天", "The date cannot be in the future"),
    "tag_detail_invalid": ("特殊人群标签的详细信息不正确", "The care tag's detail fields are not valid"),
    "unknown_tag": ("未知的特殊人群标签", "Unknown care tag"),
    "unknown_category": ("未知的事件类别", "Unknown finding category"),
    "tag_inactive": ("本社区已停用该特殊人群标签", "This community no longer uses this care tag"),
    "category_inactive": ("本社区已停用该事件类别", "This community no longer uses this finding category"),
    "permit_for_migrant_only": ("居住证到期日仅适用于流动人口", "A residence-permit expiry applies to migrants only"),
    # blobs
    "blob_hash_mismatch": ("照片内容与标识不符", "The photo's content does not match its hash"),
    "blob_type_not_allowed": ("只能上传 JPEG、PNG 或 WebP 照片", "Only JPEG, PNG or WebP photos can be uploaded"),
    "blob_too_large": ("照片过大", "The photo is too large"),
    "blob_empty": ("照片内容为空", "The photo is empty"),
    "invalid_blob_id": ("照片标识应为 SHA-256", "A photo id is a SHA-256 hex digest"),
    "blob_not_an_image": ("照片已损坏或不是图片，无法读取", "The photo is damaged or not an image and cannot be read"),
    "blob_too_many_pixels": ("照片像素过多", "The photo has too many pixels"),
    "blob_not_yours": ("只能附上您自己上传的照片，或您可处理的记录中已有的照片",
                       "You can only attach photos you uploaded, or ones already on a record you may change"),
    "cursor_invalid": ("同步游标无效", "The sync cursor is not valid"),
}


def message(code: str) -> tuple[str, str]:
    return MESSAGES.get(code, MESSAGES["invalid_value"])


def error_body(code: str, fields: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """The JSON shape of every error: the stable code, both messages and the failing fields."""
    zh, en = message(code)
    body: dict[str, Any] = {"code": code, "message": zh, "message_en": en}
    if fields:
        body["fields"] = fields
    body.update(extra)
    return body


def field_error(code: str) -> dict[str, str]:
    zh, en = message(code)
    return {"code": code, "message": zh, "message_en": en}


@dataclass
class ProtocolError(Exception):
    """A refusal with a stable code; `status` is the HTTP status when it ends a request."""

    code: str
    status: int = 400
    fields: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.code)

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.fields or None, **self.extra)
