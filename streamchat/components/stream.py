"""Live broadcast UI: the "live now" banner, the broadcast dialog, the player."""

import reflex as rx

from streamchat.state.i18n import t
from streamchat.state.stream import StreamState


def live_script() -> rx.Component:
    """Load the capture and playback module (assets/live.js)."""
    return rx.script(src="/live.js")


def live_badge() -> rx.Component:
    return rx.badge(t("stream.live_badge"), color_scheme="red", class_name="live-badge")


def live_banner() -> rx.Component:
    """Show a link to the watch page while a broadcast is live."""
    return rx.cond(
        StreamState.live,
        rx.link(
            live_badge(),
            rx.el.span(t("stream.banner")),
            rx.el.strong(StreamState.title, class_name="live-banner-title"),
            rx.el.span(t("stream.banner_link"), class_name="live-banner-link"),
            href="/watch",
            id="live-banner",
            class_name="live-banner",
        ),
    )


def broadcast_button() -> rx.Component:
    """Offer logged-in users a dialog to preview their camera and go live."""
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(t("stream.start"), id="start-broadcast")),
        _broadcast_dialog(),
        open=StreamState.dialog_open,
        on_open_change=StreamState.open_dialog,
    )


def _broadcast_dialog() -> rx.Component:
    return rx.dialog.content(
        rx.dialog.title(t("stream.dialog_title")),
        rx.text(t("stream.preview_hint"), size="2"),
        rx.el.video(
            id="broadcast-preview",
            auto_play=True,
            muted=True,
            plays_inline=True,
            class_name="broadcast-preview",
        ),
        rx.el.label(t("stream.title_label"), html_for="broadcast-title"),
        rx.input(
            id="broadcast-title",
            value=StreamState.title_input,
            on_change=StreamState.set_title_input,
            placeholder=t("stream.title_placeholder"),
            max_length=200,
        ),
        rx.cond(
            StreamState.title_error != "",
            rx.text(t(StreamState.title_error), role="alert", color_scheme="red"),
        ),
        rx.el.p(id="broadcast-status", role="status", class_name="broadcast-status"),
        rx.hstack(
            rx.button(t("stream.go_live"), id="go-live", on_click=StreamState.go_live),
            rx.button(
                t("stream.stop"),
                id="stop-live",
                color_scheme="red",
                on_click=StreamState.stop_live,
            ),
            rx.dialog.close(rx.button(t("stream.close"), variant="soft")),
        ),
        live_script(),
    )


def live_player() -> rx.Component:
    """Build the live video with its title, LIVE badge and viewer count."""
    return rx.el.div(
        rx.el.video(
            id="live-player",
            auto_play=True,
            muted=True,
            plays_inline=True,
            controls=True,
            class_name="live-player",
        ),
        rx.el.div(
            rx.cond(StreamState.live, live_badge()),
            rx.el.h2(StreamState.title, id="stream-title", class_name="stream-title"),
            rx.cond(
                StreamState.live,
                rx.el.span(
                    t("stream.viewers"),
                    " ",
                    rx.el.span(StreamState.viewers, id="viewer-count"),
                    class_name="viewer-count",
                ),
            ),
            class_name="live-info",
        ),
        rx.cond(
            StreamState.ended,
            rx.el.p(
                t("stream.ended"),
                id="stream-ended",
                role="status",
                class_name="live-note",
            ),
            rx.cond(
                ~StreamState.live,
                rx.el.p(
                    t("stream.offline"), id="stream-offline", class_name="live-note"
                ),
            ),
        ),
        class_name="live-view",
    )
