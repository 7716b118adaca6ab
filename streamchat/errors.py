"""The domain error that every layer turns into API.md's error envelope."""

from typing import Any


class AppError(Exception):
    """A refusal with an HTTP status, a stable code and a sentence for people.

    Services raise it; the API renders it as
    ``{"error": {"code", "message", "fields"}}`` and the Reflex states show
    its message next to the field it names.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        fields: dict[str, str] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.retry_after = retry_after
        self.headers: dict[str, str] = {}

    def to_body(self) -> dict[str, Any]:
        """Build the JSON body of the error envelope."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = self.fields
        return {"error": error}


def validation_error(fields: dict[str, str]) -> AppError:
    """Build a 400 for invalid fields, naming each field's problem."""
    message = " ".join(fields.values())
    return AppError(400, "validation_failed", message, fields=fields)


def not_found(kind: str) -> AppError:
    """Build a 404 for a missing object, e.g. ``not_found("Message")``."""
    return AppError(404, "not_found", f"{kind} not found.")
