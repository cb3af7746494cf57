"""The neutral dispatcher: idempotency, groups, roles, bad payloads, failures."""

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.core.errors import UserError
from bot.core.events import Chat, ChatKind, ConsentChange, EventKind, parse_command
from bot.core.payloads import CommandPayload
from bot.core.router import Role
from storage import db
from storage.models import DialogState, Organizer, ProcessedUpdate, User
from tests.support.drivers import message
from tests.support.queries import count


async def test_a_redelivered_update_changes_nothing_twice(app: App) -> None:
    event = message("/organizer Twice Org", update_id="777")
    first = await app.dispatcher.feed(event)
    assert "Twice Org" in first[0].text
    assert await app.dispatcher.feed(event) == []
    assert await count(app, Organizer) == 1
    assert await count(app, ProcessedUpdate) == 1


async def test_a_redelivered_update_leaves_the_user_as_it_was(app: App, clock) -> None:
    event = message("/start", update_id="900")
    assert await app.dispatcher.feed(event) != []
    before = await user_row(app)
    clock.advance(minutes=5)
    again = replace(event, sender=replace(event.sender, name="Renamed"))
    assert await app.dispatcher.feed(again) == []
    after = await user_row(app)
    assert (after.name, after.last_seen_at) == (before.name, before.last_seen_at)


async def test_last_seen_is_kept_to_the_minute(app: App, clock) -> None:
    await app.dispatcher.feed(message("/start"))
    first = (await user_row(app)).last_seen_at
    clock.advance(seconds=40)
    await app.dispatcher.feed(message("/help"))
    assert (await user_row(app)).last_seen_at == first
    clock.advance(seconds=30)
    await app.dispatcher.feed(message("/help"))
    assert (await user_row(app)).last_seen_at == clock.now()
    # A clock set back (another process's) is no reason to keep a time from the future.
    clock.advance(minutes=-10)
    await app.dispatcher.feed(message("/help"))
    assert (await user_row(app)).last_seen_at == clock.now()


async def test_an_update_takes_no_trip_to_the_database_thread(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not app.settings.database_url.startswith("sqlite"):
        pytest.skip("trips to the database thread are SQLite's")
    await app.dispatcher.feed(message("/start"))
    trips = 0
    execute = db.SQLiteConnection._execute

    async def counting(self, *args, **kwargs):
        nonlocal trips
        trips += 1
        return await execute(self, *args, **kwargs)

    monkeypatch.setattr(db.SQLiteConnection, "_execute", counting)
    assert await app.dispatcher.feed(message("/help")) != []
    # Nobody else holds the write lock: BEGIN, the claim, the user's query and the commit
    # all run in the loop's thread (tests/test_sqlite_engine.py: when someone does).
    assert trips == 0


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


async def user_row(app: App, external_id: str = "42") -> User:
    async with app.session_factory() as session:
        user = await session.scalar(select(User).where(User.external_id == external_id))
    assert user is not None
    return user


async def mark_unreachable(app: App, external_id: str = "42") -> None:
    async with app.session_factory() as session, session.begin():
        user = await session.scalar(select(User).where(User.external_id == external_id))
        assert user is not None
        user.reachable, user.unreachable_reason = False, "Forbidden: bot was blocked by the user"


async def test_a_person_writing_again_is_reachable_again(app: App) -> None:
    await app.dispatcher.feed(message("/start"))
    await mark_unreachable(app)
    # Blocking the bot (Telegram's my_chat_member "kicked") proves nothing of the kind...
    blocked = message("", kind=EventKind.CONSENT, details=ConsentChange(allowed=False))
    await app.dispatcher.feed(blocked)
    assert not (await user_row(app)).reachable
    # ...a message does: they unblocked the bot and wrote to it.
    await app.dispatcher.feed(message("/help"))
    user = await user_row(app)
    assert user.reachable and user.unreachable_reason is None

    await mark_unreachable(app)
    pressed = message("", kind=EventKind.BUTTON, payload=CommandPayload(name="help").pack())
    await app.dispatcher.feed(pressed)
    assert (await user_row(app)).reachable


async def test_writing_in_private_allows_messages_again(app: App) -> None:
    """VK answered 901 (messages not allowed) to a notification: writing to the community
    is what allows them, so notifications may go again."""
    await app.dispatcher.feed(message("/start"))
    async with app.session_factory() as session, session.begin():
        user = await session.scalar(select(User).where(User.external_id == "42"))
        assert user is not None
        user.messages_allowed = False
    group = Chat(external_id="-100", kind=ChatKind.GROUP, title="СП группа")
    await app.dispatcher.feed(message("/help", chat=group))
    assert not (await user_row(app)).messages_allowed  # a group says nothing of the kind
    await app.dispatcher.feed(message("/help"))
    user = await user_row(app)
    assert user.messages_allowed and user.reachable


async def test_reachable_again_even_when_the_handler_refuses(app: App) -> None:
    await app.dispatcher.feed(message("/start"))
    await mark_unreachable(app)
    [reply] = await app.dispatcher.feed(message("/nosuchcommand"))
    assert "nosuchcommand" in reply.text
    assert (await user_row(app)).reachable


async def test_a_command_in_a_group_does_not_make_anyone_reachable(app: App) -> None:
    await app.dispatcher.feed(message("/start"))
    await mark_unreachable(app)
    group = Chat(external_id="-100", kind=ChatKind.GROUP, title="СП группа")
    await app.dispatcher.feed(message("/help", chat=group))
    assert not (await user_row(app)).reachable


async def test_the_last_seen_time_is_written_on_every_update(app: App, clock) -> None:
    await app.dispatcher.feed(message("/start"))
    first = (await user_row(app)).last_seen_at
    clock.advance(minutes=5)
    await app.dispatcher.feed(message("/help"))
    assert (await user_row(app)).last_seen_at == first + timedelta(minutes=5)


async def test_an_outdated_form_is_cleared_not_stuck(app: App) -> None:
    await app.dispatcher.feed(message("/start"))
    user = await user_row(app)
    async with app.session_factory() as session, session.begin():
        session.add(DialogState(user_id=user.id, dialog="gone_form", step="gone_step", data={}))
    [reply] = await app.dispatcher.feed(message("some answer"))
    assert "устарела" in reply.text
    # The form is gone, so the next message is ordinary text again.
    assert await count(app, DialogState) == 0
    [reply] = await app.dispatcher.feed(message("some answer"))
    assert "устарела" not in reply.text


async def test_a_form_survives_between_updates_and_ends(app: App) -> None:
    [reply] = await app.dispatcher.feed(message("/organizer"))
    assert await count(app, DialogState) == 1
    [reply] = await app.dispatcher.feed(message("Форма Орг"))
    assert "Форма Орг" in reply.text
    assert await count(app, DialogState) == 0
    assert await count(app, Organizer) == 1


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
