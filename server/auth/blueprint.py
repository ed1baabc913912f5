"""URL table of the device sign-in API."""

from flask import request

from sync import hlc

from ..extensions import db
from ..apidoc import no_token, refusals
from ..wire import Blueprint
from .guard import APP_HEADER, check_versions
from .operations import login_device
from .schemas import LoginIn, LoginOut

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Device sign-in")
# Before the body is parsed, so an old app hears "update required", not a schema error.
blp.before_request(check_versions)


@blp.route("/login", methods=["POST"])
@blp.arguments(LoginIn)
@blp.response(200, LoginOut)
@refusals(blp, 400, 401, 403, 409, 426)
@no_token(blp)
def login(body):
    """Exchange a username and password for a device token (needs the network once)."""
    user, device, token = login_device(body["username"], body["password"], body["device_id"],
                                       body.get("device_name"), request.headers.get(APP_HEADER),
                                       request.remote_addr)
    db.session.commit()
    return {"token": token, "device_id": device.id, "user": user, "server_time": hlc.now_millis()}
