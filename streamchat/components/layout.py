"""The page frame: header with the account buttons, media area, language toggle."""

# NOTE: Reflex 0.10.1 types state vars and event handlers for pyright; under
# mypy, `State.var.method()` and `State.handler(arg)` look like errors.
# mypy: disable-error-code="attr-defined,operator"
import reflex as rx

from streamchat.components.video import upload_button, video_player
from streamchat.state.auth import AuthFormState, AuthState
from streamchat.state.i18n import I18nState, t
from streamchat.state.video import VideoState


def language_toggle() -> rx.Component:
    """Render the RU and EN buttons. The pressed one is the current language."""
    return rx.el.div(
        *[
            rx.el.button(
                code.upper(),
                type="button",
                class_name="lang-option",
                aria_pressed=rx.cond(I18nState.current_lang == code, "true", "false"),
                on_click=[
                    I18nState.set_language(code),
                    VideoState.set_language(code),
                ],
            )
            for code in ("ru", "en")
        ],
        role="group",
        aria_label=t("header.language"),
        class_name="lang-toggle",
    )


def authorized_actions() -> rx.Component:
    """Buttons of a logged-in user, e.g. "Upload video" and "Start broadcast".

    Features add their buttons here; the block sits in ``.authorized-buttons``
    before the logout button.
    """
    return rx.el.div(upload_button(), class_name="user-actions")


def user_chip() -> rx.Component:
    """Render the logged-in user's avatar and name."""
    return rx.el.span(
        rx.el.img(src=AuthState.user_avatar, alt="", class_name="avatar small"),
        rx.el.span(AuthState.user_name, class_name="user-name"),
        class_name="user-chip",
    )


def account_buttons() -> rx.Component:
    """Render the login button for visitors, the user's actions after login."""
    return rx.cond(
        AuthState.is_logged_in,
        rx.el.div(
            user_chip(),
            authorized_actions(),
            rx.el.button(
                t("header.logout"),
                type="button",
                class_name="logout-btn",
                on_click=AuthState.logout,
            ),
            class_name="authorized-buttons",
        ),
        rx.el.button(
            t("header.login"),
            type="button",
            class_name="auth-button",
            on_click=AuthFormState.open_modal("login"),
        ),
    )


def site_header() -> rx.Component:
    """Render the top bar: site name, language toggle and account buttons."""
    return rx.el.header(
        rx.el.a(
            rx.el.span("Stream", class_name="logo-a"),
            rx.el.span("Chat", class_name="logo-b"),
            href="/",
            class_name="logo",
        ),
        rx.el.span(t("header.tagline"), class_name="tagline"),
        rx.el.div(language_toggle(), account_buttons(), class_name="header-right"),
        class_name="site-header",
    )


def media_empty() -> rx.Component:
    """Render the placeholder for when there is no video and no broadcast."""
    return rx.el.div(
        rx.icon("tv-minimal-play", size=48, class_name="media-empty-icon"),
        rx.el.h2(t("media.empty_title")),
        rx.el.p(t("media.empty_text")),
        class_name="media-empty",
    )


def media_area() -> rx.Component:
    """Render the main media slot, where the player or the broadcast goes."""
    return rx.el.section(video_player(empty=media_empty()), class_name="media-area")
