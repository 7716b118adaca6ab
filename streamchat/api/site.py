"""Site-wide HTTP behaviour: security headers, offline API docs, 405 and 404."""

from typing import Any

import swagger_ui_bundle
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.routing import compile_path
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from streamchat.errors import AppError

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
# Paths of the API outside /api/, where a wrong method gets a 405.
FIXED_PATHS = ("/register", "/login", "/logout", "/openapi.json")

SECURITY_HEADERS = [
    # The site may not be framed by other sites (clickjacking).
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    """ASGI middleware adding the security headers to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [pair for pair in SECURITY_HEADERS if pair[0] not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _allowed_methods(api: FastAPI, path: str) -> set[str]:
    # The OpenAPI schema lists every documented route, including those added
    # through routers, with the methods of each path.
    methods: set[str] = set()
    for template, operations in api.openapi()["paths"].items():
        regex, _, _ = compile_path(template)
        if regex.match(path):
            methods |= {method.upper() for method in operations}
    return methods


def _reject(api: FastAPI, request: Request) -> Any:
    allowed = _allowed_methods(api, request.url.path)
    if allowed:
        message = (
            f"{request.method} is not allowed here. Use {', '.join(sorted(allowed))}."
        )
        error = AppError(405, "method_not_allowed", message)
        error.headers = {"Allow": ", ".join(sorted(allowed))}
        raise error
    raise AppError(404, "not_found", f"There is no API endpoint at {request.url.path}.")


def add_fallbacks(api: FastAPI) -> None:
    """Return 404 for unknown API paths and 405 for wrong methods.

    Requests that match no route of this app fall through to the Reflex page,
    which would respond with HTML, so API paths get explicit last routes.
    """

    async def fallback(request: Request) -> Any:
        return _reject(api, request)

    api.add_api_route(
        "/api/{path:path}", fallback, methods=ALL_METHODS, include_in_schema=False
    )
    for path in FIXED_PATHS:
        api.add_api_route(path, fallback, methods=ALL_METHODS, include_in_schema=False)


def add_offline_docs(api: FastAPI) -> None:
    """Serve the Swagger UI at /docs from the installed package, not a CDN."""
    api.mount(
        "/docs-assets",
        StaticFiles(directory=swagger_ui_bundle.swagger_ui_path),
        name="docs-assets",
    )

    @api.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="StreamChat API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/favicon.ico",
        )
