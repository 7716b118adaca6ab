"""Request bodies that may come as JSON or as an HTML form."""

import json
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from fastapi import Request
from pydantic import BaseModel, ValidationError

from streamchat.api.errors import _validation_fields
from streamchat.errors import AppError, validation_error

ModelT = TypeVar("ModelT", bound=BaseModel)

FORM = "application/x-www-form-urlencoded"


async def read_json_or_form(request: Request, model: type[ModelT]) -> ModelT:
    """Parse the body as ``model``, from JSON or from a urlencoded form."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    data: Any
    if content_type == FORM:
        data = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    elif content_type in ("application/json", ""):
        try:
            data = json.loads(raw or b"null")
        except (ValueError, UnicodeDecodeError):
            raise validation_error({"body": "The body is not valid JSON."}) from None
    else:
        raise AppError(
            415, "unsupported_media_type", "Send the body as JSON or as a form."
        )
    if not isinstance(data, dict):
        raise validation_error({"body": "The body must be a JSON object."})
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise validation_error(
            _validation_fields([dict(item) for item in error.errors()])
        ) from None


def body_schema(model: type[BaseModel]) -> dict[str, Any]:
    """Describe a JSON-or-form body for the OpenAPI schema."""
    schema = model.model_json_schema()
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": schema},
                FORM: {"schema": schema},
            },
        }
    }
