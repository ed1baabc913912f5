"""Triggers that refuse UPDATE and DELETE of audit entries, so no code path of the app (a bug, a
careless script, an attacker who gets the app to run SQL) can rewrite what was recorded.

The app's database role still owns the table and could drop a trigger: a deployment that must
keep entries even from its own administrators ships them elsewhere as well (see README, "Sign-in and audit").
The migration 0005 writes the same statements out, frozen as they were at the time.
"""

MESSAGE = "audit entries are append-only"

SQLITE = (
    "CREATE TRIGGER console_audit_no_update BEFORE UPDATE ON console_audit "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    "CREATE TRIGGER console_audit_no_delete BEFORE DELETE ON console_audit "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
)

POSTGRES = (
    "CREATE OR REPLACE FUNCTION console_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$",
    "CREATE TRIGGER console_audit_append_only BEFORE UPDATE OR DELETE ON console_audit "
    "FOR EACH ROW EXECUTE FUNCTION console_audit_append_only()",
)
