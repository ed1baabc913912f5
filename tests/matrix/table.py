"""Every route of the server, classified: who may use it, and on which object.

Keyed "endpoint METHOD" exactly as `app.url_map` names them; test_route_matrix fails, naming the
key, for any rule of the URL map missing here (and for any entry here the map no longer has). A new
route is one line: its URL with `{placeholders}`, the roles allowed, and for a route on one
object the factory (`obj`) that builds an in-scope and an out-of-scope one (see OBJECTS).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

FIELD = frozenset({"grid_worker", "patrol_volunteer"})
STAFF = frozenset({"community_staff", "street_admin"})
EVERYONE = FIELD | STAFF
COMMUNITY_STAFF = frozenset({"community_staff"})
STREET_ADMIN = frozenset({"street_admin"})  # a street's communities are the street admin's to set up  # full numbers: street admins work from aggregates
NOBODY: frozenset[str] = frozenset()
# A handling unit's contact: the unit desk only (tests/console/test_unit_desk.py sweeps every other
# console route as one); staff reach none of its pages, having no unit.
UNIT_CONTACT = frozenset({"unit_contact"})
SIGNED_IN = STAFF | UNIT_CONTACT  # signing out and the language: anyone with a console session

GOOD_PASSWORD = "new-pass-2026"


@dataclass(frozen=True)
class Route:
    side: str                          # "public", "api" (device token) or "console" (staff session)
    url: str                           # format string over the ids the `obj` factory returns
    allow: frozenset[str] = NOBODY     # roles that may use it on an object in their scope
    obj: str | None = None             # OBJECTS key: the route acts on one object, in or out of scope
    data: Callable[[dict], dict] | None = None  # the form (console) or JSON/bytes (API) body
    ok: tuple[int, ...] = (200,)       # what an allowed call answers
    denied: tuple[int, ...] = (403, 404)  # what a call on an object out of scope answers
    shows: bool = False                # an allowed page shows the object's markers
    prefill: bool = False              # post the form state (clocks, loaded) the GET of the URL renders
    fresh_session: bool = False        # the call ends its session (logout): a session of its own
    note: str = field(default="", compare=False)


def console(url, allow=STAFF, **kw) -> Route:
    return Route("console", url, allow, **kw)


def api(url, allow=EVERYONE, **kw) -> Route:
    return Route("api", url, allow, **kw)


def public(url, ok=(200,), **kw) -> Route:
    return Route("public", url, ok=ok, **kw)


WRITE_OK = (200, 204, 302, 303)
# A form that reached its handler but did not pass its checks still proves the caller got in;
# what a valid edit stores is the console tests' business.
FORM_OK = (*WRITE_OK, 400, 409, 422)


def _setup_file(ids):
    from tests.matrix.city import setup_file

    return {"kind": "households", "file": (setup_file(), "住户.xlsx")}


def _import_file(ids):
    from tests.matrix.city import ledger_file

    return {"file": (ledger_file(), "台账.xlsx")}


ROUTES: dict[str, Route] = {
    # -- public -----------------------------------------------------------------------------
    "home GET": public("/"),
    "healthz GET": public("/healthz"),
    "static GET": public("/static/missing.css", ok=(404,)),
    "api-docs.openapi_json GET": public("/api/openapi.json"),
    # 503 with Retry-After is the deliberate answer of a server whose field app is not built yet.
    "fieldapp.serve GET": public("/app/", ok=(200, 503)),
    "console.static GET": public("/console/static/console.css"),
    "console.vendor GET": public("/console/vendor/htmx.min.js", ok=(200, 404)),
    "console.login_form GET": public("/console/login"),
    "console.login POST": public("/console/login", note="per role: see test_console_sign_in_by_role"),
    # Only while no user exists (tests/console/test_first_run.py); here there are users.
    "console.first_run_form GET": public("/console/first-run", ok=(404,)),
    "console.first_run_create POST": public("/console/first-run", ok=(400, 404)),
    "auth.login POST": public("/api/auth/login", note="per role: see test_api_sign_in_by_role"),
    # -- API ---------------------------------------------------------------------------------
    "sync.pull GET": api("/api/sync/pull"),
    "sync.lost_writes GET": api("/api/sync/overwritten"),
    "sync.push POST": api("/api/sync/push", allow=frozenset({"grid_worker", "community_staff", "street_admin"}),
                          obj="push", note="200 either way; the change's own result says accepted or not"),
    "blobs.upload PUT": api("/api/blobs/{sha}", obj="new_photo", denied=(400, 403, 404, 409)),
    "blobs.download GET": api("/api/blobs/{sha}", obj="photo", shows=True),
    # -- console: no object ----------------------------------------------------------------------
    "console.dashboard GET": console("/console/"),
    "console.cases GET": console("/console/cases"),
    "console.cases POST": console("/console/cases", data=lambda ids: {"q": "王"}, ok=(303,)),
    "console.cases_deadlines GET": console("/console/cases/deadlines"),
    "console.cases_new GET": console("/console/cases/new"),
    "console.cases_create POST": console("/console/cases/new", data=lambda ids: {"source": "walk_in"}, ok=FORM_OK),
    "console.cases_new_lookup POST": console("/console/cases/new/lookup", data=lambda ids: {"q": "王"}),
    "console.cases_deadlines_save POST": console("/console/cases/deadlines", data=lambda ids: {}, ok=WRITE_OK),
    "console.conflicts GET": console("/console/conflicts"),
    # The community's dictionaries: an installation code is every community's (its tuning is the
    # signed-in staff's community); a community's own codes are 404 elsewhere (test_setup_dictionaries).
    "console.dictionaries GET": console("/console/setup/dictionaries"),
    "console.dictionary_tag GET": console("/console/setup/dictionaries/tags/elderly_alone"),
    "console.dictionary_tag_save POST": console("/console/setup/dictionaries/tags/elderly_alone",
                                                data=lambda ids: {"interval_days": "5", "active": ""}, ok=FORM_OK),
    "console.dictionary_tag_new GET": console("/console/setup/dictionaries/tags/new"),
    "console.dictionary_tag_create POST": console("/console/setup/dictionaries/tags/new",
                                                  data=lambda ids: {"name_zh": "退役军人", "interval_days": "60"},
                                                  ok=FORM_OK),
    "console.dictionary_category GET": console("/console/setup/dictionaries/categories/safety"),
    "console.dictionary_category_save POST": console("/console/setup/dictionaries/categories/safety",
                                                     data=lambda ids: {"active": "off"}, ok=FORM_OK),
    "console.dictionary_category_new GET": console("/console/setup/dictionaries/categories/new"),
    "console.dictionary_category_create POST": console("/console/setup/dictionaries/categories/new",
                                                       data=lambda ids: {"parent_id": "safety", "name_zh": "电动车"},
                                                       ok=FORM_OK),
    "console.households GET": console("/console/households"),
    "console.households POST": console("/console/households", data=lambda ids: {"q": "1"}, ok=(303,)),
    "console.residents GET": console("/console/residents"),
    "console.residents POST": console("/console/residents", data=lambda ids: {"q": "王"}, ok=(303,)),
    "console.rejections GET": console("/console/rejections"),
    "console.review_queue GET": console("/console/review"),
    "console.users GET": console("/console/users"),
    "console.users POST": console("/console/users", data=lambda ids: {"q": "王"}, ok=(303,)),
    "console.audit_log GET": console("/console/audit"),
    "console.user_new GET": console("/console/users/new"),
    # Its object is the grid the new user would work in: one out of scope is a form error.
    "console.user_create POST": console("/console/users/new", obj="new_username", ok=WRITE_OK, denied=(422,),
                                        data=lambda ids: {
        "username": ids["username"], "name": "新网格员", "role": "grid_worker", "grid_ids": ids["grid"],
        "password": GOOD_PASSWORD, "password2": GOOD_PASSWORD}),
    "console.setup_buildings GET": console("/console/setup/buildings"),
    "console.setup_building_new GET": console("/console/setup/buildings/new"),
    # Its object is the grid the building goes into: one out of scope is a form error.
    "console.setup_building_create POST": console("/console/setup/buildings/new", obj="new_building", ok=WRITE_OK,
                                                  denied=(422,), data=lambda ids: {
        "grid_id": ids["grid"], "number": ids["number"], "units": "1", "floors": "6", "rooms_per_floor": "2"}),
    "console.ledgers GET": console("/console/ledgers"),
    "console.ledgers_template GET": console("/console/ledgers/template.xlsx"),
    "console.ledgers_export POST": console("/console/ledgers/exports", data=lambda ids: {"kind": "residents"},
                                           ok=WRITE_OK),
    "console.ledgers_import POST": console("/console/ledgers/imports", data=_import_file, ok=WRITE_OK),
    "console.units GET": console("/console/units"),
    "console.units_new GET": console("/console/units/new"),
    "console.units_export GET": console("/console/units/export.xlsx"),
    # Its object is the building the unit is added to: one out of scope is a form error.
    "console.units_create POST": console("/console/units/new", obj="unit", ok=WRITE_OK, denied=(422,),
                                         data=lambda ids: {"building_id": ids["building"], "name": "新单位",
                                                           "kind": "shop"}),
    "console.setup_import GET": console("/console/setup/import"),
    "console.setup_import_template GET": console("/console/setup/import/template/households.xlsx"),
    "console.setup_import_upload POST": console("/console/setup/import", data=_setup_file, ok=WRITE_OK),
    "console.switch_language POST": console("/console/lang", allow=SIGNED_IN, data=lambda ids: {"lang": "zh"},
                                            ok=WRITE_OK),
    "console.logout POST": console("/console/logout", allow=SIGNED_IN, data=lambda ids: {}, ok=WRITE_OK,
                                   fresh_session=True),
    "console.setup_home GET": console("/console/setup/"),
    "console.directory GET": console("/console/directory"),
    "console.directory_add POST": console("/console/directory", ok=FORM_OK,
                                          data=lambda ids: {"name": "", "kind": "government"}),
    "console.directory_from_unit POST": console("/console/directory/from-unit", ok=FORM_OK, denied=(403, 404, 422),
                                                obj="unit", data=lambda ids: {"unit_id": ids["unit"]}),
    "console.directory_edit_form GET": console("/console/directory/none", ok=(404,)),
    "console.directory_edit POST": console("/console/directory/none", ok=(404,), data=lambda ids: {"name": "x"}),
    "console.directory_active POST": console("/console/directory/none/active", ok=(404,),
                                             data=lambda ids: {"active": "0"}),
    "console.escalated GET": console("/console/escalated", allow=STREET_ADMIN),
    "console.escalated_open GET": console("/console/escalated/{finding}", obj="finding", allow=STREET_ADMIN,
                                          ok=(302,)),
    "console.unit_home GET": console("/console/unit/", allow=UNIT_CONTACT),
    "console.unit_case GET": console("/console/unit/cases/{finding}", obj="finding", allow=UNIT_CONTACT,
                                     shows=True),
    # A case still "reported" has nothing for its unit to sign: the pipeline refuses the step (409).
    "console.unit_act POST": console("/console/unit/cases/{finding}/act", obj="new_finding", allow=UNIT_CONTACT,
                                     ok=FORM_OK, data=lambda ids: {"action": "receipt", "from_status": "reported"}),
    "console.unit_photo GET": console("/console/unit/photos/{sha}", obj="photo", allow=UNIT_CONTACT, shows=True),
    "console.setup_community_new GET": console("/console/setup/communities/new", allow=STREET_ADMIN),
    "console.setup_community_create POST": console("/console/setup/communities/new", allow=STREET_ADMIN,
                                                   ok=FORM_OK, data=lambda ids: {"name": "", "code": ""}),
    "console.setup_grid_new GET": console("/console/setup/grids/new"),
    "console.setup_grid_create POST": console("/console/setup/grids/new", ok=FORM_OK,
                                              data=lambda ids: {"name": "", "code": ""}),
    # -- console: one object ---------------------------------------------------------------------
    "console.setup_community GET": console("/console/setup/communities/{community}", allow=STREET_ADMIN,
                                           obj="community"),
    "console.setup_community_save POST": console("/console/setup/communities/{community}", allow=STREET_ADMIN,
                                                 obj="community", ok=FORM_OK, data=lambda ids: {"name": ""}),
    # The grid routes act on the place's grid (`grid` is in every object's ids).
    "console.setup_grid GET": console("/console/setup/grids/{grid}", obj="community"),
    "console.setup_grid_save POST": console("/console/setup/grids/{grid}", obj="community", ok=FORM_OK,
                                            data=lambda ids: {"name": "", "code": ""}),
    "console.setup_grid_workers POST": console("/console/setup/grids/{grid}/workers", obj="community", ok=FORM_OK,
                                               data=lambda ids: {"action": "assign", "user_id": "nobody"}),
    "console.setup_grid_move_form GET": console("/console/setup/grids/{grid}/move", obj="community"),
    "console.setup_grid_move POST": console("/console/setup/grids/{grid}/move", obj="community", ok=FORM_OK,
                                            data=lambda ids: {"target_id": ""}),
    "console.setup_grid_retire_form GET": console("/console/setup/grids/{grid}/retire", obj="community"),
    "console.setup_grid_retire POST": console("/console/setup/grids/{grid}/retire", obj="community", ok=FORM_OK,
                                              data=lambda ids: {"target_id": ""}),
    "console.switch_community POST": console("/console/community", obj="community", ok=WRITE_OK,
                                             data=lambda ids: {"community_id": ids["community"]}),
    "console.cases_detail GET": console("/console/cases/{finding}", obj="finding", shows=True),
    "console.cases_sheet GET": console("/console/cases/{finding}/sheet", obj="finding", shows=True),
    "console.cases_reveal POST": console("/console/cases/{finding}/reveal", allow=COMMUNITY_STAFF, obj="finding",
                                         data=lambda ids: {"field": "requester_phone"}),
    "console.conflicts_reveal POST": console("/console/conflicts/{conflict}/reveal", allow=COMMUNITY_STAFF,
                                             obj="number_conflict", data=lambda ids: {"side": "winner"}),
    "console.cases_step POST": console("/console/cases/{finding}/steps", obj="new_finding", ok=WRITE_OK,
                                       data=lambda ids: {"from_status": "reported", "to_status": "accepted",
                                                         "opinion": "已受理"}),
    "console.conflicts_settle POST": console("/console/conflicts/{conflict}", obj="conflict", ok=WRITE_OK,
                                             data=lambda ids: {"action": "keep"}),
    "console.households_detail GET": console("/console/households/{household}", obj="household", shows=True),
    "console.households_edit GET": console("/console/households/{household}/edit", obj="household"),
    "console.households_edit POST": console("/console/households/{household}/edit", obj="household", ok=FORM_OK, prefill=True,
                                            data=lambda ids: {"room": "502"}),
    "console.households_reveal POST": console("/console/households/{household}/reveal", allow=COMMUNITY_STAFF,
                                              obj="household", data=lambda ids: {"field": "landlord_phone"}),
    "console.residents_detail GET": console("/console/residents/{resident}", obj="resident", shows=True),
    "console.history_page GET": console("/console/history/resident/{resident}", obj="resident", shows=True),
    "console.history_export GET": console("/console/history/household/{household}/export.xlsx", obj="household"),
    "console.residents_edit GET": console("/console/residents/{resident}/edit", obj="resident", shows=True),
    "console.residents_edit POST": console("/console/residents/{resident}/edit", obj="resident", ok=FORM_OK, prefill=True,
                                           data=lambda ids: {"notes": "改过"}),
    "console.residents_reveal POST": console("/console/residents/{resident}/reveal", allow=COMMUNITY_STAFF,
                                             obj="resident", data=lambda ids: {"field": "id_number"}),
    "console.residents_tag_new GET": console("/console/residents/{resident}/tags/new", obj="resident"),
    "console.residents_tag_new POST": console("/console/residents/{resident}/tags/new", obj="resident", ok=FORM_OK,
                                              data=lambda ids: {"tag": "elderly_80plus"}),
    "console.residents_tag_edit GET": console("/console/residents/{resident}/tags/{tag}/edit", obj="tag"),
    "console.residents_tag_edit POST": console("/console/residents/{resident}/tags/{tag}/edit", obj="tag",
                                               ok=FORM_OK, prefill=True, data=lambda ids: {"detail_risk_level": "low"}),
    "console.residents_tag_end POST": console("/console/residents/{resident}/tags/{tag}/end", obj="new_tag",
                                              ok=WRITE_OK, data=lambda ids: {"clocks": "{}", "loaded": "{}"}),
    "console.units_detail GET": console("/console/units/{unit}", obj="unit", shows=True),
    "console.units_edit GET": console("/console/units/{unit}/edit", obj="unit", shows=True),
    "console.units_save POST": console("/console/units/{unit}/edit", obj="unit", ok=FORM_OK,
                                       data=lambda ids: {"building_id": ids["building"], "name": "改名单位",
                                                         "kind": "company"}),
    "console.photo GET": console("/console/photos/{sha}", obj="photo", shows=True),
    "console.review_queue_finding POST": console("/console/review/findings/{finding}", obj="new_finding",
                                                 ok=WRITE_OK, data=lambda ids: {"action": "accepted",
                                                                                "from_status": "reported"}),
    "console.review_queue_visit POST": console("/console/review/visits/{visit}", obj="visit", ok=WRITE_OK,
                                               data=lambda ids: {"action": "reviewed", "version": ids["version"]}),
    # Out of scope, the ticked visit must answer 404 (not be skipped silently as "changed").
    "console.review_queue_bulk POST": console("/console/review/visits", obj="visit", ok=WRITE_OK,
                                              data=lambda ids: {"visit": f"{ids['visit']}|{ids['version']}"}),
    "console.user_detail GET": console("/console/users/{user}", obj="user", shows=True),
    "console.user_active POST": console("/console/users/{user}/active", obj="user", ok=WRITE_OK,
                                        data=lambda ids: {"active": "0"}),
    "console.user_grids POST": console("/console/users/{user}/grids", obj="user", ok=WRITE_OK,
                                       data=lambda ids: {"grid_ids": ids["grid"]}),
    "console.user_password POST": console("/console/users/{user}/password", obj="user", ok=WRITE_OK,
                                          data=lambda ids: {"password": GOOD_PASSWORD, "password2": GOOD_PASSWORD}),
    "console.device_revoke POST": console("/console/users/{user}/devices/{device}/revoke", obj="user", ok=WRITE_OK,
                                          data=lambda ids: {}),
    "console.setup_building_edit GET": console("/console/setup/buildings/{building}", obj="building"),
    "console.setup_building_save POST": console("/console/setup/buildings/{building}", obj="building", ok=FORM_OK,
                                                data=lambda ids: {"grid_id": ids["grid"], "number": ids["number"],
                                                                  "units": "2", "floors": "6", "rooms_per_floor": "2"}),
    "console.setup_building_doors GET": console("/console/setup/buildings/{building}/doors", obj="building"),
    "console.setup_building_doors_edit POST": console("/console/setup/buildings/{building}/doors", obj="building",
                                                      ok=WRITE_OK, data=lambda ids: {"action": "explicit"}),
    # Jobs belong to the staff member who started them: "out of scope" is a colleague's job.
    "console.ledgers_job GET": console("/console/ledgers/jobs/{job}", obj="export_job"),
    "console.ledgers_job_progress GET": console("/console/ledgers/jobs/{job}/progress", obj="export_job",
                                                ok=(200, 286)),
    "console.ledgers_job_file GET": console("/console/ledgers/jobs/{job}/file", obj="export_job"),
    "console.ledgers_preview GET": console("/console/ledgers/imports/{job}", obj="import_job", ok=(200, 302)),
    "console.ledgers_confirm POST": console("/console/ledgers/imports/{job}/confirm", obj="import_job",
                                            ok=FORM_OK, data=lambda ids: {}),
    "console.ledgers_error_report GET": console("/console/ledgers/imports/{job}/errors.xlsx", obj="import_job",
                                                ok=(200, 409)),
    "console.setup_import_job GET": console("/console/setup/import/jobs/{job}", obj="setup_import_job"),
    "console.setup_import_progress GET": console("/console/setup/import/jobs/{job}/progress",
                                                 obj="setup_import_job", ok=(200, 204)),
    "console.setup_import_confirm POST": console("/console/setup/import/jobs/{job}/confirm", obj="setup_import_job",
                                                 ok=FORM_OK, data=lambda ids: {}),
    "console.setup_import_errors GET": console("/console/setup/import/jobs/{job}/errors.xlsx", obj="setup_import_job",
                                               ok=(200, 409)),
    "console.setup_import_resume POST": console("/console/setup/import/jobs/{job}/resume", obj="setup_import_job",
                                                ok=FORM_OK, data=lambda ids: {}),
}


def key(rule, method: str) -> str:
    return f"{rule.endpoint} {method}"


def rule_keys(app) -> dict[str, str]:
    """"endpoint METHOD" -> the rule's URL, for every rule and method of the app's URL map."""
    return {key(rule, method): rule.rule for rule in app.url_map.iter_rules()
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"})}
