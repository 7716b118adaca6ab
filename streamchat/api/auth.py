"""Registration, login, logout and the session cookie."""

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse

from streamchat.api.body import body_schema, read_json_or_form
from streamchat.api.deps import (
    CurrentUserDep,
    IdentityDep,
    SessionDep,
    check_origin,
    client_address,
)
from streamchat.api.schemas import LoginRequest, RegisterRequest
from streamchat.db import session_scope
from streamchat.errors import AppError
from streamchat.services import auth
from streamchat.services.users import own_user
from streamchat.settings import get_settings

router = APIRouter(tags=["auth"])


def wants_html(request: Request) -> bool:
    """Tell whether the request is a browser navigation rather than a script."""
    return "text/html" in request.headers.get("accept", "")


def set_session_cookie(
    request: Request, response: Response, new: auth.NewSession
) -> None:
    """Put a new session token in the HttpOnly cookie."""
    response.set_cookie(
        get_settings().cookie_name,
        new.token,
        max_age=new.expires_in,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https"
        or request.headers.get("x-forwarded-proto") == "https",
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    """Remove the session cookie from the browser."""
    response.delete_cookie(
        get_settings().cookie_name, path="/", httponly=True, samesite="lax"
    )


def _session_response(request: Request, new: auth.NewSession, status: int) -> Response:
    if wants_html(request):
        response: Response = RedirectResponse("/", status_code=303)
    else:
        body = {"user": own_user(new.user), "csrf_token": new.csrf_token}
        response = JSONResponse(body, status_code=status)
    set_session_cookie(request, response, new)
    return response


def _register(name: str, email: str, password: str, address: str) -> auth.NewSession:
    with session_scope(write=True) as db:
        user = auth.register(db, name, email, password, address)
        return auth.start_session(db, user)


def _login(email: str, password: str, address: str) -> auth.NewSession:
    with session_scope(write=True) as db:
        user = auth.authenticate(db, email, password, address)
        return auth.start_session(db, user)


@router.post("/register", status_code=201, openapi_extra=body_schema(RegisterRequest))
async def register(request: Request) -> Response:
    """Create an account and log it in, setting the session cookie."""
    check_origin(request)
    body = await read_json_or_form(request, RegisterRequest)
    address = client_address(request)
    new = await run_in_threadpool(
        _register, body.name, body.email, body.password, address
    )
    return _session_response(request, new, 201)


@router.post("/login", openapi_extra=body_schema(LoginRequest))
async def login(request: Request) -> Response:
    """Check the email and password and start a new session."""
    check_origin(request)
    body = await read_json_or_form(request, LoginRequest)
    address = client_address(request)
    new = await run_in_threadpool(_login, body.email, body.password, address)
    return _session_response(request, new, 200)


@router.get("/logout", operation_id="logout")
@router.post("/logout", operation_id="logout_post")
def logout(request: Request, db: SessionDep) -> Response:
    """End the current session, if any, and clear the cookie. Idempotent."""
    if request.method == "POST":
        check_origin(request)
    cookie = request.cookies.get(get_settings().cookie_name)
    if cookie:
        auth.end_session(db, cookie)
    response: Response
    if wants_html(request):
        response = RedirectResponse("/", status_code=303)
    else:
        response = JSONResponse({"ok": True})
    clear_session_cookie(response)
    return response


@router.get("/auth/session", include_in_schema=False)
def redeem_ticket(request: Request, ticket: str, db: SessionDep) -> Response:
    """Exchange the page's single-use login ticket for the session cookie."""
    # A ticket is worth a session. Only a navigation started by this site's
    # own page may redeem it, never a link on another site.
    if request.headers.get("sec-fetch-site", "same-origin") not in (
        "same-origin",
        "none",
    ):
        raise AppError(
            403, "csrf_failed", "This login link must be opened from the site."
        )
    new = auth.redeem_login_ticket(db, ticket)
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(request, response, new)
    return response


@router.get("/api/me")
def me(identity: IdentityDep) -> dict[str, Any]:
    """Return the logged-in user and the CSRF token for unsafe requests."""
    csrf = identity.session.csrf_token if identity.session else None
    return {"user": own_user(identity.user), "csrf_token": csrf}


__all__ = ["CurrentUserDep", "router"]
