"""Interface text shared by every page."""

MESSAGES: dict[str, tuple[str, str]] = {
    "site.title": ("StreamChat", "StreamChat"),
    "error.generic": (
        "Что-то пошло не так. Попробуйте ещё раз.",
        "Something went wrong. Try again.",
    ),
}
