"""Reading the JSON examples of docs/sync-protocol.md, and comparing them with live replies.

Every fenced ```json block of the doc follows a label, `<!-- example: NAME -->`, or
`<!-- example: NAME; not replayable: REASON -->`. Ids, clocks, cursors, tokens, hashes and times
differ from run to run, so the comparison binds each such doc value to the live value it meets
first and then holds it to that: the same doc id must be the same live id everywhere, and two doc
ids never one live id. Everything else (keys, types, codes, messages, counts, field values) must be
equal. Requests go the other way: bound doc values become their live values, unbound ids become
fresh ones and unbound device clocks keep their distance from each other.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sync.ids import uuid7

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "sync-protocol.md"

LABELLED = re.compile(r"<!-- example: (?P<name>[a-z0-9-]+)(?:; not replayable: (?P<reason>[^>]+?))? -->\n"
                      r"```json\n(?P<body>.*?)\n```", re.S)
UUID = re.compile(r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")
HLC = re.compile(r"(\d{15})-(\d{5})-([0-9A-Za-z_.:-]{1,64})")
OPAQUE = {  # whole strings that differ from run to run, by the shape that recognises them
    "cursor": re.compile(r"eyJ[A-Za-z0-9_-]+"),
    "sha256": re.compile(r"[0-9a-f]{64}"),
    "checksum": re.compile(r"[0-9a-f]{16}"),
    "server node": re.compile(r"server\.[0-9]+"),  # the server's clock node names its process
}
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
TIME_KEYS = {"server_time"}


@dataclass
class Example:
    name: str
    body: Any
    line: int
    not_replayable: str | None


def examples(text: str | None = None) -> dict[str, Example]:
    text = DOC.read_text(encoding="utf-8") if text is None else text
    found: dict[str, Example] = {}
    for match in LABELLED.finditer(text):
        name = match["name"]
        assert name not in found, f"example label {name} is used twice"
        line = text.count("\n", 0, match.start("body")) + 1
        try:
            body = json.loads(match["body"])
        except json.JSONDecodeError as exc:
            raise AssertionError(f"docs/sync-protocol.md line {line}: example {name} is not JSON: {exc}") from exc
        found[name] = Example(name, body, line, match["reason"])
    return found


def json_block_lines(text: str) -> list[int]:
    return [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r"^```json$", text, re.M)]


def error_table(text: str) -> list[tuple[str, str, str]]:
    """(code, 中文, English) of each row of section 11, in order."""
    section = text.split("## 11. Error codes", 1)[1].split("\n## ", 1)[0]
    return [tuple(cell.strip().strip("`") for cell in row.split("|")[1:4])
            for row in section.splitlines() if row.startswith("| `")]


def declared_messages() -> dict[str, tuple[str, str]]:
    """sync/errors.py's MESSAGES as written, before anything at run time adds to it."""
    tree = ast.parse((ROOT / "sync" / "errors.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == "MESSAGES":
            return ast.literal_eval(node.value)
    raise AssertionError("no MESSAGES in sync/errors.py")


@dataclass
class Replay:
    """The doc-to-live bindings of one replayed story."""

    shift_ms: int  # added to the milliseconds of device clocks the doc's requests carry
    forward: dict[str, Any] = field(default_factory=dict)
    backward: dict[Any, str] = field(default_factory=dict)

    def bind(self, doc: str, live: Any, path: str) -> None:
        if doc in self.forward:
            assert self.forward[doc] == live, f"{path}: doc {doc} was {self.forward[doc]}, now {live}"
        else:
            assert live not in self.backward, f"{path}: {live} is already doc {self.backward[live]}, not {doc}"
            self.forward[doc], self.backward[live] = live, doc

    # -- doc reply against live reply ------------------------------------------------------------
    def match(self, doc: Any, live: Any, path: str = "$") -> None:
        if isinstance(doc, dict):
            assert isinstance(live, dict), f"{path}: expected an object, got {live!r}"
            assert set(doc) == set(live), f"{path}: keys {sorted(doc)} in the doc, {sorted(live)} live"
            for key, value in doc.items():
                if key in TIME_KEYS:
                    assert type(live[key]) is int and live[key] > 0, f"{path}.{key}: {live[key]!r}"
                elif key == "token":
                    assert isinstance(live[key], str) and TOKEN.fullmatch(live[key]), f"{path}.token"
                    self.bind(value, live[key], f"{path}.token")
                else:
                    self.match(value, live[key], f"{path}.{key}")
        elif isinstance(doc, list):
            assert isinstance(live, list) and len(live) == len(doc), f"{path}: {len(doc)} items in the doc: {live!r}"
            for index, (a, b) in enumerate(zip(doc, live)):
                self.match(a, b, f"{path}[{index}]")
        elif isinstance(doc, str):
            assert isinstance(live, str), f"{path}: expected a string, got {live!r}"
            self._match_text(doc, live, path)
        else:
            assert type(doc) is type(live) and doc == live, f"{path}: {doc!r} in the doc, {live!r} live"

    def _match_text(self, doc: str, live: str, path: str) -> None:
        clock = HLC.fullmatch(doc)
        if clock:
            live_clock = HLC.fullmatch(live)
            assert live_clock, f"{path}: {live!r} is not a clock"
            self._match_text(clock[3], live_clock[3], f"{path} (node)")
            self.bind(doc, live, path)
            return
        for kind, shape in OPAQUE.items():
            if shape.fullmatch(doc):
                assert shape.fullmatch(live), f"{path}: {live!r} is not a {kind}"
                self.bind(doc, live, path)
                return
        doc_parts, live_parts = UUID.split(doc), UUID.split(live)
        assert len(doc_parts) == len(live_parts), f"{path}: {doc!r} in the doc, {live!r} live"
        for index, (a, b) in enumerate(zip(doc_parts, live_parts)):
            if index % 2:
                self.bind(a, b, path)
            else:
                assert a == b, f"{path}: {doc!r} in the doc, {live!r} live"

    # -- doc request to live request -------------------------------------------------------------
    def live(self, doc: Any) -> Any:
        if isinstance(doc, dict):
            return {key: self.live(value) for key, value in doc.items()}
        if isinstance(doc, list):
            return [self.live(value) for value in doc]
        if not isinstance(doc, str) or doc in self.forward:
            return self.forward.get(doc, doc) if isinstance(doc, str) else doc
        clock = HLC.fullmatch(doc)
        if clock:
            node = clock[3]
            assert UUID.fullmatch(node), f"request clock {doc} is the server's but was never seen in a reply"
            value = f"{int(clock[1]) + self.shift_ms:015d}-{clock[2]}-{self.live(node)}"
            self.bind(doc, value, "request")
            return value
        return UUID.sub(lambda m: self.forward.get(m[1]) or self._fresh(m[1]), doc)

    def _fresh(self, doc_id: str) -> str:
        value = uuid7()
        self.bind(doc_id, value, "request")
        return value
