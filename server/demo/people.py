"""Residents one at a time, with identities the registry's own validators accept."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..registry.models import Resident
from ..registry.validators import make_id_number
from . import names, texts
from .dates import add_years, age_on
from .draws import weighted


@dataclass
class Person:
    name: str
    sex: str
    birth: date
    relation: str
    origin: str
    population_type: str = "registered"
    id_type: str = "resident_id"
    id_number: str | None = None
    phone: str | None = None
    ethnicity: str | None = None
    political: str | None = None
    permit_expiry: date | None = None
    notes: str | None = None
    absent: bool = False  # registered here but living elsewhere (户在人不在)
    tags: dict[str, dict] = field(default_factory=dict)
    tag_since: dict[str, date] = field(default_factory=dict)
    tag_ended: dict[str, date] = field(default_factory=dict)
    # How they came and went (residency.py): arrival, departure codes and their dates and places.
    arrived_by: str | None = None
    moved_in_on: date | None = None
    moved_in_from: str | None = None
    left_by: str | None = None
    moved_out_on: date | None = None
    moved_out_to: str | None = None
    row: Resident | None = None

    def lives_here_on(self, day: date) -> bool:
        return (self.moved_in_on or self.birth) <= day and (self.moved_out_on is None or day < self.moved_out_on)

    @property
    def surname(self) -> str:
        return self.name[0]


class People:
    """Makes plausible residents: era-fitting names, valid and unique ID numbers, phones."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.used_ids: set[str] = set()

    def birth(self, age_lo: int, age_hi: int) -> date:
        oldest = add_years(self.today, -age_hi - 1) + timedelta(days=1)
        youngest = add_years(self.today, -age_lo) if age_lo else self.today - timedelta(days=20)
        return oldest + timedelta(days=self.rng.randint(0, (youngest - oldest).days))

    def make(self, sex: str, birth: date, relation: str, *, surname: str | None = None,
             migrant: bool = False, origin: str | None = None) -> Person:
        rng = self.rng
        origin = origin or (rng.choice(texts.MIGRANT_AREA_CODES) if migrant
                            else weighted(rng, texts.BEIJING_AREA_CODES))
        age = age_on(birth, self.today)
        person = Person(
            name=(surname or names.surname(rng)) + names.given_name(rng, sex, birth.year),
            sex=sex, birth=birth, relation=relation, origin=origin,
            population_type="migrant" if migrant else "registered",
            id_number=self.id_number(origin, birth, sex), phone=self.phone(age),
            ethnicity=names.ethnicity(rng), political=self.political(age),
        )
        if migrant:
            person.permit_expiry = self.today + timedelta(days=rng.randint(20, 720))
        return person

    def aged(self, sex: str, age_lo: int, age_hi: int, relation: str, **kw) -> Person:
        return self.make(sex, self.birth(max(0, age_lo), max(0, age_hi)), relation, **kw)

    def id_number(self, area: str, birth: date, sex: str) -> str:
        while True:
            sequence = self.rng.randrange(500) * 2 + (1 if sex == "male" else 0)
            number = make_id_number(area, birth, sequence)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def phone(self, age: int) -> str | None:
        share = 0.0 if age < 12 else 0.4 if age < 18 else 0.65 if age >= 80 else 0.97
        return names.mobile(self.rng) if self.rng.random() < share else None

    def political(self, age: int) -> str | None:
        if age < 14:
            return None
        r = self.rng.random()
        if age <= 28:
            return "league_member" if r < 0.45 else "party_member" if r < 0.50 else \
                "probationary_member" if r < 0.51 else "masses"
        party = 0.18 if age >= 60 else 0.10
        return "party_member" if r < party else "other" if r < party + 0.01 else "masses"

    def outsider(self, age_lo: int, age_hi: int) -> tuple[str, str]:
        """A name and phone for someone who does not live here (kin, landlord, captain)."""
        sex = self.rng.choice(names.SEXES)
        year = self.today.year - self.rng.randint(age_lo, age_hi)
        return names.person_name(self.rng, sex, year), names.mobile(self.rng)
