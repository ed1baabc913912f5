"""Setup steps as commands: `wangge init-db` (which also loads the dictionaries), `demo`,
`create-user`, `revoke-device` and `import`, beside Flask's own `run`, `shell` and `routes`, Flask-Migrate's
`db` (migrations) and flask-smorest's `openapi`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from .core.roles import ROLES
from .extensions import db


@click.command("init-db")
@click.option("--no-setup-code", is_flag=True,
              help="Print no first-run code (the demo, loaded next, brings its own accounts).")
@with_appcontext
def init_db_command(no_setup_code: bool):
    """Create or migrate the database to the newest schema, and load the dictionaries."""
    upgrade(directory=current_app.extensions["migrate"].directory)
    from .auth import first_run
    from .dictionaries import seed_dictionaries
    from .syncapi.direct import DirectWriter

    added = seed_dictionaries(DirectWriter(db.session, current_app.extensions["wangge_clock"], via="cli:init-db"))
    db.session.commit()
    click.echo(f"database ready ({db.engine.dialect.name}); {added} dictionary entries added")
    if not no_setup_code and not first_run.has_users():
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
    for command in (init_db_command, demo_command, create_user_command, revoke_device_command, import_command):
        app.cli.add_command(command)


@click.command("import")
@click.argument("kind", type=click.Choice(["buildings", "households", "residents"]))
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--community", "code", required=True, help="The community's 12-digit code.")
@click.option("--dry-run", is_flag=True, help="Check and preview only; write nothing.")
@click.option("--skip-errors", is_flag=True, help="Write the good rows even when some rows have errors.")
@with_appcontext
def import_command(kind, path, code, dry_run, skip_errors):
    """Import a setup file (楼栋, 住户 or 居民 template) into a community: a street's first load."""
    import os
    import sys

    from sync.errors import ProtocolError

    from .areas.models import Area
    from .core.messages import message
    from .imports.run import apply, counts, preview

    community = db.session.scalar(db.select(Area).where(Area.code == code, Area.level == "community"))
    if community is None:
        raise click.BadParameter(f"no community with code {code}", param_hint="--community")
    click.echo(f"checking {path} …", err=True)
    try:
        results = preview(path, kind, community.id)
    except ProtocolError as exc:
        zh, en = message(exc.code)
        click.echo(f"refused: {exc.code}: {zh} / {en}", err=True)
        sys.exit(2)
    summary = counts(results)
    click.echo(f"{summary['rows']} rows: {summary['new']} new, {summary['changed']} changed, "
               f"{summary['unchanged']} unchanged, {summary['error']} with errors")
    errors = [(r, e) for r in results if r.status == "error" for e in r.errors]
    for r, e in errors[:20]:
        click.echo(f"  row {r.row} [{e['column']}] {e['code']}: {e['message']} / {e['message_en']}")
    if len(errors) > 20:
        click.echo(f"  … {len(errors) - 20} more errors")
    if dry_run:
        sys.exit(1 if summary["error"] else 0)
    if summary["error"] and not skip_errors:
        click.echo("nothing written: fix the rows above, or pass --skip-errors to write the others", err=True)
        sys.exit(1)
    todo = summary["new"] + summary["changed"]
    written = apply(results, kind, via="cli:import",
                    on_chunk=lambda row, done: click.echo(f"{done} / {todo} rows written", err=True))
    from .audit import write as write_audit

    # A command has no staff member: the audit log names the file and the community instead.
    write_audit("import", None, "area", community.id, None,
                {"kind": kind, "file": os.path.basename(path), "via": "cli:import", "new": summary["new"],
                 "changed": summary["changed"], "errors": summary["error"], "written": written})
    db.session.commit()
    click.echo(f"written {written} rows ({summary['new']} new, {summary['changed']} changed)")
