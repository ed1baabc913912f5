"""The demo's staff accounts: one grid worker per grid, a patrol volunteer and two managers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..auth.models import User
from ..auth.operations import create_user
from . import names

if TYPE_CHECKING:
    from .context import DemoContext

# (username, role, 中文 role, area: grid index / "community" / "street")
DEMO_USERS: tuple[tuple[str, str, str, int | str], ...] = (
    ("wgy1", "grid_worker", "网格员", 0),
    ("wgy2", "grid_worker", "网格员", 1),
    ("wgy3", "grid_worker", "网格员", 2),
    ("xl1", "patrol_volunteer", "巡逻志愿者", 0),
    ("sq1", "community_staff", "社区工作人员", "community"),
    ("jd1", "street_admin", "街道管理员", "street"),
)


def make_users(ctx: DemoContext, password: str) -> dict[str, User]:
    users = {}
    for username, role, _, area in DEMO_USERS:
        area_id = ctx.grids[area].id if isinstance(area, int) else \
            {"community": ctx.community.id, "street": ctx.street.id}[area]
        sex = ctx.rng.choice(names.SEXES)
        name = names.person_name(ctx.rng, sex, ctx.today.year - ctx.rng.randint(26, 50))
        users[username] = create_user(username, password, name, role, [area_id], phone=names.mobile(ctx.rng))
    return users


def grid_worker(users: dict[str, User], grid: int) -> User:
    return users[f"wgy{grid + 1}"]
