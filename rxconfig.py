"""Reflex configuration. Site settings come from streamchat.settings."""

import reflex as rx

from streamchat.settings import get_settings

settings = get_settings()

config = rx.Config(
    app_name="streamchat",
    # The site never calls out to other hosts on its own.
    telemetry_enabled=False,
    redis_url=settings.redis_url,
    state_manager_mode="redis" if settings.redis_url else "memory",
    cors_allowed_origins=settings.allowed_origins(),
    show_built_with_reflex=False,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(appearance="dark", accent_color="violet")
        )
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
