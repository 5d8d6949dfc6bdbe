"""Knowledge gaps on the desk, the draft entry made from one, and the "try a question" box."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from starlette.responses import Response

from bot.ask import result
from bot.desk import gaps
from bot.feedback.duedates import office_today
from bot.kbreload import versions
from handlers.desk.context import Ctx, redirect

MAX_QUESTION = 500


def gaps_page(ctx: Ctx, problems: Sequence[str] = (), status_code: int = 200) -> Response:
    """GET /admin/gaps"""
    found = gaps.open_gaps(ctx.db)
    return ctx.render(
        "gaps.html",
        status_code,
        gaps=found,
        notice=ctx.query.get("notice", ""),
        problems=list(problems),
        entries=len(ctx.desk.services.matcher.kb.entries),
    )


def kb_reload(ctx: Ctx) -> Response:
    """POST /admin/kb/reload (admin): validate the files; serve them here at once and record
    the version so every other worker follows; a broken knowledge base is refused."""
    built = versions.build(ctx.desk.settings)
    if built.matcher is None:
        ctx.audit("kb_reload_refused", built.fingerprint[:12], "; ".join(built.problems)[:2000])
        return gaps_page(ctx, built.problems, 400)
    versions.record(ctx.db, built, ctx.staff.name)
    ctx.desk.services.live_kb.install(built)
    ctx.audit("kb_reload", built.fingerprint[:12])
    return redirect("/admin/gaps?notice=reloaded")


def gap_mark(ctx: Ctx) -> Response:
    """POST /admin/gaps/mark: handled or ignored."""
    key, status = ctx.form.get("key", ""), ctx.form.get("status", "")
    if not key or status not in gaps.MARKS:
        return redirect("/admin/gaps")
    gaps.mark(ctx.db, key, status, ctx.staff)
    ctx.audit(f"gap_{status}", key[:200])
    return redirect(f"/admin/gaps?notice={status}")


def gap_draft(ctx: Ctx) -> Response:
    """GET /admin/gaps/draft?key=…: the group as a draft knowledge-base entry (YAML)."""
    key = ctx.query.get("key", "")
    gap = next((g for g in gaps.open_gaps(ctx.db) if g.key == key), None)
    if gap is None:
        return ctx.render("error.html", 404, message="Nhóm câu hỏi này không còn trong danh sách.")
    ctx.audit("gap_draft", key[:200])
    kb = ctx.desk.services.matcher.kb
    outcome = result(ctx.desk.services.matcher, gap.head)
    near = [outcome["intent"], *outcome["suggestions"]] if outcome["intent"] else []
    near += [s for s in outcome["suggestions"] if s not in near]
    chosen = ctx.query.get("entry", "")
    entry = kb.entries.get(chosen)
    return ctx.render(
        "draft.html",
        gap=gap,
        draft=gaps.draft_entry(gap, office_today()),
        near=[kb.entries[i] for i in near if i in kb.entries],
        entry=entry,
        samples=gaps.sample_lines(gap) if entry else "",
    )


def try_page(ctx: Ctx) -> Response:
    """GET /admin/try?q=…: what the bot would answer, with its score and runners-up."""
    question = ctx.query.get("q", "").strip()[:MAX_QUESTION]
    outcome = result(ctx.desk.services.matcher, question) if question else None
    kb = ctx.desk.services.matcher.kb
    titles = {entry_id: entry.title.get("vi", entry_id) for entry_id, entry in kb.entries.items()}
    return ctx.render("try.html", question=question, outcome=outcome, titles=titles, quote=quote)
