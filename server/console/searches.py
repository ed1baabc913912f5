"""What staff type into a list's search box travels in a POST body and is remembered in the
session, never put in a URL: URLs land in access logs (the app's and every proxy's), browser
history and Referer headers, and the text is often a resident's name or the tail of an ID number.

The other filters (grid, tag, status…: ids and codes) stay in the URL, so a filtered list can
still be bookmarked and paged with plain links; the search text comes back from the session on
each page until the box is emptied or the filters are cleared (`?clear=1`).
"""

from __future__ import annotations

from flask import request, session
from werkzeug.datastructures import MultiDict

KEY = "searches"
MAX_LENGTH = 50


def filters(list_name: str) -> MultiDict:
    """The request's filters for one list, with the remembered search text as `q`: from the posted
    form (whose text is remembered), or from the URL (where any `q` is ignored)."""
    saved = dict(session.get(KEY) or {})
    if request.method == "POST":
        values = MultiDict(request.form)
        values.pop("csrf_token", None)
        saved[list_name] = (request.form.get("q") or "").strip()[:MAX_LENGTH]
    else:
        values = MultiDict(request.args)
        if "clear" in request.args:
            saved[list_name] = ""
    saved = {name: text for name, text in saved.items() if text}
    if saved != (session.get(KEY) or {}):
        session[KEY] = saved
    values.setlist("q", [saved.get(list_name, "")])
    return values


def url_params(params: dict) -> dict:
    """A list's filters as they may appear in a URL: without the search text."""
    return {key: value for key, value in params.items() if key != "q"}
