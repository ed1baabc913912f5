"""Refusals in the console: the same stable codes and messages as the sync API, as HTML."""

from __future__ import annotations

from typing import Any

from flask import make_response, render_template, request

from sync.errors import ProtocolError

from ..core.messages import message, register_messages

# Codes only the console uses; the API's own codes come from sync.errors.
CONSOLE_MESSAGES: dict[str, tuple[str, str]] = {
    "csrf_failed": ("页面已过期，请刷新后重试", "This page has expired; reload it and try again"),
    "staff_only": ("此工作台仅供社区工作人员、街道管理员和处置单位联系人使用",
                   "The console is for community staff, street admins and handling unit contacts"),
    "session_expired": ("登录已过期，请重新登录", "Your session has expired; sign in again"),
    "deadline_missing": ("该类别和响应级别没有配置处置时限", "No handling deadline is configured for this category and level"),
    "file_invalid": ("文件无法读取，请上传 .xlsx 格式的台账", "The file cannot be read; upload an .xlsx ledger"),
    "import_empty": ("没有可导入的有效行", "There are no valid rows to import"),
    "job_not_ready": ("任务尚未完成", "The job has not finished yet"),
    "username_taken": ("用户名已被使用", "That username is already taken"),
    "password_too_short": ("密码至少8位", "A password needs at least 8 characters"),
}


register_messages(CONSOLE_MESSAGES)


class ConsoleError(ProtocolError):
    """A refusal raised by a console page; rendered as an alert, never a stack trace."""


def refuse(code: str, status: int = 400, fields: dict[str, Any] | None = None, **extra: Any):
    raise ConsoleError(code, status, fields or {}, extra)


def render_error_context(exc: ProtocolError) -> dict[str, Any]:
    """What console/_error.html shows for a refusal: for a page that shows it inside its own form."""
    zh, en = message(exc.code)
    from .records.labels import field  # late: the labels need the app's Babel set up

    # Staff read the field's name as the form shows it; the wire name stays for support calls.
    fields = {name: (str(field(name)), info.get("message") if isinstance(info, dict) else str(info))
              for name, info in (exc.fields or {}).items()}
    return dict(code=exc.code, message=zh, message_en=en, fields=fields, extra=exc.extra or {})


def render_error(exc: ProtocolError):
    context = render_error_context(exc)
    if request.headers.get("HX-Request") == "true":
        reply = make_response(render_template("console/_error.html", **context), exc.status)
        # htmx does not swap error replies into the form's target: show them in the alert area.
        reply.headers["HX-Retarget"] = "#flash"
        reply.headers["HX-Reswap"] = "innerHTML"
    else:
        reply = make_response(render_template("console/error.html", **context), exc.status)
    if (exc.extra or {}).get("retry_after"):
        reply.headers["Retry-After"] = str(exc.extra["retry_after"])
    return reply
