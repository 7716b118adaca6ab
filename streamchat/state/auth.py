"""The logged-in user of a page, and the login and registration forms.

The session cookie is HttpOnly and Reflex's websocket cannot set cookies, so
a successful form creates a single-use login ticket and the browser navigates
to ``/auth/session?ticket=...``, which sets the cookie and redirects to ``/``.
"""

import asyncio
import logging
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import quote

import reflex as rx
from reflex.vars import FunctionVar, Var
from reflex_base.event import EventSpec

from streamchat.db import session_scope
from streamchat.errors import AppError
from streamchat.i18n import LANGUAGES
from streamchat.models import User
from streamchat.services import auth
from streamchat.services.users import avatar_url
from streamchat.settings import get_settings
from streamchat.state.errors import error_keys
from streamchat.state.i18n import format_wait

logger = logging.getLogger(__name__)

LOGIN_ERRORS = {"rate_limited": "auth.rate_limited", "banned": "auth.banned"}


def navigate(url: str) -> EventSpec:
    """Make the browser load ``url`` as a full page, not a client-side route."""
    assign = Var(_js_expr="window.location.assign").to(FunctionVar)
    return rx.run_script(assign.call(url))


def session_token(cookie_header: str) -> str:
    """Return the raw session token from a Cookie header, or an empty string."""
    cookies: SimpleCookie = SimpleCookie()
    try:
        cookies.load(cookie_header)
    except CookieError:
        return ""
    morsel = cookies.get(get_settings().cookie_name)
    return morsel.value if morsel else ""


def _find_identity(token: str) -> tuple[User, int] | None:
    with session_scope() as db:
        found = auth.find_session(db, token)
    if found is None:
        return None
    user, session = found
    assert session.id is not None
    return user, session.id


class AuthState(rx.State):
    """The logged-in user of this page; the base of states that need one."""

    # The user's own display data. A user_id of 0 means no user is logged in.
    user_id: int = 0
    user_name: str = ""
    user_avatar: str = ""
    is_admin: bool = False
    _session_id: int | None = None

    @rx.var
    def is_logged_in(self) -> bool:
        """Tell whether a user is logged in on this page."""
        return self.user_id > 0

    async def resolve_user(self) -> None:
        """Read the session cookie of the websocket and load its user."""
        token = session_token(self.router.headers.cookie)
        found = await asyncio.to_thread(_find_identity, token) if token else None
        if found is None:
            self.clear_identity()
            return
        user, session_id = found
        assert user.id is not None
        self.user_id = user.id
        self.user_name = user.name
        self.user_avatar = avatar_url(user)
        self.is_admin = user.is_admin
        self._session_id = session_id

    def clear_identity(self) -> None:
        """Show the page as logged out."""
        self.user_id = 0
        self.user_name = ""
        self.user_avatar = ""
        self.is_admin = False
        self._session_id = None

    @rx.event
    async def load_user(self) -> None:
        """Resolve the logged-in user when the page loads or reconnects."""
        await self.resolve_user()

    @rx.event
    def logout(self) -> EventSpec:
        """End the session server-side; /logout clears the cookie and returns."""
        return navigate("/logout")


def _login(email: str, password: str, address: str) -> str:
    with session_scope(write=True) as db:
        user = auth.authenticate(db, email, password, address)
        return auth.create_login_ticket(db, user)


def _register(name: str, email: str, password: str, address: str) -> str:
    with session_scope(write=True) as db:
        user = auth.register(db, name, email, password, address)
        return auth.create_login_ticket(db, user)


class AuthFormState(rx.State):
    """The login and registration modal; errors are catalogue keys by field."""

    modal_open: bool = False
    tab: str = "login"
    errors: dict[str, str] = {}
    # The wait of a rate-limit error by language, filled into "{wait}".
    wait_text: dict[str, str] = {}
    busy: bool = False

    @rx.event
    def reset_form(self) -> None:
        """Close the modal when the page loads, e.g. after the login redirect."""
        self.modal_open = False
        self.busy = False
        self.errors = {}

    @rx.event
    def open_modal(self, tab: str = "login") -> None:
        """Open the modal on the ``login`` or ``register`` tab."""
        self.tab = tab if tab in ("login", "register") else "login"
        self.errors = {}
        self.modal_open = True

    @rx.event
    def set_modal_open(self, is_open: bool) -> None:
        """Follow the dialog when the visitor closes it."""
        self.modal_open = is_open

    @rx.event
    def set_tab(self, tab: str) -> None:
        """Switch between the login and registration forms."""
        self.tab = tab
        self.errors = {}

    @rx.event
    async def submit_login(self, form: dict[str, Any]) -> Any:
        """Check the credentials, then let the browser redeem a login ticket."""
        address = self.router.session.client_ip
        args = (str(form.get("email", "")), str(form.get("password", "")), address)
        return await self._finish(_login, args, LOGIN_ERRORS, "password")

    @rx.event
    async def submit_register(self, form: dict[str, Any]) -> Any:
        """Create the account, then let the browser redeem a login ticket."""
        fields = ("name", "email", "password")
        args = tuple(str(form.get(field, "")) for field in fields)
        address = self.router.session.client_ip
        return await self._finish(_register, (*args, address), {}, "email")

    async def _finish(
        self, action: Any, args: tuple[str, ...], by_code: dict, field: str
    ) -> EventSpec | None:
        self.errors = {}
        self.wait_text = {}
        try:
            ticket = await asyncio.to_thread(action, *args)
        except AppError as error:
            self.errors = error_keys(error, by_code, field)
            if error.code == "rate_limited" and error.retry_after:
                self.errors = {field: "auth.rate_limited_wait"}
                self.wait_text = {
                    lang: format_wait(lang, error.retry_after) for lang in LANGUAGES
                }
            return None
        except Exception:
            logger.exception("login or registration failed")
            self.errors = {field: "error.generic"}
            return None

        self.busy = True
        return navigate(f"/auth/session?ticket={quote(ticket)}")
