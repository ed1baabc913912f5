"""Care tags: who the community keeps an eye on, and the details each tag's dictionary asks for."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from ..registry.seeds import CARE_TAGS
from . import texts
from .dates import add_years, age_on
from .draws import weighted, weighted_sample
from .people import Person

if TYPE_CHECKING:
    from .context import DemoContext
    from .households import Home

CARE_COUNTS = {"chronic_ill": 45, "disabled": 20, "pregnant": 6, "low_income": 10}
TAG_ORDER = [code for code, *_ in CARE_TAGS]


class CarePlanner:
    """Gives residents the care tags a community would have on file, with valid details."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.today = ctx.today
        self.living = [(h, p) for h in ctx.homes if h.use in ("owner_occupied", "rented")
                       for p in h.people if not p.absent]

    def plan(self) -> None:
        for home in self.ctx.homes:
            self.by_household(home)
        for _, person in self.living:
            self.by_age(person)
        self.chronic_ill()
        self.disabled()
        self.pregnant()
        self.low_income()

    def tag(self, person: Person, code: str, detail: dict, since: date) -> None:
        person.tags[code] = detail
        person.tag_since[code] = min(since, self.today)

    def age(self, person: Person) -> int:
        return age_on(person.birth, self.today)

    def years_ago(self, lo: int, hi: int) -> date:
        return self.today - timedelta(days=self.rng.randint(lo * 365, hi * 365))

    def kin(self, person: Person, child: Person | None = None) -> dict:
        if child is not None and child.phone:
            return {"kin_name": child.name, "kin_phone": child.phone}
        name, phone = self.ctx.people.outsider(30, 60)
        if person.sex == "male" or self.rng.random() < 0.5:
            name = person.surname + name[1:]
        return {"kin_name": name, "kin_phone": phone}

    def risk(self, weights: tuple[int, int, int]) -> str:
        return self.rng.choices(("high", "medium", "low"), weights=weights)[0]

    def by_household(self, home: Home) -> None:
        if home.kind == "elderly_alone":
            person = home.people[0]
            self.tag(person, "elderly_alone", {"risk_level": self.risk((25, 35, 40)), **self.kin(person)},
                     max(self.years_ago(1, 8), add_years(person.birth, 60)))
        elif home.kind == "elderly_couple":
            absent = next((p for p in home.people if p.relation == "child"), None)
            risk = self.risk((3, 30, 67))
            since = self.years_ago(1, 10)
            husband = next(p for p in home.people if p.sex == "male")
            kin = self.kin(husband, absent)  # the couple share one child to call
            for person in home.people[:2]:
                if self.age(person) >= 60:
                    self.tag(person, "elderly_empty_nest", {"risk_level": risk, **kin}, since)
        elif home.kind == "skipped_generation":
            self.left_behind(home)
        elif home.use == "rented":
            self.tenants(home)

    def left_behind(self, home: Home) -> None:
        guardian = home.people[0]
        for kid in (p for p in home.people if p.relation == "grandchild"):
            grade = min(max(self.school_year(kid.birth), 1), 9)
            school = self.rng.choice(texts.PRIMARY_SCHOOLS if grade <= 6 else texts.MIDDLE_SCHOOLS)
            self.tag(kid, "child_left_behind", {
                "school": school, "grade": texts.GRADES[grade - 1],
                "guardian_name": guardian.name, "guardian_phone": guardian.phone,
            }, self.years_ago(0, 3))

    def school_year(self, birth: date) -> int:
        """Grade this school year: a child who is six by 31 August starts grade 1 that September."""
        year_start = self.today.year if self.today.month >= 9 else self.today.year - 1
        return age_on(birth, date(year_start, 8, 31)) - 5

    def tenants(self, home: Home) -> None:
        lease_end = add_years(home.lease_start, 1)
        for person in home.people:
            detail = {"landlord": home.landlord[0], "lease_end": lease_end.isoformat()}
            if person.population_type == "migrant":
                serial = self.rng.randint(0, 999999)
                detail["residence_permit"] = f"{texts.COUNTY_CODE}{home.lease_start.year}{serial:06d}"
            self.tag(person, "tenant", detail, max(home.lease_start, person.birth))

    def by_age(self, person: Person) -> None:
        age = self.age(person)
        if age >= 80:
            self.tag(person, "elderly_80plus", {}, add_years(person.birth, 80))
        if age < 3:
            home = next(h for h, p in self.living if p is person)
            adults = [p for p in home.people if p.phone and self.age(p) >= 18]
            guardian = next((p for p in adults if p.sex == "female"), adults[0] if adults else None)
            detail = {"guardian_name": guardian.name, "guardian_phone": guardian.phone} if guardian else {}
            self.tag(person, "infant", detail, person.birth)

    def chronic_ill(self) -> None:
        pool = [p for _, p in self.living if self.age(p) >= 45]
        for person in weighted_sample(self.rng, pool, lambda p: self.age(p) - 40, CARE_COUNTS["chronic_ill"]):
            condition, needs = self.rng.choice(texts.CHRONIC_CONDITIONS)
            self.tag(person, "chronic_ill", {"condition": condition, "care_needs": needs}, self.years_ago(0, 6))

    def disabled(self) -> None:
        pool = [p for _, p in self.living if self.age(p) >= 6]
        for person in weighted_sample(self.rng, pool, lambda p: 1 + self.age(p) / 20, CARE_COUNTS["disabled"]):
            kind, _, code = self.rng.choices(texts.DISABILITY_TYPES, weights=[t[1] for t in texts.DISABILITY_TYPES])[0]
            grade = weighted(self.rng, texts.DISABILITY_GRADE_WEIGHTS)
            detail = {"disability_type": kind, "disability_grade": grade}
            if person.id_type == "resident_id":
                detail["certificate_no"] = f"{person.id_number}{code}{grade}"  # 第二代残疾人证号
            self.tag(person, "disabled", detail, max(person.birth, self.years_ago(0, 15)))

    def pregnant(self) -> None:
        def has_baby(home):
            return any(self.age(p) < 1 for p in home.people)
        pool = [p for h, p in self.living if p.sex == "female" and 23 <= self.age(p) <= 40
                and p.relation in ("head", "spouse", "tenant") and not has_baby(h)]
        for person in self.rng.sample(pool, CARE_COUNTS["pregnant"]):
            due = self.today + timedelta(days=self.rng.randint(10, 240))
            since = due - timedelta(days=280 - self.rng.randint(56, 90))
            self.tag(person, "pregnant", {"due_date": due.isoformat(), "postpartum": False}, since)

    def low_income(self) -> None:
        kinds = ("elderly_alone", "single_parent", "single", "skipped_generation")
        heads = [h.people[0] for h in self.ctx.homes
                 if h.kind in kinds and h.use == "owner_occupied" and h.people[0].population_type == "registered"]
        for person in self.rng.sample(heads, CARE_COUNTS["low_income"]):
            since = self.years_ago(0, 5)
            number = f"朝民低保证{since.year}第{self.rng.randint(1, 2999):04d}号"
            self.tag(person, "low_income", {"certificate_no": number}, since)
