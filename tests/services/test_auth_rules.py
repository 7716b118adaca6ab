"""Password hashing and settings rules."""

import bcrypt

from streamchat.services import auth
from streamchat.settings import Settings


def test_default_bcrypt_work_factor_is_12() -> None:
    assert Settings.model_fields["bcrypt_rounds"].default == 12


def test_password_hash_is_bcrypt_with_configured_rounds() -> None:
    hashed = auth.hash_password("secret password")

    assert hashed.startswith("$2b$04$")
    assert auth.verify_password("secret password", hashed)


def test_long_passwords_differing_late_do_not_collide() -> None:
    first = "п" * 200 + "a"
    second = "п" * 200 + "b"

    hashed = auth.hash_password(first)

    assert auth.verify_password(first, hashed)
    assert not auth.verify_password(second, hashed)


def test_prehash_fits_bcrypt_input_limit() -> None:
    hashed = auth.hash_password("🙂" * 256)

    assert bcrypt.checkpw(auth._password_bytes("🙂" * 256), hashed.encode())
    assert len(auth._password_bytes("🙂" * 256)) <= 72


def test_token_hash_is_not_the_token() -> None:
    assert auth.token_hash("abc") != "abc"
    assert len(auth.token_hash("abc")) == 64
