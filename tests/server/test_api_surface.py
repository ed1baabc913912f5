"""What a client developer and an operator rely on: the spec and the health check."""


def test_openapi_spec_documents_every_endpoint_and_entity(app):
    spec = app.test_client().get("/api/openapi.json").get_json()
    assert {"/api/auth/login", "/api/sync/push", "/api/sync/pull", "/api/blobs/{sha256}"} <= set(spec["paths"])
    schemas = spec["components"]["schemas"]
    assert {"Change", "PushOut", "PullOut", "ResidentWire", "VisitWire", "FindingWire", "ErrorOut"} <= set(schemas)
    assert set(schemas["ErrorOut"]["properties"]) >= {"code", "message", "message_en", "fields"}
    assert "id_number" in schemas["ResidentWire"]["properties"]


def test_healthz_reports_the_database(app):
    reply = app.test_client().get("/healthz")
    assert reply.status_code == 200
    assert reply.get_json() == {"status": "ok", "database": "sqlite"}


def test_the_home_page_answers_in_chinese(app):
    reply = app.test_client().get("/")
    assert reply.status_code == 200
    assert "网格" in reply.get_data(as_text=True)


def test_each_process_has_its_own_server_clock_node(app):
    import os

    assert app.extensions["wangge_clock"].node == f"server.{os.getpid()}"
