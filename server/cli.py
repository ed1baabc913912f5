"""Setup steps as commands: `wangge init-db` (which also loads the dictionaries), `demo`,
`create-user` and `revoke-device`, beside Flask's own `run`, `shell` and `routes`, Flask-Migrate's
`db` (migrations) and flask-smorest's `openapi`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from .core.roles import ROLES
from .extensions import db


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create or migrate the database to the newest schema, and load the dictionaries."""
    upgrade(directory=current_app.extensions["migrate"].directory)
    from .dictionaries import seed_dictionaries
    from .syncapi.direct import DirectWriter

    from .auth import first_run

    added = seed_dictionaries(DirectWriter(db.session, current_app.extensions["wangge_clock"], via="cli:init-db"))
    db.session.commit()
    click.echo(f"database ready ({db.engine.dialect.name}); {added} dictionary entries added")
    if not first_run.has_users():
        # Nobody can sign in yet: the first street admin sets the street up with this code.
        code = first_run.issue(current_app.instance_path)
        click.echo(f"first run: open /console/first-run and enter the setup code {code}")
        click.echo("首次使用：打开 /console/first-run，输入一次性设置码 " + code)


@click.command("demo")
@click.option("--seed", default=20261123, show_default=True, help="Random seed of the generated community.")
@with_appcontext
def demo_command(seed: int):
    """Load the demo community (one street, one community, three grids) with its users."""
    from .demo.community import load_demo

    summary = load_demo(seed)
    db.session.commit()
    click.echo(summary)


@click.command("create-user")
@click.argument("username")
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--area", "areas", multiple=True, help="Area code or id the user is responsible for.")
@click.password_option()
@with_appcontext
def create_user_command(username, name, role, areas, password):
    """Create a user and assign areas to them."""
    from .areas.models import Area
    from .auth.operations import create_user

    ids = []
    for ref in areas:
        area = db.session.scalar(db.select(Area).where((Area.code == ref) | (Area.id == ref)))
        if area is None:
            raise click.BadParameter(f"no area {ref}", param_hint="--area")
        ids.append(area.id)
    create_user(username, password, name, role, ids)
    db.session.commit()
    click.echo(f"created {role} {username}")


@click.command("revoke-device")
@click.argument("device_id")
@with_appcontext
def revoke_device_command(device_id):
    """Revoke a lost phone: it is refused and told to wipe its data at its next contact."""
    from .auth.models import Device
    from .auth.operations import revoke_device

    device = db.session.get(Device, device_id)
    if device is None:
        raise click.BadParameter(f"no device {device_id}")
    revoke_device(device, None)
    db.session.commit()
    click.echo(f"revoked {device_id}")


def init_app(app) -> None:
    for command in (init_db_command, demo_command, create_user_command, revoke_device_command):
        app.cli.add_command(command)
