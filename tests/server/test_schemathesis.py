"""schemathesis over the OpenAPI spec, in-process against the Flask app: every operation with
generated (and deliberately invalid) input, signed in as a grid worker's real device. No input
may produce a server error, and every answer must match what the spec documents (status codes,
content types, response bodies, headers).

Bounded so the whole run stays short: MAX_EXAMPLES per operation and phase.
"""

from __future__ import annotations

import pytest

from server.extensions import db
from server.auth.operations import login_device
from sync import PROTOCOL_VERSION
from sync.ids import uuid7
from tests.conftest import PASSWORD, build_world, make_app

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is a test extra (pyproject.toml)")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

MAX_EXAMPLES = 30


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    app = make_app("sqlite", tmp_path_factory.mktemp("schemathesis"))
    with app.app_context():
        build_world(app)
        _, _, token = login_device("worker", PASSWORD, uuid7(), "schemathesis", "9.9.9")
        db.session.commit()
        app.config["SCHEMATHESIS_TOKEN"] = token
        yield app
        db.session.remove()


@pytest.fixture(scope="module")
def api_schema(api):
    # A malformed version header is refused before anything else is read, and an old one hears
    # "update required" (426) first: both are how this API rejects a bad request.
    config = schemathesis.Config.from_dict({"checks": {"negative_data_rejection": {
        "expected-statuses": ["400", "401", "403", "404", "406", "413", "415", "422", "426", "428"]}}})
    return schemathesis.openapi.from_wsgi("/api/openapi.json", api, config=config)


# Every operation of the spec; the first test fails when the spec gains one not listed here.
OPERATIONS = [("/api/auth/login", "POST"), ("/api/sync/push", "POST"), ("/api/sync/pull", "GET"),
              ("/api/blobs/{sha256}", "PUT"), ("/api/blobs/{sha256}", "GET"), ("/api/sync/overwritten", "GET")]
RUNS: dict[str, int] = {}


def test_every_operation_of_the_spec_is_fuzzed(api_schema):
    found = {(result.ok().path, result.ok().method.upper()) for result in api_schema.get_all_operations()}
    assert found == set(OPERATIONS)


# Valid by the spec yet refused by design, so the "schema-valid data accepted" check does not apply:
# a pull cursor is the server's own signed token, and a photo's bytes must hash to its URL.
OPAQUE = {("/api/sync/pull", "GET"), ("/api/blobs/{sha256}", "PUT")}
MODES = ["positive", "negative"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("path,method", OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_api_answers_as_documented(api, api_schema, path, method, mode):
    operation = api_schema[path][method]
    # Schemathesis reads the body over WSGI without undoing the gzip every HTTP client undoes (and
    # would ask for): the answers are checked as sent uncompressed; test_compression checks gzip.
    headers = {"Accept-Encoding": "identity"}
    if mode == "positive":
        # The spec can only say "digits" and "a version": these are the ones this server speaks.
        headers.update({"X-Wangge-Protocol": str(PROTOCOL_VERSION), "X-Wangge-App": "9.9.9"})
    if path != "/api/auth/login":
        headers["Authorization"] = f"Bearer {api.config['SCHEMATHESIS_TOKEN']}"
    excluded = [positive_data_acceptance] if (path, method) in OPAQUE else []
    examples = []

    @given(case=operation.as_strategy(generation_mode=GenerationMode(mode)))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    def run(case):
        examples.append(case)
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    run()
    print(f"\nschemathesis {mode}: {method} {path}: {len(examples)} examples, no failure")
