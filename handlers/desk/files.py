"""Citizens' attachments on the desk, fetched through the channel they came by.

Never served as active content: photos (Telegram sends JPEG) as image/jpeg, everything else
as application/octet-stream to download, with `nosniff` and a sandboxing CSP.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from bot.feedback.models import Ticket
from bot.models import Contact
from handlers.channel import FileSource
from handlers.desk.context import Ctx, Desk, Endpoint, checked
from handlers.desk.security import harden

log = logging.getLogger(__name__)
FILE_CSP = "sandbox; default-src 'none'"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Wanted:
    channel: str
    ref: str
    kind: str
    name: str


def _lookup(ctx: Ctx) -> Wanted | Response:
    raw_id = str(ctx.request.path_params.get("ticket_id", ""))
    raw_index = str(ctx.request.path_params.get("index", ""))
    ticket = ctx.db.get(Ticket, int(raw_id)) if raw_id.isdigit() else None
    if ticket is None or not raw_index.isdigit() or int(raw_index) >= len(ticket.attachments):
        return ctx.render("error.html", 404, message="Không tìm thấy tệp.")
    contact = ctx.db.get(Contact, ticket.contact_id)
    attachment = ticket.attachments[int(raw_index)]
    ctx.audit("file_view", ticket.code, str(attachment.get("name") or attachment.get("kind")))
    return Wanted(
        contact.channel if contact else "",
        str(attachment.get("ref", "")),
        str(attachment.get("kind", "")),
        str(attachment.get("name") or ""),
    )


def disposition(kind: str, name: str, index: int) -> tuple[str, str]:
    """(media type, Content-Disposition) that a browser will not run."""
    if kind == "photo":
        return "image/jpeg", f'inline; filename="anh-{index + 1}.jpg"'
    plain = _UNSAFE.sub("_", name).strip("._") or f"tep-{index + 1}"
    return "application/octet-stream", (
        f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name or plain)}"
    )


def file_endpoint(desk: Desk, sources: Mapping[str, FileSource]) -> Endpoint:
    """GET /admin/items/{ticket_id}/files/{index}"""

    async def endpoint(request: Request) -> Response:
        wanted = await checked(desk, request, _lookup)
        if isinstance(wanted, Response):
            return wanted
        source = sources.get(wanted.channel)
        message = "Không tải được tệp từ kênh của người dân. Xin thử lại sau."
        if source is None:
            return desk.views.page("error.html", 502, message=message)
        try:
            data = await source(wanted.ref)
        except Exception as error:  # the platform's own errors: shown as "not available"
            log.warning("attachment not fetched from %s: %s", wanted.channel, type(error).__name__)
            return desk.views.page("error.html", 502, message=message)
        index = int(request.path_params["index"])
        media, header = disposition(wanted.kind, wanted.name, index)
        response = Response(data, media_type=media, headers={"Content-Disposition": header})
        response.headers["Content-Security-Policy"] = FILE_CSP
        return harden(response)

    return endpoint
