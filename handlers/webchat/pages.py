"""`/` (the full-page chat), `/widget.js` (the portal's one-line snippet) and their assets.

Plain files shipped in the package (no build step, no CDN). The page may be framed only by
the configured portal origins; scripts and styles come from this server alone (CSP).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

STATIC = Path(__file__).resolve().parent / "static"
ASSETS = {  # URL path -> (file, content type)
    "/webchat/chat.js": ("chat.js", "text/javascript; charset=utf-8"),
    "/webchat/chat.css": ("chat.css", "text/css; charset=utf-8"),
    "/widget.js": ("widget.js", "text/javascript; charset=utf-8"),
}


def policy(origins: frozenset[str]) -> str:
    """The page's Content-Security-Policy."""
    ancestors = " ".join(["'self'", *sorted(origins)])
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        f"img-src 'self' data:; frame-ancestors {ancestors}; base-uri 'none'; form-action 'none'"
    )


def page_routes(origins: frozenset[str]) -> list[Route]:
    """GET routes for the page and its files (read once, at start)."""
    csp = policy(origins)
    index = (STATIC / "index.html").read_bytes()

    async def page(_request: Request) -> Response:
        headers = {
            "Content-Security-Policy": csp,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "Cache-Control": "no-cache",
        }
        return Response(index, media_type="text/html; charset=utf-8", headers=headers)

    routes = [Route("/", page, methods=["GET"])]
    for path, (name, kind) in ASSETS.items():
        routes.append(Route(path, _asset((STATIC / name).read_bytes(), kind), methods=["GET"]))
    return routes


def _asset(content: bytes, kind: str) -> Callable[[Request], Awaitable[Response]]:
    async def serve(_request: Request) -> Response:
        headers = {
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "public, max-age=300",
            # The snippet is loaded by the portal's pages, on another origin.
            "Cross-Origin-Resource-Policy": "cross-origin",
        }
        return Response(content, headers=headers, media_type=kind)

    return serve
