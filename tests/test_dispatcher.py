"""The neutral dispatcher: idempotency, groups, roles, bad payloads, failures."""

import uuid

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.core.errors import UserError
from bot.core.events import Chat, ChatKind, EventKind, Incoming, Sender, parse_command
from bot.core.payloads import CommandPayload
from bot.core.router import Role
from storage.models import Organizer, ProcessedUpdate, User


def message(text: str, *, user: str = "42", update_id: str | None = None, **kw) -> Incoming:
    command, args, addressed = parse_command(text, bot_username=kw.pop("bot_username", None))
    return Incoming(
        platform="telegram",
        update_id=update_id or uuid.uuid4().hex,
        sender=Sender(external_id=user, name="Ivan", language_code=kw.pop("language", "ru")),
        chat=kw.pop("chat", Chat(external_id=user)),
        text=text,
        command=command,
        args=args,
        addressed=addressed,
        **kw,
    )


async def count(app: App, model: type) -> int:
    async with app.session_factory() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_a_redelivered_update_changes_nothing_twice(app: App) -> None:
    event = message("/organizer Twice Org", update_id="777")
    first = await app.dispatcher.feed(event)
    assert "Twice Org" in first[0].text
    assert await app.dispatcher.feed(event) == []
    assert await count(app, Organizer) == 1
    assert await count(app, ProcessedUpdate) == 1


async def test_language_from_the_platform_and_default(app: App) -> None:
    [reply] = await app.dispatcher.feed(message("/start", user="7", language="en-GB"))
    assert reply.text.startswith("Hello, Ivan!")
    [reply] = await app.dispatcher.feed(message("/start", user="8", language="de"))
    assert reply.text.startswith("Здравствуйте, Ivan!")


async def test_groups_answer_only_commands_addressed_to_the_bot(app: App) -> None:
    group = Chat(external_id="-100", kind=ChatKind.GROUP, title="СП группа")
    assert await app.dispatcher.feed(message("hello all", chat=group)) == []
    other = message("/help@other_bot", chat=group, bot_username="sp_bot")
    assert await app.dispatcher.feed(other) == []
    [reply] = await app.dispatcher.feed(message("/help@sp_bot", chat=group, bot_username="sp_bot"))
    assert "Что я умею" in reply.text
    [reply] = await app.dispatcher.feed(message("/organizer X Org", chat=group))
    assert "личные сообщения" in reply.text
    assert await count(app, Organizer) == 0


@pytest.mark.parametrize(
    "payload",
    ["lang:xx", "lang", "zzz:1", "x" * 200, "lang:ru:extra", "cmd:help:a:b", "cmd:nosuch:"],
)
async def test_forged_or_stale_buttons_get_a_clear_answer(app: App, payload: str) -> None:
    event = message("", kind=EventKind.BUTTON, payload=payload)
    [reply] = await app.dispatcher.feed(event)
    assert ("кнопка устарела" in reply.text) or ("нет" in reply.text.lower()), reply.text
    async with app.session_factory() as session:
        user = await session.scalar(select(User))
    assert user is not None and user.language == "ru"


async def test_command_buttons_behave_like_commands(app: App) -> None:
    event = message(
        "", kind=EventKind.BUTTON, payload=CommandPayload(name="lang", args="en").pack()
    )
    [reply] = await app.dispatcher.feed(event)
    assert reply.text == "Done: I speak English now."


async def test_a_failing_handler_is_rolled_back_and_answered_politely(app: App) -> None:
    calls = []

    @app.dispatcher.router.command("t_boom")
    async def boom(ctx) -> None:
        ctx.user.language = "en"
        calls.append(1)
        raise RuntimeError("bug")

    @app.dispatcher.router.command("t_refuse")
    async def refuse(ctx) -> None:
        ctx.user.language = "en"
        raise UserError("need-admin")

    [reply] = await app.dispatcher.feed(message("/t_boom", update_id="b1"))
    assert "Что-то пошло не так" in reply.text and "Traceback" not in reply.text
    [reply] = await app.dispatcher.feed(message("/t_refuse"))
    assert reply.text == "Эта команда доступна только администраторам сервиса."
    # The handlers' changes are undone, but the user and the update are recorded...
    async with app.session_factory() as session:
        user = await session.scalar(select(User))
    assert user is not None and user.language == "ru"
    # ...so a redelivered failing update is not retried in a loop.
    assert await app.dispatcher.feed(message("/t_boom", update_id="b1")) == []
    assert calls == [1]


async def test_roles_are_enforced(app: App) -> None:
    @app.dispatcher.router.command("t_admin", role=Role.ADMIN)
    async def admin_only(ctx) -> None:
        ctx.answer("secret")

    [reply] = await app.dispatcher.feed(message("/t_admin", user="2"))
    assert reply.text != "secret"
    [reply] = await app.dispatcher.feed(message("/t_admin", user="1"))  # telegram:1 is admin
    assert reply.text == "secret"


def test_parse_command() -> None:
    assert parse_command("/start inv_abc") == ("start", "inv_abc", True)
    assert parse_command("/Help@SP_bot", bot_username="sp_bot") == ("help", "", True)
    assert parse_command("/help@other", bot_username="sp_bot") == ("help", "", False)
    assert parse_command("hello") == (None, "hello", True)
    assert parse_command("orders 2", slash_optional=True) == ("orders", "2", True)
    assert parse_command("/" + "a" * 40)[0] is None
    assert parse_command("/лишнее")[0] == "лишнее"
