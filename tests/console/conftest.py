"""Console fixtures: a Flask test client signed in as a staff member, with the CSRF token."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class StaffClient:
    """A signed-in browser stand-in: get() pages, post() forms with the page's CSRF token."""

    def __init__(self, client) -> None:
        self.client = client
        self.token = None

    def login(self, username: str, password: str = PASSWORD):
        page = self.client.get("/console/login")
        self.token = TOKEN.search(page.text).group(1)
        reply = self.client.post("/console/login", data={"username": username, "password": password,
                                                          "csrf_token": self.token})
        if reply.status_code == 302:
            # Signing in starts a new session, and with it a new token.
            self.token = TOKEN.search(self.client.get("/console/").text).group(1)
        return reply

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url: str, data=None, htmx: bool = False, **kwargs):
        headers = kwargs.pop("headers", {})
        if htmx:
            headers["HX-Request"] = "true"
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})}, headers=headers, **kwargs)


@pytest.fixture
def staff_client(app, world):
    """staff_client("staff") -> a StaffClient signed in as that user of the test world."""

    def make(username: str = "staff") -> StaffClient:
        client = StaffClient(app.test_client())
        reply = client.login(username)
        assert reply.status_code == 302, reply.text
        return client

    return make
