"""Every error response in the envelope of API.md, never a traceback."""

import logging
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from streamchat.errors import AppError

logger = logging.getLogger(__name__)

_STATUS_CODES = {
    400: ("bad_request", "The request is invalid."),
    401: ("not_authenticated", "Log in first."),
    403: ("forbidden", "You are not allowed to do this."),
    404: ("not_found", "Nothing exists at this address."),
    405: ("method_not_allowed", "This method is not allowed here."),
    413: ("too_large", "The request is too large."),
    415: ("unsupported_media_type", "This media type is not supported."),
}


def error_response(error: AppError) -> JSONResponse:
    """Render an AppError as its JSON response."""
    headers = dict(error.headers)
    if error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    return JSONResponse(error.to_body(), status_code=error.status, headers=headers)


def _field_name(location: tuple[Any, ...]) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path")]
    return ".".join(parts) or "body"


def _validation_fields(errors: list[dict[str, Any]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for item in errors:
        name = _field_name(tuple(item.get("loc", ())))
        if item.get("type") == "missing":
            fields.setdefault(name, f"{name} is required.")
        elif item.get("type") == "json_invalid":
            fields.setdefault("body", "The body is not valid JSON.")
        else:
            fields.setdefault(name, f"{name}: {item.get('msg', 'invalid value')}.")
    return fields


def install_error_handlers(app: FastAPI) -> None:
    """Render every error of ``app`` in the error envelope."""

    @app.exception_handler(AppError)
    async def app_error(_request: Request, error: AppError) -> JSONResponse:
        return error_response(error)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(
        _request: Request, error: RequestValidationError
    ) -> JSONResponse:
        fields = _validation_fields(list(error.errors()))
        message = " ".join(fields.values())
        return error_response(
            AppError(400, "validation_failed", message, fields=fields)
        )

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, error: HTTPException) -> JSONResponse:
        code, message = _STATUS_CODES.get(
            error.status_code, ("error", "The request failed.")
        )
        response = error_response(AppError(error.status_code, code, message))
        for key, value in (error.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(sa.exc.TimeoutError)
    async def database_busy(request: Request, _error: Exception) -> JSONResponse:
        # Every pooled connection stayed in use for the whole pool timeout.
        logger.warning(
            "database pool exhausted on %s %s", request.method, request.url.path
        )
        message = "The site is busy right now. Try again in a moment."
        return error_response(AppError(503, "unavailable", message, retry_after=1))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        message = "Something went wrong on our side. Try again later."
        return error_response(AppError(500, "internal_error", message))
