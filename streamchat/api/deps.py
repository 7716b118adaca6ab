"""FastAPI dependencies: database sessions, the current user, CSRF and Origin."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from sqlmodel import Session

from streamchat.db import session_scope
from streamchat.errors import AppError
from streamchat.models import Session as LoginSession
from streamchat.models import User
from streamchat.services import auth
from streamchat.settings import get_settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_db(request: Request) -> Iterator[Session]:
    """Open a session; unsafe methods take SQLite's write lock up front."""
    with session_scope(write=request.method not in SAFE_METHODS) as db:
        yield db


SessionDep = Annotated[Session, Depends(get_db)]


def own_origin(request: Request) -> str:
    """Return the origin this request was addressed to, from its Host header."""
    scheme = request.url.scheme
    if get_settings().trusted_proxy_hops:
        scheme = request.headers.get("x-forwarded-proto", scheme).split(",")[0].strip()
    return f"{scheme}://{request.headers.get('host', '')}".lower()


def is_allowed_origin(origin: str, request: Request) -> bool:
    """Tell whether ``origin`` is the site's own, or one configured as such."""
    origin = origin.lower().rstrip("/")
    return origin == own_origin(request) or origin in get_settings().allowed_origins()


def check_origin(request: Request) -> None:
    """Reject an unsafe request sent from a page of another origin.

    Browsers send ``Origin`` (or at least ``Referer``) with unsafe requests;
    scripts usually send neither and are let through, because they carry no
    ambient credentials of a browser. ``Origin: null`` is always rejected.
    """
    if request.method in SAFE_METHODS:
        return
    origin = request.headers.get("origin")
    if origin is None:
        referer = request.headers.get("referer")
        if not referer:
            return
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    if not is_allowed_origin(origin, request):
        raise AppError(
            403,
            "csrf_failed",
            "This request came from another site, so it was rejected.",
        )


@dataclass
class Identity:
    """The sender of a request, and its login session when a cookie was used."""

    user: User
    session: LoginSession | None


def client_address(request: Request) -> str:
    """Return the client's IP address, honouring trusted proxies."""
    hops = get_settings().trusted_proxy_hops
    forwarded = request.headers.get("x-forwarded-for")
    if hops and forwarded:
        chain = [part.strip() for part in forwarded.split(",")]
        return chain[-hops] if len(chain) >= hops else chain[0]
    return request.client.host if request.client else "unknown"


def bearer_token(request: Request) -> str | None:
    """Return the token of an ``Authorization: Bearer`` header, if any."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def find_identity(request: Request, db: SessionDep) -> Identity | None:
    """Identify the sender by bearer token or session cookie, checking CSRF."""
    token = bearer_token(request)
    if token is not None:
        user = auth.find_access_token_user(db, token)
        if user is None:
            raise AppError(
                401, "invalid_token", "The access token is invalid or revoked."
            )
        return Identity(user, None)

    cookie = request.cookies.get(get_settings().cookie_name)
    found = auth.find_session(db, cookie) if cookie else None
    if found is None:
        return None
    user, session = found
    if request.method not in SAFE_METHODS and not auth.csrf_matches(
        session, request.headers.get("x-csrf-token")
    ):
        raise AppError(
            403,
            "csrf_failed",
            "The X-CSRF-Token header is missing or wrong. Take the token from /api/me.",
        )
    return Identity(user, session)


OptionalIdentityDep = Annotated[Identity | None, Depends(find_identity)]


def require_identity(identity: OptionalIdentityDep) -> Identity:
    """Return the sender's identity or raise 401."""
    if identity is None:
        raise AppError(401, "not_authenticated", "Log in first.")
    return identity


IdentityDep = Annotated[Identity, Depends(require_identity)]


def require_user(identity: IdentityDep) -> User:
    """Return the logged-in user or raise 401."""
    return identity.user


CurrentUserDep = Annotated[User, Depends(require_user)]


def optional_user(identity: OptionalIdentityDep) -> User | None:
    """Return the logged-in user, or None for anonymous visitors."""
    return identity.user if identity else None


OptionalUserDep = Annotated[User | None, Depends(optional_user)]
