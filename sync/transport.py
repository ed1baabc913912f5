"""How the Python client reaches a server, and a network that can be made to misbehave."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass
class Response:
    status: int
    body: Any
    content: bytes = b""


class Offline(ConnectionError):
    """No network: the request never reached the server."""


class LostResponse(ConnectionError):
    """The server handled the request, but its answer never came back."""


Send = Callable[[str, str, dict, bytes | None], Response]


def http_transport(base_url: str, timeout: float = 30) -> Send:
    """A real HTTP transport over urllib (the client needs nothing outside the stdlib)."""

    def send(method: str, path: str, headers: dict, body: bytes | None) -> Response:
        request = urllib.request.Request(base_url.rstrip("/") + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as reply:
                return _response(reply.status, reply.read())
        except urllib.error.HTTPError as err:
            return _response(err.code, err.read())
        except urllib.error.URLError as err:
            raise Offline(str(err)) from err

    return send


def wsgi_transport(app) -> Send:
    """In-process transport over a WSGI app's test client (tests and benchmarks): no sockets."""
    client = app.test_client()

    def send(method: str, path: str, headers: dict, body: bytes | None) -> Response:
        reply = client.open(path, method=method, headers=headers, data=body)
        return Response(reply.status_code, reply.get_json(silent=True), reply.data)

    return send


def _response(status: int, content: bytes) -> Response:
    try:
        body = json.loads(content) if content else None
    except ValueError:
        body = None
    return Response(status, body, content)


@dataclass
class FlakyNetwork:
    """Wraps a transport; tests switch it offline, drop answers or send requests twice."""

    inner: Send
    offline: bool = False
    lose_responses: int = 0
    duplicate_requests: int = 0
    log: list[str] = field(default_factory=list)

    def __call__(self, method: str, path: str, headers: dict, body: bytes | None) -> Response:
        self.log.append(f"{method} {path.split('?')[0]}")
        if self.offline:
            raise Offline("network is off")
        if self.duplicate_requests > 0:
            self.duplicate_requests -= 1
            self.inner(method, path, headers, body)
        reply = self.inner(method, path, headers, body)
        if self.lose_responses > 0:
            self.lose_responses -= 1
            raise LostResponse("the response was lost")
        return reply
