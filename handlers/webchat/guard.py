"""Who may call the chat API: CSRF (a custom header and the Origin), CORS for portal origins,
the client's address for the rate limit, and polite JSON refusals."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.render import say
from knowledge.schema import KnowledgeBase

# A header a page can only send with fetch/XHR; from another origin it needs a CORS
# preflight, which only the configured portal origins pass. A plain form post cannot set it.
CSRF_HEADER = "X-CCHC-Chat"
ALLOWED_HEADERS = f"Content-Type, {CSRF_HEADER}"


def own_origin(request: Request) -> str:
    """This server's origin as the browser sees it (scheme from the proxy when forwarded)."""
    scheme = request.headers.get("x-forwarded-proto", request.url.scheme).split(",")[0].strip()
    host = request.headers.get("host", request.url.netloc)
    return f"{scheme}://{host}".lower()


def same_host(origin: str, request: Request) -> bool:
    """Whether `origin` names this server (the host and port the request was sent to)."""
    netloc = urlsplit(origin).netloc.lower()
    return bool(netloc) and netloc == request.headers.get("host", "").lower()


def origin_allowed(request: Request, origins: frozenset[str]) -> bool:
    """No Origin (not a browser's cross-site request), our own, or a configured portal."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    origin = origin.rstrip("/").lower()
    return origin in origins or same_host(origin, request)


def csrf_ok(request: Request, origins: frozenset[str]) -> bool:
    """The custom header is present and the Origin is acceptable."""
    return request.headers.get(CSRF_HEADER) == "1" and origin_allowed(request, origins)


def cors(response: Response, request: Request, origins: frozenset[str]) -> Response:
    """Let a configured portal origin read the response (with the cookie)."""
    origin = (request.headers.get("origin") or "").rstrip("/").lower()
    if origin in origins:
        response.headers["Access-Control-Allow-Origin"] = request.headers["origin"]
        response.headers["Access-Control-Allow-Credentials"] = "true"
    response.headers["Vary"] = "Origin"
    return response


def preflight(request: Request, origins: frozenset[str]) -> Response:
    """OPTIONS: only configured portal origins may send the chat's requests."""
    origin = (request.headers.get("origin") or "").rstrip("/").lower()
    if origin not in origins:
        return JSONResponse({"error": "origin"}, status_code=403, headers={"Vary": "Origin"})
    response = Response(status_code=204)
    response.headers["Access-Control-Allow-Methods"] = "GET, POST"
    response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
    response.headers["Access-Control-Max-Age"] = "600"
    return cors(response, request, origins)


def client_ip(request: Request) -> str:
    """The peer address (uvicorn puts the proxy's X-Forwarded-For here when it is trusted)."""
    return request.client.host if request.client else "unknown"


def language(request: Request, chosen: str | None = None) -> str:
    """The language for an error message: the page's choice, else the browser's."""
    if chosen in ("vi", "en"):
        return chosen
    wanted = request.headers.get("accept-language", "").lower()
    return "en" if wanted.startswith("en") else "vi"


def refuse(
    kb: KnowledgeBase, status: int, error: str, key: str, lang: str, **values: str
) -> JSONResponse:
    """A polite refusal: `{"error": code, "message": text}` (never a bare 4xx/5xx page)."""
    body = {"error": error, "message": say(kb, key, lang, **values)}
    headers = {"Retry-After": "10"} if status in (429, 503) else None
    return JSONResponse(body, status_code=status, headers=headers)
