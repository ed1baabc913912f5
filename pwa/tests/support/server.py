"""The real Wangge server for the node tests of the JS sync engine (pwa/tests/engine.test.mjs).

Creates the app with tests/conftest.py's make_app + build_world on a temporary SQLite database,
serves it with werkzeug on 127.0.0.1 at a free port, prints one JSON line (the port and the ids of
the test world) and serves until killed. The minimum app version comes from the environment
(WANGGE_MIN_APP_VERSION, default 0.1.0).

Only this script adds test hooks: POST /__test__/revoke/<device_id> revokes a device, as staff
would with `wangge revoke-device`; POST /__test__/move/<building_id>/<grid_id> moves a building to
another grid, as staff would on the console's move page.

    .venv/bin/python pwa/tests/support/server.py
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO))

from werkzeug.serving import make_server  # noqa: E402

from server.areas.models import Area, Building  # noqa: E402
from server.areas.moves import move_building  # noqa: E402
from server.auth.models import Device  # noqa: E402
from server.syncapi.direct import DirectWriter  # noqa: E402
from server.auth.operations import revoke_device  # noqa: E402
from server.extensions import db  # noqa: E402
from tests.conftest import PASSWORD, build_world, make_app  # noqa: E402


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="wangge-node-"))
    min_app = os.environ.get("WANGGE_MIN_APP_VERSION", "0.1.0")
    app = make_app("sqlite", workdir, MIN_APP_VERSION=min_app)

    @app.post("/__test__/revoke/<device_id>")
    def revoke(device_id: str):
        device = db.session.get(Device, device_id)
        if device is None:
            return {"code": "not_found"}, 404
        revoke_device(device, None)
        db.session.commit()
        return {"revoked": device_id}

    @app.post("/__test__/move/<building_id>/<grid_id>")
    def move(building_id: str, grid_id: str):
        building, grid = db.session.get(Building, building_id), db.session.get(Area, grid_id)
        if building is None or grid is None:
            return {"code": "not_found"}, 404
        writer = DirectWriter(db.session, app.extensions["wangge_clock"], via="console:setup")
        moved = move_building(writer, building, grid)
        db.session.commit()
        return moved

    with app.app_context():
        world = build_world(app)
        info = {
            "port": None,
            "password": PASSWORD,
            "min_app_version": min_app,
            "grids": [g.id for g in world.grids],
            "buildings": [b.id for b in world.buildings],
            "households": [h.id for h in world.households],
            "residents": [r.id for r in world.residents],
        }
        db.session.remove()

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    info["port"] = server.server_port

    def stop(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(json.dumps(info), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
