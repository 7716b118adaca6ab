"""The login and registration modal, opened by ``.auth-button``."""

# NOTE: Reflex 0.10.1 types state vars and event handlers for pyright; under
# mypy, `State.var.method()` and `State.handler(arg)` look like errors.
# mypy: disable-error-code="attr-defined,operator"
import reflex as rx

from streamchat.state.auth import AuthFormState
from streamchat.state.i18n import t


def field_error(field: str) -> rx.Component:
    """Render the error of one form field as an alert for screen readers."""
    return rx.cond(
        AuthFormState.errors.contains(field),
        rx.el.p(
            t(AuthFormState.errors[field].to(str)),
            role="alert",
            id=f"{field}-error",
            class_name="field-error",
        ),
    )


def form_field(form: str, field: str, kind: str, label_key: str) -> rx.Component:
    """Render a labelled input with its error below it."""
    input_id = f"{form}-{field}"
    autocomplete = {
        "name": "nickname",
        "email": "email",
        "password": "current-password" if form == "login" else "new-password",
    }[field]
    return rx.el.div(
        rx.el.label(t(label_key), html_for=input_id),
        rx.el.input(
            id=input_id,
            name=field,
            type=kind,
            auto_complete=autocomplete,
            aria_invalid=rx.cond(AuthFormState.errors.contains(field), "true", "false"),
            class_name="text-input",
        ),
        field_error(field),
        class_name="form-field",
    )


def login_form() -> rx.Component:
    """Render the login form: email and password."""
    return rx.form(
        form_field("login", "email", "email", "auth.email"),
        form_field("login", "password", "password", "auth.password"),
        rx.el.button(
            t("auth.submit_login"),
            type="submit",
            disabled=AuthFormState.busy,
            class_name="primary-button",
        ),
        on_submit=AuthFormState.submit_login,
        no_validate=True,
        class_name="auth-form login-form",
    )


def register_form() -> rx.Component:
    """Render the sign-up form: name, email and password."""
    return rx.form(
        form_field("register", "name", "text", "auth.name"),
        form_field("register", "email", "email", "auth.email"),
        form_field("register", "password", "password", "auth.password"),
        rx.el.p(t("auth.password_hint"), class_name="hint"),
        rx.el.button(
            t("auth.submit_register"),
            type="submit",
            disabled=AuthFormState.busy,
            class_name="primary-button",
        ),
        on_submit=AuthFormState.submit_register,
        no_validate=True,
        class_name="auth-form register-form",
    )


def auth_modal() -> rx.Component:
    """Render the dialog with a login tab and a sign-up tab."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("auth.title"), class_name="modal-title"),
            rx.tabs.root(
                rx.tabs.list(
                    rx.tabs.trigger(t("auth.tab_login"), value="login"),
                    rx.tabs.trigger(t("auth.tab_register"), value="register"),
                ),
                rx.tabs.content(login_form(), value="login"),
                rx.tabs.content(register_form(), value="register"),
                value=AuthFormState.tab,
                on_change=AuthFormState.set_tab,
            ),
            rx.dialog.close(
                rx.el.button(
                    rx.icon("x", size=18),
                    type="button",
                    aria_label=t("auth.close"),
                    class_name="modal-close",
                )
            ),
            class_name="auth-modal",
        ),
        open=AuthFormState.modal_open,
        on_open_change=AuthFormState.set_modal_open,
    )
