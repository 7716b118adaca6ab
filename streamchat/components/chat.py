"""The chat panel: the message list, likes, and the input of a logged-in user."""

# NOTE: Reflex 0.10.1 types state vars and event handlers for pyright; under
# mypy, `State.var.method()` and `State.handler(arg)` look like errors.
# mypy: disable-error-code="attr-defined,operator"
from typing import Any

import reflex as rx
from reflex_components_core.core.banner import has_connection_errors

from streamchat.components.auth_modal import open_login_modal
from streamchat.state.chat import ChatState
from streamchat.state.i18n import t
from streamchat.state.messages import ChatMessage
from streamchat.state.scroll import LIST_ID, remember_scroll_anchor


def like_button(message: rx.Var[ChatMessage]) -> rx.Component:
    """Render a heart with the count; for visitors it opens the login modal."""
    content = (
        rx.icon("heart", size=14, class_name="like-icon"),
        rx.el.span(message.likes, class_name="like-count"),
    )
    return rx.cond(
        ChatState.is_logged_in,
        rx.el.button(
            *content,
            type="button",
            class_name=rx.cond(message.liked, "like-button liked", "like-button"),
            aria_pressed=rx.cond(message.liked, "true", "false"),
            title=t("chat.like"),
            on_click=ChatState.toggle_like(message.id),
        ),
        rx.el.button(
            *content,
            type="button",
            class_name="like-button inactive",
            title=t("chat.login_to_like"),
            on_click=[*open_login_modal(), rx.toast.info(t("chat.login_to_like"))],
        ),
    )


def delete_button(message: rx.Var[ChatMessage]) -> rx.Component:
    """Render a small delete button on own messages, or on all for an admin."""
    return rx.cond(
        ChatState.is_logged_in
        & ((message.author_id == ChatState.user_id) | ChatState.is_admin),
        rx.el.button(
            rx.icon("trash-2", size=13),
            type="button",
            class_name="delete-button",
            title=t("chat.delete"),
            aria_label=t("chat.delete"),
            on_click=ChatState.delete_message(message.id),
        ),
    )


def message_row(message: rx.Var[ChatMessage]) -> rx.Component:
    """Render one message: avatar, author, local time, plain text, likes."""
    return rx.el.article(
        rx.el.img(
            src=message.author_avatar,
            alt="",
            loading="lazy",
            class_name="avatar",
        ),
        rx.el.div(
            rx.el.div(
                rx.el.span(message.author_name, class_name="author"),
                rx.moment(message.created_at, format="HH:mm", local=True),
                delete_button(message),
                class_name="message-meta",
            ),
            rx.el.p(message.text, class_name="message-text"),
            class_name="message-body",
        ),
        like_button(message),
        id="message-" + message.id.to_string(),
        custom_attrs={"data-message-id": message.id},
        class_name="chat-message",
    )


def message_list() -> rx.Component:
    """Render the scrolling list, newest at the bottom, with paging."""
    return rx.auto_scroll(
        rx.cond(
            ChatState.has_older,
            rx.el.button(
                t("chat.load_older"),
                type="button",
                class_name="load-older",
                disabled=ChatState.loading_older,
                on_click=[remember_scroll_anchor(), ChatState.load_older],
            ),
        ),
        rx.cond(
            ChatState.loaded,
            rx.cond(
                (ChatState.history.length() + ChatState.messages.length()) > 0,
                rx.fragment(
                    rx.foreach(ChatState.history, message_row),
                    rx.foreach(ChatState.messages, message_row),
                ),
                rx.el.p(t("chat.empty"), class_name="chat-empty"),
            ),
            rx.el.p(t("chat.loading"), class_name="chat-loading", aria_busy="true"),
        ),
        id=LIST_ID,
        role="log",
        aria_live="polite",
        class_name="chat-messages",
    )


def error_line(key: Any, class_name: str) -> rx.Component:
    """Render the translated error of a catalogue key, if the key is set."""
    return rx.cond(key != "", rx.el.p(t(key), role="alert", class_name=class_name))


def chat_input() -> rx.Component:
    """Render the input and send button. Enter sends and clears the input."""
    return rx.form(
        rx.el.div(
            rx.el.input(
                id="chat-input",
                name="text",
                placeholder=t("chat.placeholder"),
                aria_label=t("chat.placeholder"),
                # No max_length: the browser counts UTF-16 units, so it would
                # cut 500 emoji to 250. The service checks the length and its
                # error shows below the input.
                auto_complete="off",
                aria_describedby=rx.cond(has_connection_errors, "connection-lost", ""),
                class_name="chat-input",
            ),
            rx.el.button(
                rx.el.img(src="/img/send.png", alt=t("chat.send")),
                type="submit",
                # While offline a sent message would wait in the event queue
                # and post silently later; a disabled button also stops Enter.
                disabled=has_connection_errors,
                class_name="send-button",
                title=t("chat.send"),
            ),
            class_name=rx.cond(
                has_connection_errors,
                "chat-input-wrapper waiting",
                "chat-input-wrapper",
            ),
        ),
        error_line(ChatState.send_error, "field-error send-error"),
        on_submit=ChatState.send_message,
        reset_on_submit=True,
        class_name="chat-form",
    )


def connection_notice() -> rx.Component:
    """Render the notice shown above the input while the websocket is down."""
    return rx.el.div(
        rx.cond(
            has_connection_errors,
            rx.el.p(
                rx.icon("wifi-off", size=16, aria_hidden="true"),
                rx.el.span(t("connection.lost")),
                id="connection-lost",
                class_name="connection-lost",
            ),
        ),
        role="status",
        class_name="connection-status",
    )


def login_prompt() -> rx.Component:
    """Render the login prompt that visitors get in place of the input."""
    return rx.el.button(
        t("chat.login_to_chat"),
        type="button",
        class_name="chat-login-prompt",
        id="chat-login",
        on_click=open_login_modal(),
    )


def chat_panel() -> rx.Component:
    """Render the chat column beside the media area, or below it on phones."""
    return rx.el.section(
        rx.el.h2(t("chat.title"), id="chat-title", class_name="chat-title"),
        message_list(),
        error_line(ChatState.action_error, "field-error action-error"),
        connection_notice(),
        rx.cond(ChatState.is_logged_in, chat_input(), login_prompt()),
        id="chat",
        aria_labelledby="chat-title",
        class_name="chat",
    )
