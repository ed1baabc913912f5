"""Household make-ups, drawn so that relatives share a surname, an ethnicity and an origin."""

from __future__ import annotations

from datetime import date, timedelta

from . import names, texts
from .dates import age_on
from .people import People, Person


class Families:
    """Household make-ups: who lives together, with relations to the head of household."""

    def __init__(self, people: People) -> None:
        self.p = people
        self.rng = people.rng
        self.foreign_flats = 0

    def couple(self, age_lo: int, age_hi: int, *, migrant: bool = False) -> list[Person]:
        husband = self.p.aged("male", age_lo, age_hi, "head", migrant=migrant)
        wife_age = max(21, age_on(husband.birth, self.p.today) - self.rng.randint(-2, 5))
        wife = self.p.aged("female", wife_age, wife_age, "spouse", migrant=migrant)
        if self.rng.random() < 0.15:
            husband.relation, wife.relation = "spouse", "head"
            return [wife, husband]
        return [husband, wife]

    def children(self, parents: list[Person], count: int, age_lo: int, age_hi: int,
                 relation: str = "child") -> list[Person]:
        father = next((p for p in parents if p.sex == "male"), parents[0])
        migrant = father.population_type == "migrant"
        origin = father.origin if migrant else "110105"
        kids = []
        for _ in range(count):
            # Births have fallen: fewer toddlers than older children in any family.
            lo = min(3, age_hi) if age_lo == 0 and self.rng.random() < 0.5 else age_lo
            kid = self.p.aged(self.rng.choice(names.SEXES), lo, age_hi, relation,
                              surname=father.surname, migrant=migrant, origin=origin)
            kid.ethnicity = father.ethnicity
            kids.append(kid)
        return kids

    def youngest_mother_age(self, parents: list[Person]) -> int:
        mother = next((p for p in parents if p.sex == "female"), parents[0])
        return age_on(mother.birth, self.p.today)

    def elderly_alone(self) -> list[Person]:
        sex = "female" if self.rng.random() < 0.65 else "male"
        return [self.p.aged(sex, 66, 93, "head")]

    def elderly_couple(self) -> list[Person]:
        return self.couple(62, 90)

    def couple_only(self, migrant: bool = False) -> list[Person]:
        return self.couple(25, 58, migrant=migrant)

    def nuclear(self, migrant: bool = False) -> list[Person]:
        parents = self.couple(28, 52, migrant=migrant)
        oldest_child = min(22, self.youngest_mother_age(parents) - 22)
        count = 1 if self.rng.random() < 0.7 else 2
        return parents + self.children(parents, count, 0, max(0, oldest_child))

    def three_generation(self) -> list[Person]:
        family = self.couple(30, 50)
        oldest_child = min(20, self.youngest_mother_age(family) - 22)
        family += self.children(family, 1 if self.rng.random() < 0.75 else 2, 0, max(0, oldest_child))
        husband = next(p for p in family if p.sex == "male")
        head_age = age_on(husband.birth, self.p.today)
        husbands_side = self.rng.random() < 0.7
        relation = "parent" if husbands_side else "in_law"
        for sex in self.rng.sample(names.SEXES, self.rng.choice((1, 2))):
            surname = husband.surname if husbands_side and sex == "male" else None
            family.append(self.p.aged(sex, min(head_age + 24, 92), min(head_age + 34, 95), relation,
                                      surname=surname))
        return family

    def skipped_generation(self) -> list[Person]:
        grandfather = self.p.aged("male", 58, 75, "head")
        grandfather.phone = grandfather.phone or names.mobile(self.rng)
        family = [grandfather]
        if self.rng.random() < 0.85:
            age = age_on(grandfather.birth, self.p.today) - self.rng.randint(0, 4)
            family.append(self.p.aged("female", age, age, "spouse"))
        count = 1 if self.rng.random() < 0.5 else 2
        return family + self.children([grandfather], count, 6, 14, relation="grandchild")

    def single(self, migrant: bool = False) -> list[Person]:
        return [self.p.aged(self.rng.choice(names.SEXES), 22, 55, "head", migrant=migrant)]

    def single_parent(self) -> list[Person]:
        sex = "female" if self.rng.random() < 0.75 else "male"
        parent = self.p.aged(sex, 30, 50, "head")
        kids = self.children([parent], 1 if self.rng.random() < 0.7 else 2, 3, 17)
        if sex == "female" and self.rng.random() < 0.6:  # the children carry their father's surname
            father_surname = names.surname(self.rng)
            for kid in kids:
                kid.name = father_surname + kid.name[1:]
        return [parent, *kids]

    def tenants(self, kind: str) -> list[Person]:
        migrant = self.rng.random() < 0.7
        if kind == "foreign":
            return self.foreigners()
        if kind == "tenant_single":
            group = self.single(migrant)
        elif kind == "tenant_couple":
            group = self.couple(22, 40, migrant=migrant)
        elif kind == "tenant_family":
            parents = self.couple(26, 42, migrant=migrant)
            group = parents + self.children(parents, 1, 0, max(0, self.youngest_mother_age(parents) - 22))
        else:  # flat-share: two or three unrelated young people
            group = [self.p.aged(self.rng.choice(names.SEXES), 20, 30, "tenant", migrant=migrant)
                     for _ in range(self.rng.choice((2, 2, 3)))]
        for person in group:
            person.relation = "tenant"
        return group

    def foreigners(self) -> list[Person]:
        """The Korean couple in the first foreign flat, the Japanese engineer in the second."""
        entries = texts.FOREIGNERS[:2] if self.foreign_flats == 0 else texts.FOREIGNERS[2:]
        self.foreign_flats += 1
        group = []
        for name, sex, year, passport, nationality in entries:
            group.append(Person(
                name=name, sex=sex, birth=date(year, self.rng.randint(1, 12), self.rng.randint(1, 28)),
                relation="tenant", origin="", population_type="foreign", id_type="passport",
                id_number=passport, phone=names.mobile(self.rng), political=None,
                permit_expiry=self.p.today + timedelta(days=self.rng.randint(60, 700)),
                notes=f"国籍：{nationality}；持外国人居留许可",
            ))
        return group
