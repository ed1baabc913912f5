"""The server's own refusal codes live in its registry, not in the protocol's table, and a lookup
takes the protocol's meaning first."""

from __future__ import annotations

import pytest

from server.core import messages
from sync import errors as protocol
from sync.errors import ProtocolError


def test_the_consoles_codes_are_the_servers_not_the_protocols(app):
    assert "csrf_failed" not in protocol.MESSAGES and "import_too_large" not in protocol.MESSAGES
    assert messages.message("csrf_failed") == ("页面已过期，请刷新后重试", "This page has expired; reload it and try again")
    assert messages.is_known("import_too_large") and not messages.is_known("no_such_code")
    body = messages.refusal_body(ProtocolError("job_not_ready", 409, extra={"retry": 15}))
    assert body == {"code": "job_not_ready", "message": "任务尚未完成",
                    "message_en": "The job has not finished yet", "retry": 15}
    assert messages.error_body("out_of_scope") == protocol.error_body("out_of_scope")
    assert messages.field_error("no_such_code")["message"] == protocol.MESSAGES["invalid_value"][0]


def test_a_code_keeps_the_one_meaning_it_was_given(app):
    with pytest.raises(ValueError, match="out_of_scope"):
        messages.register_messages({"out_of_scope": ("随便", "Anything")})
    with pytest.raises(ValueError, match="csrf_failed"):
        messages.register_messages({"csrf_failed": ("另一个意思", "Another meaning")})
    messages.register_messages({"csrf_failed": messages.message("csrf_failed")})  # the same words again: fine
    assert messages.message("out_of_scope") == protocol.MESSAGES["out_of_scope"]
