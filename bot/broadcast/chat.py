"""The citizen's side: /dangky, /huydangky, the same said in words, topics and area chosen with
buttons, and the one-tap unsubscribe button under every announcement."""

from __future__ import annotations

from bot.broadcast import subscribers
from bot.broadcast.texts import text
from bot.callbacks import record_id
from bot.messages import Button, Reply
from bot.turn import Handler, Turn
from knowledge.normaliser import fold
from knowledge.schema import KnowledgeBase

CHOOSE = "bsub"  # bsub:t:TOPIC | bsub:a:AREA | bsub:all | bsub:area | bsub:noarea | bsub:show
UNSUBSCRIBE = "bcu"  # bcu:ANNOUNCEMENT_ID (0: not from an announcement)
NOT_TOPICS = ("phan_anh", "lien_he")  # menu groups that are services, not news topics
SUBSCRIBE_WORDS = (
    "dang ky nhan tin",
    "dang ki nhan tin",
    "dang ky nhan thong bao",
    "dang ky ban tin",
    "muon nhan tin cchc",
    "subscribe me",
    "subscribe to news",
    "subscribe to announcements",
)
UNSUBSCRIBE_WORDS = (
    "huy dang ky nhan tin",
    "huy nhan tin",
    "ngung nhan tin",
    "khong nhan tin nua",
    "dung gui tin",
    "unsubscribe",
    "stop sending news",
    "stop news",
)
QUESTION_WORDS = ("lam sao", "the nao", "nhu the nao", "o dau", "how", "where", "?")
MAX_WORDS = 8


def topics(kb: KnowledgeBase) -> dict[str, dict[str, str]]:
    """The topic groups a subscriber can choose (knowledge-base menu groups), by id."""
    return {g.id: dict(g.title) for g in kb.menu_groups() if g.id not in NOT_TOPICS}


def areas(kb: KnowledgeBase) -> dict[str, dict[str, str]]:
    """Thôn, bản, tổ dân phố from the locality file's `areas` section, by id."""
    return {key: dict(value) for key, value in kb.locality.get("areas", {}).items()}


def _name(names: dict[str, str], lang: str) -> str:
    return names.get(lang) or names.get("vi") or next(iter(names.values()))


def choices_reply(turn: Turn, intro: str) -> Reply:
    """The subscriber's topics and area, with buttons to change them."""
    chosen = subscribers.choices(turn.session, turn.contact.id)
    known_topics, known_areas = topics(turn.kb), areas(turn.kb)
    topic_names = [_name(known_topics[t], turn.lang) for t in chosen.topics if t in known_topics]
    area = known_areas.get(chosen.area or "")
    body = text(
        "choices",
        turn.lang,
        topics=", ".join(topic_names) or text("choices.all_topics", turn.lang),
        area=_name(area, turn.lang) if area else text("choices.no_area", turn.lang),
    )
    rows: list[tuple[Button, ...]] = []
    pair: list[Button] = []
    for topic_id, names in known_topics.items():
        mark = "✅ " if topic_id in chosen.topics else ""
        pair.append(Button(f"{mark}{_name(names, turn.lang)}", f"{CHOOSE}:t:{topic_id}"))
        if len(pair) == 2:
            rows.append(tuple(pair))
            pair = []
    if pair:
        rows.append(tuple(pair))
    rows.append(
        (
            Button(text("button.all_topics", turn.lang), f"{CHOOSE}:all"),
            Button(text("button.area", turn.lang), f"{CHOOSE}:area"),
        )
    )
    rows.append((Button(text("button.stop", turn.lang), f"{UNSUBSCRIBE}:0"),))
    return Reply(f"{intro}\n{body}", tuple(rows))


def _area_menu(turn: Turn) -> Reply:
    rows: list[tuple[Button, ...]] = [
        (Button(_name(names, turn.lang), f"{CHOOSE}:a:{area_id}"),)
        for area_id, names in areas(turn.kb).items()
    ]
    rows.append(
        (
            Button(text("button.no_area", turn.lang), f"{CHOOSE}:noarea"),
            Button(text("button.back", turn.lang), f"{CHOOSE}:show"),
        )
    )
    return Reply(text("choose_area", turn.lang), tuple(rows))


def private_only(handler: Handler) -> Handler:
    """News is sent to a private chat, and an area is personal: not in a group."""

    def guarded(turn: Turn, arg: str, /) -> list[Reply]:
        if turn.inbound.group is not None:
            return [Reply(text("private_only", turn.lang))]
        return handler(turn, arg)

    return guarded


def subscribe_command(turn: Turn, _arg: str, source: str = "command") -> list[Reply]:
    """/dangky: subscribe (or say it is on) and show the choices."""
    new = subscribers.subscribe(turn.session, turn.contact, source)
    intro = text("subscribed" if new else "subscribed.already", turn.lang)
    if turn.contact.channel in subscribers.NO_BROADCAST:  # say so rather than promise news
        intro += "\n\n" + text("no_broadcast", turn.lang)
    return [choices_reply(turn, intro)]


def unsubscribe_command(
    turn: Turn, _arg: str, source: str = "command", announcement_id: int | None = None
) -> list[Reply]:
    """/huydangky: stop the news."""
    done = subscribers.unsubscribe(turn.session, turn.contact, source, announcement_id)
    return [Reply(text("unsubscribed" if done else "unsubscribed.already", turn.lang))]


def on_unsubscribe_button(turn: Turn, arg: str) -> list[Reply]:
    """🔕 under an announcement (its id) or on the choices screen (0)."""
    announcement_id = record_id(arg)
    return unsubscribe_command(turn, arg, "button", announcement_id)


def on_choose(turn: Turn, arg: str) -> list[Reply]:
    """A topic or area button."""
    if not turn.contact.subscribed:
        return [Reply(text("not_subscribed", turn.lang))]
    what, _, value = arg.partition(":")
    contact_id = turn.contact.id
    if what == "t" and value in topics(turn.kb):
        subscribers.toggle_topic(turn.session, contact_id, value)
    elif what == "all":
        subscribers.all_topics(turn.session, contact_id)
    elif what == "area":
        return [_area_menu(turn)]
    elif what == "a" and value in areas(turn.kb):
        subscribers.set_area(turn.session, contact_id, value)
    elif what == "noarea":
        subscribers.set_area(turn.session, contact_id, None)
    return [choices_reply(turn, text("saved", turn.lang))]


def words_intent(message: str) -> str | None:
    """ "subscribe" or "unsubscribe" when a short message asks for it (not a question)."""
    folded = fold(message)
    if not folded or len(folded.split()) > MAX_WORDS:
        return None
    if "?" in message or any(f" {w} " in f" {folded} " for w in QUESTION_WORDS):
        return None
    if any(w in folded for w in UNSUBSCRIBE_WORDS):
        return "unsubscribe"
    if any(w in folded for w in SUBSCRIBE_WORDS):
        return "subscribe"
    return None


def text_hook(turn: Turn) -> list[Reply] | None:
    """Typed "đăng ký nhận tin" / "ngừng nhận tin" act like the commands."""
    intent = words_intent(turn.inbound.text)
    if intent is not None and turn.inbound.group is not None:
        return None  # in a group, words are a conversation, not a request to the bot
    if intent == "subscribe":
        return subscribe_command(turn, "", "text")
    if intent == "unsubscribe":
        return unsubscribe_command(turn, "", "text")
    return None
