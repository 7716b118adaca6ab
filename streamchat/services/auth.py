"""Accounts, passwords, sessions, login tickets and personal access tokens."""

import base64
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import bcrypt
import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session, col, select

from streamchat import events, realtime
from streamchat.db import is_valid_id
from streamchat.errors import AppError, validation_error
from streamchat.models import AccessToken, LoginTicket, User, utcnow
from streamchat.models import Session as LoginSession
from streamchat.services import ratelimit
from streamchat.settings import get_settings
from streamchat.text import clean_name, clean_text, normalize_password

logger = logging.getLogger(__name__)

NAME_MAX = 50
PASSWORD_MIN = 8
PASSWORD_MAX = 256
TICKET_LIFETIME = timedelta(seconds=60)

INVALID_CREDENTIALS = "The email or password is incorrect."


@dataclass(frozen=True)
class NewSession:
    """A session just created: the raw token goes into the cookie, once."""

    user: User
    token: str
    csrf_token: str
    expires_in: int


def token_hash(token: str) -> str:
    """Hash a session or access token for storage; the raw token is never kept."""
    return hashlib.sha256(token.encode()).hexdigest()


def _password_bytes(password: str) -> bytes:
    # bcrypt reads at most 72 bytes and bcrypt 5 raises past them, so the
    # password is first reduced to a fixed 44-byte SHA-256 digest in base64.
    digest = hashlib.sha256(normalize_password(password).encode()).digest()
    return base64.b64encode(digest)


def hash_password(password: str) -> str:
    """Hash a password with bcrypt at the configured work factor."""
    salt = bcrypt.gensalt(get_settings().bcrypt_rounds)
    return bcrypt.hashpw(_password_bytes(password), salt).decode()


def verify_password(password: str, password_hash: str) -> bool:
    """Check a password against its stored bcrypt hash."""
    return bcrypt.checkpw(_password_bytes(password), password_hash.encode())


@lru_cache
def _dummy_hash(rounds: int) -> str:
    return bcrypt.hashpw(b"dummy", bcrypt.gensalt(rounds)).decode()


def _validate_registration(name: str, email: str, password: str) -> tuple[str, str]:
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter a name."
    elif len(name) > NAME_MAX:
        errors["name"] = f"The name must be at most {NAME_MAX} characters."
    normalized_email = ""
    try:
        checked = validate_email(clean_text(email, "email"), check_deliverability=False)
        normalized_email = checked.normalized.lower()
    except EmailNotValidError:
        errors["email"] = "Enter a valid email address."
    password = normalize_password(password)
    if len(password) < PASSWORD_MIN:
        errors["password"] = f"The password must be at least {PASSWORD_MIN} characters."
    elif len(password) > PASSWORD_MAX:
        errors["password"] = f"The password must be at most {PASSWORD_MAX} characters."
    if errors:
        raise validation_error(errors)
    return name, normalized_email


def register(db: Session, name: str, email: str, password: str, address: str) -> User:
    """Create an account, raising 400 for bad fields and 409 for taken ones.

    Each registration costs a bcrypt hash, so they are limited per address.
    """
    name, email = _validate_registration(clean_name(name), email, password)
    ratelimit.hit(
        get_settings().registrations_per_address,
        f"register:{address}",
        "Too many new accounts from this address. Try again later.",
    )
    if db.exec(select(User).where(User.name_key == name.casefold())).first():
        raise _name_taken()
    if db.exec(select(User).where(User.email == email)).first():
        raise _email_taken()

    user = User(
        name=name,
        name_key=name.casefold(),
        email=email,
        password_hash=hash_password(password),
    )
    db.add(user)
    try:
        db.commit()
    except sa.exc.IntegrityError as error:
        # Two registrations raced past the checks above; the unique index
        # decided, so report the field that collided.
        db.rollback()
        raise _email_taken() if "email" in str(error.orig) else _name_taken() from None
    logger.info("user %s registered", user.id)
    return user


def _name_taken() -> AppError:
    message = "This name is taken. Choose another one."
    return AppError(409, "name_taken", message, fields={"name": message})


def _email_taken() -> AppError:
    message = "An account with this email already exists. Log in instead."
    return AppError(409, "email_taken", message, fields={"email": message})


def authenticate(db: Session, email: str, password: str, address: str) -> User:
    """Check credentials, with limits on failures per account and per address.

    Every attempt is counted before the password is checked, so parallel
    requests cannot all pass the limit together. A successful login clears
    the account's count, which therefore counts failures only.
    """
    settings = get_settings()
    email_key = clean_text(email, "email").lower()
    account_key = f"login-account:{email_key}"
    slow_down = "Too many failed logins. Wait a little and try again."
    ratelimit.hit(settings.login_failures_per_account, account_key, slow_down)
    ratelimit.hit(settings.login_attempts_per_address, f"login:{address}", slow_down)

    user = db.exec(select(User).where(User.email == email_key)).first()
    # An unknown email still costs one bcrypt check, so timing does not tell
    # which accounts exist.
    stored = user.password_hash if user else _dummy_hash(settings.bcrypt_rounds)
    if not verify_password(password, stored) or user is None:
        raise AppError(401, "invalid_credentials", INVALID_CREDENTIALS)
    ratelimit.clear(settings.login_failures_per_account, account_key)
    if user.banned:
        raise AppError(403, "banned", "This account is banned.")
    return user


def start_session(db: Session, user: User) -> NewSession:
    """Create a new session for ``user`` with fresh session and CSRF tokens."""
    token = secrets.token_urlsafe(32)
    lifetime = timedelta(days=get_settings().session_days)
    assert user.id is not None
    session = LoginSession(
        token_hash=token_hash(token),
        csrf_token=secrets.token_urlsafe(32),
        user_id=user.id,
        expires_at=utcnow() + lifetime,
    )
    db.add(session)
    db.commit()
    return NewSession(user, token, session.csrf_token, int(lifetime.total_seconds()))


def find_session(db: Session, token: str) -> tuple[User, LoginSession] | None:
    """Return the user and session of a raw session token, if it is valid."""
    if not token:
        return None
    row = db.exec(
        select(User, LoginSession)
        .join(LoginSession, col(LoginSession.user_id) == User.id)
        .where(LoginSession.token_hash == token_hash(token))
    ).first()
    if row is None:
        return None
    user, session = row
    if session.expires_at <= utcnow() or user.banned:
        return None
    return user, session


def end_session(db: Session, token: str) -> None:
    """Delete the session of ``token``, if any, and tell its open pages."""
    found = find_session(db, token)
    db.exec(
        sa.delete(LoginSession).where(col(LoginSession.token_hash) == token_hash(token))
    )
    db.commit()
    if found:
        user, session = found
        realtime.publish(
            events.SESSION_ENDED, {"session_id": session.id}, user_id=user.id
        )


def csrf_matches(session: LoginSession, candidate: str | None) -> bool:
    """Compare a CSRF header with the session's token in constant time."""
    return bool(candidate) and hmac.compare_digest(session.csrf_token, candidate or "")


def create_login_ticket(db: Session, user: User) -> str:
    """Create a single-use ticket that the browser exchanges for a session."""
    ticket = secrets.token_urlsafe(32)
    assert user.id is not None
    db.add(
        LoginTicket(
            ticket_hash=token_hash(ticket),
            user_id=user.id,
            expires_at=utcnow() + TICKET_LIFETIME,
        )
    )
    db.commit()
    return ticket


def redeem_login_ticket(db: Session, ticket: str) -> NewSession:
    """Exchange a ticket for a new session; each ticket works once."""
    row = db.exec(
        select(LoginTicket).where(LoginTicket.ticket_hash == token_hash(ticket))
    ).first()
    invalid = AppError(401, "invalid_ticket", "The login link expired. Log in again.")
    if row is None:
        raise invalid
    deleted = db.exec(sa.delete(LoginTicket).where(col(LoginTicket.id) == row.id))
    db.commit()
    if deleted.rowcount != 1 or row.expires_at <= utcnow():
        raise invalid
    user = db.get(User, row.user_id)
    if user is None or user.banned:
        raise invalid
    return start_session(db, user)


def create_access_token(db: Session, user: User, name: str) -> tuple[AccessToken, str]:
    """Create a personal access token; the raw value is returned only here."""
    name = clean_text(name, "name")
    if not name or len(name) > 100:
        raise validation_error(
            {"name": "Give the token a name of 1 to 100 characters."}
        )
    token = "sct_" + secrets.token_urlsafe(32)
    assert user.id is not None
    row = AccessToken(name=name, token_hash=token_hash(token), user_id=user.id)
    db.add(row)
    db.commit()
    return row, token


def find_access_token_user(db: Session, token: str) -> User | None:
    """Return the user of a personal access token, if it is valid."""
    user = db.exec(
        select(User)
        .join(AccessToken, col(AccessToken.user_id) == User.id)
        .where(AccessToken.token_hash == token_hash(token))
    ).first()
    if user is None or user.banned:
        return None
    return user


def list_access_tokens(db: Session, user: User) -> list[AccessToken]:
    """List a user's access tokens, newest first."""
    query = select(AccessToken).where(AccessToken.user_id == user.id)
    return list(db.exec(query.order_by(AccessToken.id.desc())).all())  # type: ignore[union-attr]


def revoke_access_token(db: Session, user: User, token_id: int) -> None:
    """Delete one of the user's access tokens, raising 404 when it is not theirs."""
    if not is_valid_id(token_id):
        raise AppError(404, "not_found", "Access token not found.")
    result = db.exec(
        sa.delete(AccessToken).where(
            col(AccessToken.id) == token_id, col(AccessToken.user_id) == user.id
        )
    )
    db.commit()
    if result.rowcount != 1:
        raise AppError(404, "not_found", "Access token not found.")
