"""Passwords are stored with a real KDF, never in a form that can be read back."""

import secrets

import pytest

from server import create_app
from server.auth.models import User
from server.auth.operations import create_user
from server.extensions import db


def test_production_passwords_are_hashed_with_scrypt(tmp_path):
    app = create_app({"SECRET_KEY": secrets.token_urlsafe(48), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    with app.app_context():
        db.create_all()
        create_user("wgy9", "秘密-password-9", "测试", "grid_worker")
        db.session.commit()
        stored = db.session.scalar(db.select(User).where(User.username == "wgy9")).password_hash
        assert stored.startswith("scrypt:")
        assert "password-9" not in stored
        db.session.remove()


def test_the_app_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})


def test_verify_password_hashes_as_much_for_an_unknown_user(app, monkeypatch):
    """API sign-in and console sign-in share it: an unknown username costs a hash too, so the time
    a refusal takes does not tell which usernames exist."""
    from server.auth import operations

    user = create_user("wgy8", "秘密-password-8", "测试", "grid_worker")
    assert operations.verify_password(user, "秘密-password-8")
    assert not operations.verify_password(user, "秘密-password-9")
    compared = []
    real = operations.check_password_hash
    monkeypatch.setattr(operations, "check_password_hash", lambda stored, given: compared.append(stored) or real(stored, given))
    assert operations.verify_password(None, "秘密-password-8") is False
    assert len(compared) == 1 and compared[0].startswith(("scrypt:", "pbkdf2:"))
