"""URL table of the sync API: push, pull, and the device's writes that lost."""

from flask import current_app, g, request

from sync import hlc
from sync.errors import ProtocolError

from ..auth.guard import authenticate
from ..apidoc import refusals
from ..extensions import db
from ..wire import Blueprint
from .operations import run_pull, run_push
from .overwritten import overwritten
from .schemas import OverwrittenOut, OverwrittenQuery, PullOut, PullQuery, PushIn, PushOut

blp = Blueprint("sync", __name__, url_prefix="/api/sync", description="Changeset push and pull")
blp.before_request(authenticate)


@blp.route("/push", methods=["POST"])
@blp.arguments(PushIn)
@blp.response(200, PushOut)
@refusals(blp, 400, 401, 413, 426)
def push(body):
    """Apply a batch of changes; every change gets its own result, in order."""
    if len(body["changes"]) > current_app.config["PUSH_MAX_CHANGES"]:
        raise ProtocolError("too_many_changes", 413, extra={"max": current_app.config["PUSH_MAX_CHANGES"]})
    results = run_push(g.user, g.device, body["changes"])
    return {"results": results, "server_time": hlc.now_millis(), "hlc": str(server_clock().tick())}


@blp.route("/pull", methods=["GET"])
@blp.arguments(PullQuery, location="query")
@blp.response(200, PullOut)
@refusals(blp, 400, 401, 426)
def pull(query):
    """Records changed in the device's scope since its cursor, a page at a time."""
    limit = query.get("limit") or current_app.config["PULL_PAGE_SIZE"]
    page = run_pull(g.user, g.device, query.get("cursor"), min(limit, current_app.config["PULL_PAGE_MAX"]),
                    request.remote_addr)
    return {**page, "server_time": hlc.now_millis(), "hlc": str(server_clock().tick())}


@blp.route("/overwritten", methods=["GET"])
@blp.arguments(OverwrittenQuery, location="query")
@blp.response(200, OverwrittenOut)
@refusals(blp, 400, 401, 426)
def lost_writes(query):
    """This device's field writes that another write replaced unseen, after conflict id `after`."""
    page = overwritten(db.session, g.device.id, query["after"])
    db.session.rollback()  # read-only
    return page


def server_clock() -> hlc.Clock:
    return current_app.extensions["wangge_clock"]
