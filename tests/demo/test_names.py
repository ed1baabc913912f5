"""Demo identities: repeatable from a seed, and plausible to someone who knows Chinese names."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from server.demo.names import (
    ETHNICITIES,
    GIVEN_NAMES,
    MIDDLE,
    OLD,
    SINGLE_GIVEN_NAMES,
    SURNAMES,
    YOUNG,
    ethnicity,
    mobile,
    person_name,
)
from server.registry.validators import validate_phone

SURNAME_SET = {name for name, _ in SURNAMES}


def _draws(seed: int, count: int, draw):
    rng = random.Random(seed)
    return [draw(rng) for _ in range(count)]


def _split(name: str) -> tuple[str, str]:
    assert name[0] in SURNAME_SET, name
    return name[0], name[1:]


def test_same_seed_same_community():
    def community(rng):
        return person_name(rng, "female", 1985), ethnicity(rng), mobile(rng)

    assert _draws(7, 50, community) == _draws(7, 50, community)
    assert _draws(7, 50, community) != _draws(8, 50, community)


@pytest.mark.parametrize("sex", ["male", "female"])
@pytest.mark.parametrize("birth_year", [None, 1938, 1969, 1970, 1988, 2004, 2005, 2019])
def test_names_are_surname_plus_one_or_two_characters(sex, birth_year):
    for name in _draws(1, 200, lambda rng: person_name(rng, sex, birth_year)):
        assert 2 <= len(name) <= 3
        assert all("\u4e00" <= ch <= "\u9fff" for ch in name), name
        _split(name)


def test_there_are_about_sixty_surnames():
    assert len(SURNAME_SET) == len(SURNAMES) >= 60
    assert {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"} <= SURNAME_SET


def test_common_surnames_dominate():
    counts = Counter(_split(name)[0] for name in _draws(3, 5000, lambda rng: person_name(rng, "male", 1980)))
    big_five = sum(counts[s] for s in "王李张刘陈")
    assert 0.25 < big_five / 5000 < 0.45
    assert counts["王"] > counts["罗"] > counts["孟"]


@pytest.mark.parametrize("sex", ["male", "female"])
@pytest.mark.parametrize("birth_year, generation", [(1945, OLD), (1969, OLD), (1980, MIDDLE), (2004, MIDDLE),
                                                    (2005, YOUNG), (2020, YOUNG)])
def test_given_names_follow_the_generation(sex, birth_year, generation):
    allowed = set(GIVEN_NAMES[(generation, sex)]) | set(SINGLE_GIVEN_NAMES[sex])
    seen = {_split(name)[1] for name in _draws(5, 300, lambda rng: person_name(rng, sex, birth_year))}
    assert seen <= allowed
    assert len(seen & set(GIVEN_NAMES[(generation, sex)])) > 10


def test_grandparents_and_grandchildren_never_share_names():
    for sex in ("male", "female"):
        assert not set(GIVEN_NAMES[(OLD, sex)]) & set(GIVEN_NAMES[(YOUNG, sex)])


def test_name_pools_are_split_by_sex():
    def pool(sex):
        return {n for (_, s), names in GIVEN_NAMES.items() if s == sex for n in names} | set(SINGLE_GIVEN_NAMES[sex])

    assert not pool("male") & pool("female")


def test_era_names_show_up():
    old_women = {_split(n)[1] for n in _draws(2, 400, lambda rng: person_name(rng, "female", 1950))}
    young_boys = {_split(n)[1] for n in _draws(2, 400, lambda rng: person_name(rng, "male", 2012))}
    assert {"秀英", "桂兰"} <= old_women
    assert {"浩宇", "子轩"} <= young_boys


def test_unknown_sex_is_a_programming_error():
    with pytest.raises(ValueError):
        person_name(random.Random(0), "M")


def test_ethnicities_are_mostly_han():
    counts = Counter(_draws(11, 10000, ethnicity))
    assert 0.89 < counts["汉族"] / 10000 < 0.95
    assert {"回族", "满族", "壮族"} <= set(counts)
    assert set(counts) <= {name for name, _ in ETHNICITIES}
    assert all(name.endswith("族") for name, _ in ETHNICITIES)


def test_mobiles_are_valid_and_varied():
    numbers = _draws(13, 500, mobile)
    for number in numbers:
        validate_phone(number)
    assert len(set(numbers)) == len(numbers)
