"""How each demo resident came to live here and, for a few, how they left: the registry's 迁入/迁出.

Run after the care tags are planned and before anything is written. Every date fits the others: a
family moves in after its building was finished and its head was grown up; a child born after the
move arrived by birth; tenants moved in when their lease started; a care tag starts no earlier than
its holder's arrival; a person who left has their tags ended on that day. A few residents have left
(former tenants, grown children) and one has died, so the registry shows its history as well.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from . import names, texts
from .dates import add_years, age_on

if TYPE_CHECKING:
    from .context import DemoContext
    from .households import Home
    from .people import Person

FORMER_TENANTS, CHILDREN_MOVED_OUT = 3, 2


def plan_residency(ctx: DemoContext) -> None:
    for home in ctx.homes:
        if home.use == "rented":
            _tenants_arrive(ctx, home)
        elif home.people:
            _family_arrives(ctx, home)
    _former_tenants(ctx)
    _children_moved_out(ctx)
    _one_death(ctx)
    for home in ctx.homes:
        for person in home.people:
            for code, since in list(person.tag_since.items()):
                person.tag_since[code] = max(since, person.moved_in_on)
        if home.people:
            home.registered_on = min(p.moved_in_on for p in home.people)


def _day_between(ctx: DemoContext, first: date, last: date) -> date:
    if last <= first:
        return first
    return first + timedelta(days=ctx.rng.randint(0, (last - first).days))


def _tenants_arrive(ctx: DemoContext, home: Home) -> None:
    home.lease_end = add_years(home.lease_start, 1)
    for person in home.people:
        person.arrived_by, person.moved_in_on = "move_in", max(home.lease_start, person.birth)
        person.moved_in_from = ctx.rng.choice(texts.MOVED_IN_FROM_ELSEWHERE if person.population_type != "registered"
                                              else texts.MOVED_IN_FROM_BEIJING)


def _family_arrives(ctx: DemoContext, home: Home) -> None:
    """The family moved in together, after the building was finished and the eldest was 22."""
    year = home.building.built_year or 1990
    finished = date(year, ctx.rng.randint(6, 12), ctx.rng.randint(1, 28))
    eldest = min(p.birth for p in home.people)
    first = max(finished, add_years(eldest, 22))
    # Owners on the register have lived here two years at least; newer arrivals are the tenants.
    moved = _day_between(ctx, first, max(first, ctx.today - timedelta(days=730)))
    original = moved - finished < timedelta(days=365)  # there since the building was new: 原住户
    for person in home.people:
        if person.birth >= moved:
            person.arrived_by, person.moved_in_on = "birth", person.birth
        elif original and person.population_type == "registered":
            person.arrived_by, person.moved_in_on = "native", moved
        else:
            person.arrived_by, person.moved_in_on = "move_in", moved
            person.moved_in_from = ctx.rng.choice(texts.MOVED_IN_FROM_BEIJING if person.population_type == "registered"
                                                  else texts.MOVED_IN_FROM_ELSEWHERE)


def _leave(person: Person, how: str, day: date, to: str | None) -> None:
    person.left_by, person.moved_out_on, person.moved_out_to = how, day, to
    for code in person.tags:
        person.tag_ended[code] = max(day, person.tag_since[code])


def _former_tenants(ctx: DemoContext) -> None:
    """The tenant before the present one, in a few rented homes: moved out just before the lease."""
    rented = [h for h in ctx.homes if h.use == "rented" and h.lease_start <= ctx.today - timedelta(days=30)]
    for home in ctx.rng.sample(rented, min(FORMER_TENANTS, len(rented))):
        left = home.lease_start - timedelta(days=ctx.rng.randint(1, 10))
        person = ctx.people.aged(ctx.rng.choice(names.SEXES), 23, 40, "tenant", migrant=True)
        person.arrived_by, person.moved_in_on = "move_in", add_years(left, -ctx.rng.randint(1, 2))
        person.moved_in_from = ctx.rng.choice(texts.MOVED_IN_FROM_ELSEWHERE)
        person.permit_expiry = max(person.permit_expiry, ctx.today + timedelta(days=30))
        person.tags["tenant"] = {"landlord": home.landlord[0], "lease_end": left.isoformat()}
        person.tag_since["tenant"] = person.moved_in_on
        _leave(person, "move_out", left, ctx.rng.choice(texts.TENANT_MOVED_OUT_TO))
        home.people.append(person)


def _children_moved_out(ctx: DemoContext) -> None:
    """Grown children who left their parents' home (and the register here) this year."""
    grown = [p for h in ctx.homes if h.use == "owner_occupied" and len(h.people) >= 3 for p in h.people
             if p.relation == "child" and not p.tags and not p.absent and 22 <= age_on(p.birth, ctx.today) <= 40]
    for person in ctx.rng.sample(grown, min(CHILDREN_MOVED_OUT, len(grown))):
        day = _day_between(ctx, max(person.moved_in_on, ctx.today - timedelta(days=300)), ctx.today - timedelta(days=20))
        _leave(person, "move_out", day, ctx.rng.choice(texts.MOVED_OUT_TO))


def _one_death(ctx: DemoContext) -> None:
    """A widow(er) living alone lost their spouse before being tagged as living alone."""
    alone = [h for h in ctx.homes if h.kind == "elderly_alone" and "elderly_alone" in h.people[0].tags
             and h.people[0].moved_in_on < ctx.today - timedelta(days=800)]
    if not alone:
        return
    home = ctx.rng.choice(alone)
    survivor = home.people[0]
    since = max(survivor.tag_since["elderly_alone"], survivor.moved_in_on)
    died = max(survivor.moved_in_on + timedelta(days=30), since - timedelta(days=ctx.rng.randint(15, 200)))
    survivor.tag_since["elderly_alone"] = max(since, died + timedelta(days=1))
    sex = "female" if survivor.sex == "male" else "male"
    spouse = ctx.people.make(sex, add_years(died, -ctx.rng.randint(81, 90)) - timedelta(days=ctx.rng.randint(1, 300)),
                             "spouse")
    spouse.arrived_by, spouse.moved_in_on = survivor.arrived_by, survivor.moved_in_on
    spouse.moved_in_from = survivor.moved_in_from
    spouse.phone = None
    spouse.tags["elderly_80plus"] = {}
    spouse.tag_since["elderly_80plus"] = max(add_years(spouse.birth, 80), spouse.moved_in_on)
    _leave(spouse, "death", died, None)
    home.people.append(spouse)
