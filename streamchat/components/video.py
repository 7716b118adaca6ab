"""The video player and the upload button with its dialog."""

import reflex as rx

from streamchat.state.i18n import t
from streamchat.state.video import UPLOAD_ID, VideoState

VIDEO_SUFFIXES = [".mp4", ".m4v", ".mov", ".webm", ".mkv", ".ogv", ".ogg"]


def video_player(empty: rx.Component) -> rx.Component:
    """Render the current video with controls and poster, or ``empty``."""
    return rx.cond(
        VideoState.video,
        rx.el.figure(
            rx.el.video(
                src=VideoState.video_url,
                poster=VideoState.poster_url,
                controls=True,
                preload="metadata",
                plays_inline=True,
                key=VideoState.video_url,
                id="current-video",
                class_name="current-video",
                width="100%",
                max_height="70vh",
                background="black",
            ),
            rx.el.figcaption(
                rx.el.strong(VideoState.video_title, class_name="video-title"),
                rx.el.span(VideoState.uploaded_by, class_name="video-owner"),
                class_name="video-caption",
            ),
            class_name="video-player",
        ),
        empty,
    )


def _drop_zone() -> rx.Component:
    return rx.upload.root(
        rx.vstack(
            rx.text(t("video.upload.drop")),
            rx.foreach(
                rx.selected_files(UPLOAD_ID),
                lambda name: rx.text(name, weight="bold", class_name="selected-file"),
            ),
            align="center",
        ),
        id=UPLOAD_ID,
        accept={"video/*": VIDEO_SUFFIXES},
        multiple=False,
        max_files=1,
        disabled=VideoState.uploading,
        border="1px dashed var(--gray-8)",
        padding="1.5em",
        border_radius="8px",
        class_name="video-drop-zone",
    )


def _progress() -> rx.Component:
    return rx.cond(
        VideoState.uploading | VideoState.done,
        rx.vstack(
            rx.progress(value=VideoState.percent, max=100, width="100%"),
            rx.text(
                rx.cond(
                    VideoState.processing,
                    t("video.upload.processing"),
                    VideoState.percent_text,
                ),
                role="status",
                class_name="upload-percent",
            ),
            rx.cond(VideoState.done, rx.text(t("video.upload.done"))),
            width="100%",
        ),
    )


def _error() -> rx.Component:
    return rx.cond(
        VideoState.error != "",
        rx.callout(
            VideoState.error,
            icon="triangle_alert",
            color_scheme="red",
            role="alert",
            class_name="upload-error",
        ),
    )


def _buttons() -> rx.Component:
    start = rx.button(
        t("video.upload.start"),
        on_click=[
            VideoState.begin_upload,
            VideoState.receive_upload(  # type: ignore[misc]
                rx.upload_files_chunk(
                    upload_id=UPLOAD_ID, on_upload_progress=VideoState.record_progress
                )
            ),
        ],
        disabled=rx.selected_files(UPLOAD_ID).length() == 0,
        class_name="upload-start",
    )
    cancel = rx.button(
        t("video.upload.cancel"),
        on_click=VideoState.cancel_upload,
        color_scheme="gray",
        variant="soft",
        class_name="upload-cancel",
    )
    close = rx.dialog.close(
        rx.button(t("video.upload.close"), variant="soft", color_scheme="gray")
    )
    return rx.hstack(
        rx.cond(VideoState.uploading, cancel, rx.fragment(close, start)),
        justify="end",
        width="100%",
    )


def upload_button() -> rx.Component:
    """Render the "Upload video" button and the dialog it opens."""
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                t("video.upload.button"),
                on_click=VideoState.open_dialog,
                class_name="upload-video-btn",
            )
        ),
        rx.dialog.content(
            rx.dialog.title(t("video.upload.heading")),
            rx.dialog.description(VideoState.hint_text),
            rx.vstack(
                _drop_zone(),
                rx.input(
                    placeholder=t("video.upload.title_placeholder"),
                    # Sent on blur, which comes before the click on "Upload":
                    # a debounced on_change could arrive after the upload starts.
                    default_value="",
                    on_blur=VideoState.set_title,
                    max_length=200,
                    aria_label=t("video.upload.title"),
                    disabled=VideoState.uploading,
                    width="100%",
                    class_name="upload-title",
                ),
                _progress(),
                _error(),
                _buttons(),
                spacing="3",
                margin_top="1em",
            ),
            class_name="upload-dialog",
        ),
        open=VideoState.dialog_open,
        on_open_change=VideoState.set_dialog_open,
    )
