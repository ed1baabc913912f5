"""Personal numbers, and which roles get them: the one table the sync pull, pushes, the console and the
ledger exports all read (PIPL; DOMAIN.md "Privacy"). A new sensitive field is added here, once.

Access, per role:
- FULL: the number itself. Grid workers hold their own grid's numbers on the phone (they register and
  check them at the door); community staff serve residents in person (the console shows a mask and the
  full number on request, logged; their pulls are logged).
- MASKED: the console shows the mask (at most the last 4 characters), never the number; a device pull
  carries nothing (a mask on a phone could only be pushed back over the number).
- NONE: nothing anywhere, not even that a number exists.

A care tag's `detail` is data (cities add tags): its keys listed in DETAIL_KEYS, and any key the
tag dictionary types "phone", are personal numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .roles import FIELD_ROLES, STAFF_ROLES

ID, PHONE = "id", "phone"
FULL, MASKED, NONE = "full", "masked", "none"


@dataclass(frozen=True)
class Sensitive:
    kind: str  # ID or PHONE: how it is masked
    full: frozenset[str] = frozenset({"grid_worker", "community_staff"})
    # Street admins work from aggregates: a mask in the console at most, never on a device.
    masked: frozenset[str] = frozenset({"street_admin"})

    def access(self, role: str | None) -> str:
        if role in self.full:
            return FULL
        return MASKED if role in self.masked else NONE


# Care tags that are sensitive personal information in themselves (PIPL art. 28: health, disability,
# pregnancy, minors, low income): a staff member opening one person's page with one of them is audited.
SENSITIVE_CARE_TAGS = frozenset({"child_left_behind", "infant", "chronic_ill", "disabled", "pregnant", "low_income"})

NUMBER_ID = Sensitive(ID)
NUMBER_PHONE = Sensitive(PHONE)

# entity -> field -> how it is shown to whom
FIELDS: dict[str, dict[str, Sensitive]] = {
    "resident": {"id_number": NUMBER_ID, "phone": NUMBER_PHONE},
    "household": {"contact_phone": NUMBER_PHONE, "landlord_phone": NUMBER_PHONE},
    # A building captain (楼长) is a resident; the number is theirs.
    "building": {"captain_phone": NUMBER_PHONE},
    # A shop's contact is often the owner's own mobile.
    "unit": {"contact_phone": NUMBER_PHONE},
    # The number of whoever asked for a case (a walk-in, a hotline caller).
    "finding": {"requester_phone": NUMBER_PHONE},
}

# entity -> its JSON field of dictionary-defined details
DETAIL_FIELD = {"resident_tag": "detail"}
# Detail keys that are personal numbers whatever the dictionary says (a disability certificate number
# is the holder's ID number plus two digits; a residence permit number identifies its holder).
DETAIL_KEYS: dict[str, Sensitive] = {
    "certificate_no": NUMBER_ID, "residence_permit": NUMBER_ID,
    "kin_phone": NUMBER_PHONE, "guardian_phone": NUMBER_PHONE,
}

# A detail spec's type -> rule, for keys a city adds.
DETAIL_TYPES: dict[str, Sensitive] = {"phone": NUMBER_PHONE}


def detail_rule(key: str, specs: list | None) -> Sensitive | None:
    if key in DETAIL_KEYS:
        return DETAIL_KEYS[key]
    for spec in specs or ():
        if spec.get("name") == key:
            return DETAIL_TYPES.get(spec.get("type"))
    return None


def detail_secret_keys(specs: list | None, detail: dict | None = None) -> set[str]:
    """The detail keys, of a tag's specs and of a stored detail, that hold personal numbers."""
    names = {s.get("name") for s in specs or ()} | set(detail or {})
    return {k for k in names if isinstance(k, str) and detail_rule(k, specs) is not None}


def has_sensitive(entity: str) -> bool:
    return entity in FIELDS or entity in DETAIL_FIELD


def _rules() -> list[Sensitive]:
    return [*(r for fields in FIELDS.values() for r in fields.values()), *DETAIL_KEYS.values(), *DETAIL_TYPES.values()]


def sees_everything(role: str | None) -> bool:
    """Whether a device of this role gets every sensitive field in full (its pull is the full record)."""
    return all(r.access(role) == FULL for r in _rules())


def _check_two_kinds_of_device() -> None:
    # The pull index keeps two hashes per record, the full one and the one with every number left
    # out (syncapi/stamp.py), so a role must get all numbers in full or none: a role that got some
    # would need a checksum of its own.
    for role in (*FIELD_ROLES, *STAFF_ROLES):
        if len({r.access(role) == FULL for r in _rules()}) > 1:
            raise AssertionError(f"role {role} gets some personal numbers in full and not others")


_check_two_kinds_of_device()

FULL_ROLES = frozenset(r for r in (*FIELD_ROLES, *STAFF_ROLES) if sees_everything(r))


def field_access(entity: str, field: str, role: str | None) -> str:
    rule = FIELDS.get(entity, {}).get(field)
    return FULL if rule is None else rule.access(role)


def hidden_fields(entity: str, role: str | None, tag_specs: list | None = None,
                  detail: dict | None = None) -> tuple[set[str], set[str]]:
    """(top-level fields, detail keys) that a device of this role does not get."""
    fields = {name for name, rule in FIELDS.get(entity, {}).items() if rule.access(role) != FULL}
    keys: set[str] = set()
    if entity in DETAIL_FIELD:
        keys = {k for k in detail_secret_keys(tag_specs, detail) if detail_rule(k, tag_specs).access(role) != FULL}
    return fields, keys


def project(entity: str, fields: dict[str, Any], role: str | None, tag_specs: list | None = None) -> dict[str, Any]:
    """The record as a device of this role receives it: the fields it may not hold are left out
    (not nulled: a device pushing the record back then leaves them as they are)."""
    detail_name = DETAIL_FIELD.get(entity)
    hidden, keys = hidden_fields(entity, role, tag_specs, fields.get(detail_name) if detail_name else None)
    if not hidden and not keys:
        return fields
    out = {k: v for k, v in fields.items() if k not in hidden}
    if keys and isinstance(out.get(detail_name), dict):
        out[detail_name] = {k: v for k, v in out[detail_name].items() if k not in keys}
    return out


def count_sensitive(entity: str, fields: dict[str, Any], tag_specs: list | None = None) -> int:
    """How many personal numbers a record holds (for the audit of what a pull carried)."""
    n = sum(1 for name in FIELDS.get(entity, {}) if fields.get(name))
    detail_name = DETAIL_FIELD.get(entity)
    if detail_name and isinstance(fields.get(detail_name), dict):
        detail = fields[detail_name]
        n += sum(1 for k in detail_secret_keys(tag_specs, detail) if detail.get(k))
    return n
