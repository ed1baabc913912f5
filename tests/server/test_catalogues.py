"""The choice catalogue is the one list of codes: the wire schemas accept exactly its codes, the
seed dictionary and the sync entities agree with it, and the field app's generated copies
(pwa/src/core/choices.js, pinyin_data.js) are current."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from marshmallow import validate

from server.core.choices import CHOICES, codes, label
from server.registry.seeds import CARE_TAGS
from server.syncapi.entities import ENTITIES
from server.syncapi.schemas import ChangeIn
from server.wire import WireSchema

ROOT = Path(__file__).resolve().parents[2]
CJK = range(0x3400, 0xA000)


def generator():
    spec = importlib.util.spec_from_file_location("catalogue_generator", ROOT / "scripts/generate_catalogues.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_field_apps_copies_are_current():
    for path, text in generator().build_all().items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run scripts/generate_catalogues.py"


def test_every_code_has_chinese_and_english():
    for kind, words in CHOICES.items():
        assert words, kind
        for code, (zh, en) in words.items():
            assert code is None or (isinstance(code, str) and code), (kind, code)
            assert any(ord(c) in CJK for c in zh), (kind, code, zh)
            assert en and not any(ord(c) in CJK for c in en), (kind, code, en)
    # Only a review has a state without a code: nobody has looked at the visit yet.
    assert [kind for kind, words in CHOICES.items() if None in words] == ["review_status"]


def test_labels():
    assert label("housing_use", "rented") == "出租"
    assert label("housing_use", "rented", english=True) == "Rented"
    assert label("review_status", None) == "待审核"
    assert label("sex", None) == ""
    assert label("sex", "unknown") == "unknown"
    assert label("no_such_kind", "x") == "x"
    assert codes("review_status") == ("reviewed", "returned", "resubmitted")


def _schemas(base=WireSchema):
    for schema in base.__subclasses__():
        yield schema
        yield from _schemas(schema)


def test_every_wire_choice_is_a_catalogue_kind():
    kinds = {codes(kind) for kind in CHOICES}
    seen = 0
    for schema in {*_schemas(), ChangeIn}:
        for name, field in schema().fields.items():
            validators = field.validators if isinstance(field.validators, list) else [field.validators]
            for validator in validators:
                if isinstance(validator, validate.OneOf):
                    assert tuple(validator.choices) in kinds, (schema.__name__, name, validator.choices)
                    seen += 1
    assert seen >= 15


def test_the_seed_dictionarys_choices_and_the_sync_entities_are_the_catalogues():
    for _code, _zh, _en, _days, fields in CARE_TAGS:
        for field in fields:
            if field["type"] == "choice":
                assert tuple(field["choices"]) == codes(field["name"]), field["name"]
    assert set(ENTITIES) == set(codes("entity"))


def test_every_catalogue_role_is_a_field_a_staff_or_a_unit_role():
    from server.core.roles import FIELD_ROLES, ROLES, STAFF_ROLES, UNIT_ROLES

    assert sorted(ROLES) == sorted(FIELD_ROLES + STAFF_ROLES + UNIT_ROLES)
