"""The English catalogue covers every console text, and the language switch uses it."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
# The lazy forms label tables built at import time (case stages, field names): the Makefile's
# `messages` target extracts them with the same keywords.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(ROOT / "server"), METHODS, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_console_text_has_an_english_translation():
    with open(ROOT / "server/translations/en/LC_MESSAGES/messages.po", "rb") as handle:
        catalogue = read_po(handle)
    # A plural entry's id is (singular, plural) and its string one text per form: all must be there.
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue
                  if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)}
    missing = sorted(source_messages() - translated)
    assert not missing, f"run `make messages` and translate in messages.po: {missing[:20]}"


def test_the_language_switch_shows_english(app, world, staff_client):
    client = staff_client("staff")
    assert "工作台" in client.get("/console/").text
    client.post("/console/lang", {"lang": "en", "next": "/console/"})
    page = client.get("/console/").text
    assert "Dashboard" in page and 'lang="en"' in page
    client.post("/console/lang", {"lang": "zh", "next": "/console/"})
    assert 'lang="zh-CN"' in client.get("/console/").text
