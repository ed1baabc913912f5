"""Finding 12: what staff type into a search box (a resident's name, an ID number) never reaches
an access log. The searches are made the way each page's own filter form makes them, against a
real HTTP server whose access log (werkzeug's, one request line per request, as gunicorn's) is
captured."""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import quote, quote_plus

import pytest
import requests
from werkzeug.serving import make_server

from tests.conftest import PASSWORD

ID_NUMBER = "110101199003074514"
NAME = "张秀英"
FORM = re.compile(r'<form class="filters[^"]*" method="(?P<method>\w+)" action="(?P<action>[^"]+)"')
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def served(app, world):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def signed_in(base: str, username: str) -> requests.Session:
    browser = requests.Session()
    token = TOKEN.search(browser.get(f"{base}/console/login").text).group(1)
    reply = browser.post(f"{base}/console/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert reply.status_code == 200 and reply.url.endswith("/console/")
    return browser


def search(browser: requests.Session, base: str, page: str, text: str, htmx: bool = False) -> requests.Response:
    """Fill in the search box of the page's filter form and submit it as the form says."""
    html = browser.get(base + page).text
    form = FORM.search(html)
    fields = {"q": text}
    if form["method"] == "get":
        return browser.get(base + form["action"], params=fields)
    headers = {"HX-Request": "true", "HX-Target": "records-table"} if htmx else {}
    return browser.post(base + form["action"], data={**fields, "csrf_token": TOKEN.search(html).group(1)},
                        headers=headers)


def test_searched_names_and_id_numbers_are_not_in_the_access_log(served, caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    staff = signed_in(served, "staff")
    found = search(staff, served, "/console/residents", NAME)
    assert found.status_code == 200 and NAME in found.text
    search(staff, served, "/console/residents", ID_NUMBER[-4:], htmx=True)
    search(staff, served, "/console/households", ID_NUMBER)
    search(staff, served, "/console/cases", NAME)
    search(staff, served, "/console/users", NAME)
    # Paging a searched list keeps the search without putting it in the URL.
    paged = staff.get(f"{served}/console/residents?page=1")
    assert f'value="{NAME}"' not in paged.text  # the last search on this list was the ID tail
    assert f'value="{ID_NUMBER[-4:]}"' in paged.text

    log = "\n".join(record.getMessage() for record in caplog.records if record.name == "werkzeug")
    assert "POST /console/residents" in log  # the log is captured
    for secret in (NAME, ID_NUMBER, ID_NUMBER[-4:]):
        for form in (secret, quote(secret), quote_plus(secret)):
            assert form not in log, f"{secret!r} is in the access log"
