"""The VK adapter and transport against the fake VK server, with the real vk_api long poll.

Every conversation test goes through the whole stack: FakeVkServer -> vk_api's Bots Long Poll
in the adapter's thread -> dispatcher and handlers on a real database -> replies sent back
through vk_api to the fake, where the test reads them.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

import pytest
from sqlalchemy import select

from bot.adapters.vk.adapter import VkAdapter, VkPort, run_vk
from bot.adapters.vk.events import (
    INVALID_PAYLOAD,
    button_payload,
    sender_id_of,
    to_incoming,
    vk_start_link,
)
from bot.adapters.vk.session import make_vk_api
from bot.adapters.vk.transport import (
    ClientCaps,
    VkClient,
    VkTransport,
    build_keyboards,
    random_id_for,
    split_text,
)
from bot.app import App
from bot.core.dispatcher import Dispatcher
from bot.core.events import AttachmentKind, ChatKind, ConsentChange, EventKind, PostComment
from bot.core.payloads import CommandPayload, Payload
from bot.core.replies import Button, Document, Photo, Reply
from bot.core.router import Router
from bot.core.transport import (
    MessagesNotAllowed,
    PermanentFailure,
    RecipientUnreachable,
    RetryAfter,
    TemporaryFailure,
)
from bot.settings import load_settings
from handlers import build_router
from storage.models import Community, Organizer, OutboxKind, OutboxMessage, User
from tests.fakes.vk_server import FakeVkServer, SentMessage
from tests.support.drivers import wait_until
from tests.support.vk import CHAT_PEER, FAST, GROUP_ID, TOKEN

SECOND_GROUP = 2002
SECOND_TOKEN = "vk-token-2"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


@dataclass
class Vk:
    server: FakeVkServer
    transport: VkTransport
    adapter: VkAdapter
    app: App

    async def handled(self, count: int = 1) -> None:
        """Wait until `count` more updates went all the way through (replies delivered)."""
        target = self.adapter.handled + count
        await wait_until(lambda: self.adapter.handled >= target)

    async def push(self, count: int, push: Callable[[], Any]) -> list[SentMessage]:
        before = len(self.server.sent)
        target = self.adapter.handled + count
        push()
        await wait_until(lambda: self.adapter.handled >= target)
        return self.server.sent[before:]

    async def say(self, user: int, text: str, **kw: Any) -> list[SentMessage]:
        return await self.push(1, lambda: self.server.message_new(user, text, **kw))

    async def press(self, user: int, payload: Any, **kw: Any) -> list[SentMessage]:
        return await self.push(1, lambda: self.server.message_event(user, payload, **kw))

    async def user(self, external_id: str) -> User | None:
        async with self.app.session_factory() as session:
            return await session.scalar(
                select(User).where(User.platform == "vk", User.external_id == external_id)
            )


async def start_vk(app: App, dispatcher: Dispatcher | None = None) -> AsyncIterator[Vk]:
    async with FakeVkServer(
        group_id=GROUP_ID, token=TOKEN, tokens={SECOND_TOKEN: SECOND_GROUP}
    ) as server:
        server.set_user(42, "Иван", "Петров")
        transport = await VkTransport.connect(
            [TOKEN, SECOND_TOKEN], server.base_url, rate_per_token=FAST
        )
        adapter = VkAdapter(
            dispatcher or app.dispatcher,
            transport,
            wait=1,
            backoff=(0.02, 0.1),
            max_retry_sleep=0.02,
        )
        await adapter.start()
        try:
            yield Vk(server, transport, adapter, app)
        finally:
            # Closing the server first answers the pending long poll at once.
            adapter.request_stop()
            await server.close()
            await adapter.stop(timeout=5)
            await transport.close()


@pytest.fixture
async def vk(app: App) -> AsyncIterator[Vk]:
    """The adapter alone in two communities (this module's own `vk`, not conftest's world)."""
    async for harness in start_vk(app):
        yield harness


def buttons_of(message: SentMessage) -> list[dict[str, Any]]:
    assert message.keyboard is not None, message.text
    return [button["action"] for row in message.keyboard["buttons"] for button in row]


def payload_of(action: dict[str, Any]) -> dict[str, Any]:
    return json.loads(action["payload"])


# --- conversations ----------------------------------------------------------------------------


async def test_start_help_and_words_without_slash(vk: Vk) -> None:
    [welcome] = await vk.say(42, "/start")
    assert welcome.peer_id == 42 and welcome.group_id == GROUP_ID
    assert welcome.text.startswith("Здравствуйте, Иван Петров!")
    *_, help_button = buttons_of(welcome)  # under the main menu
    assert help_button["type"] == "callback" and help_button["label"] == "Помощь"
    assert payload_of(help_button) == {"p": CommandPayload(name="help").pack()}

    [by_command] = await vk.say(42, "/help")
    [by_word] = await vk.say(42, "помощь")
    assert by_command.text.startswith("Что я умею:")
    assert by_word.text == by_command.text

    [stray] = await vk.say(42, "привет")
    assert "Я не понял сообщение" in stray.text

    user = await vk.user("42")
    assert user is not None and user.name == "Иван Петров" and user.bot_key == str(GROUP_ID)


async def test_language_by_callback_button_is_answered(vk: Vk) -> None:
    [choose] = await vk.say(42, "/lang")
    english = next(b for b in buttons_of(choose) if b["label"] == "English")

    [done] = await vk.press(42, payload_of(english))

    assert done.text == "Done: I speak English now."
    [answer] = vk.server.event_answers
    assert (answer.user_id, answer.peer_id) == (42, 42)
    [help_text] = await vk.say(42, "/help")
    assert help_text.text.startswith("What I can do:")


async def test_keyboard_payloads_start_button_and_ref_links(vk: Vk) -> None:
    # Apps without callback buttons send our payload with a message instead.
    [by_text_button] = await vk.say(42, "Помощь", payload={"p": CommandPayload(name="help").pack()})
    assert by_text_button.text.startswith("Что я умею:")

    [started] = await vk.say(42, "Начать", payload={"command": "start"})
    assert started.text.startswith("Здравствуйте")

    def opened_by_link() -> None:
        event = vk.server.message_new(43, "Начать", payload={"command": "start"})
        event["object"]["message"]["ref"] = "zz_unknown"  # vk.me/club1001?ref=zz_unknown

    [link] = await vk.push(1, opened_by_link)
    assert "ссылка не распознана" in link.text
    assert vk_start_link(GROUP_ID, "p_15") == "https://vk.me/club1001?ref=p_15"


async def test_registering_as_organizer_through_a_dialog(vk: Vk) -> None:
    [ask] = await vk.say(42, "/organizer")
    assert "Как вас представить покупателям?" in ask.text
    [refused] = await vk.say(42, "x")
    assert refused.text.startswith("Имя должно быть от 2 до 64 символов")
    [done] = await vk.say(42, "Анна СП")
    assert done.text.startswith("Готово, Анна СП, вы организатор!")

    async with vk.app.session_factory() as session:
        organizers = list(await session.scalars(select(Organizer)))
    assert [o.name for o in organizers] == ["Анна СП"]


async def test_consent_events_toggle_messages_allowed(vk: Vk) -> None:
    assert await vk.push(1, lambda: vk.server.message_deny(42)) == []
    user = await vk.user("42")
    assert user is not None and user.messages_allowed is False
    assert await vk.transport.messages_allowed("42") is False

    assert await vk.push(1, lambda: vk.server.message_allow(42, key="promo")) == []
    user = await vk.user("42")
    assert user is not None and user.messages_allowed is True
    assert await vk.transport.messages_allowed(42, bot_key=str(GROUP_ID)) is True


async def test_group_chat_answers_only_what_is_addressed_to_the_bot(vk: Vk) -> None:
    assert await vk.say(42, "всем привет", peer_id=CHAT_PEER) == []
    assert await vk.say(42, "[club777|@other] /help", peer_id=CHAT_PEER) == []
    [mentioned] = await vk.say(42, "[club1001|@sp_bot] помощь", peer_id=CHAT_PEER)
    [slashed] = await vk.say(42, "/help", peer_id=CHAT_PEER)
    assert mentioned.peer_id == CHAT_PEER and mentioned.text.startswith("Что я умею")
    assert slashed.text == mentioned.text


async def test_two_communities_answer_through_their_own_token(vk: Vk) -> None:
    [reply] = await vk.push(1, lambda: vk.server.message_new(55, "/help", group_id=SECOND_GROUP))
    assert reply.group_id == SECOND_GROUP
    assert vk.server.calls_of("messages.send")[-1]["access_token"] == SECOND_TOKEN
    user = await vk.user("55")
    assert user is not None and user.bot_key == str(SECOND_GROUP)


async def test_wall_comments_and_unknown_events_do_not_disturb(vk: Vk) -> None:
    assert await vk.push(1, lambda: vk.server.wall_reply_new(42, post_id=10, text="2 шт")) == []
    vk.server.group_join(42)  # not handled: never reaches the dispatcher
    vk.server.wall_reply_new(-GROUP_ID, post_id=10, text="our own reply")
    [reply] = await vk.say(42, "/help")
    assert reply.text.startswith("Что я умею")


async def test_the_bot_added_to_a_conversation_becomes_a_community(vk: Vk) -> None:
    def invited() -> None:
        event = vk.server.message_new(42, "", peer_id=CHAT_PEER)
        event["object"]["message"]["action"] = {"type": "chat_invite_user", "member_id": -GROUP_ID}

    await vk.push(1, invited)
    async with vk.app.session_factory() as session:
        communities = list(await session.scalars(select(Community).order_by(Community.id)))
    # The communities the two tokens run as are recorded when the adapter starts.
    own = [(c.external_id, c.kind) for c in communities[:2]]
    assert own == [(str(GROUP_ID), "community"), (str(SECOND_GROUP), "community")]
    [community] = communities[2:]
    assert (community.platform, community.external_id) == ("vk", str(CHAT_PEER))


async def test_the_community_port(vk: Vk) -> None:
    port = vk.adapter.port_for(vk.transport.default)
    assert port.start_link("p_7") == "https://vk.me/club1001?ref=p_7"

    vk.server.set_members([42, 43, 44], managers={42: "administrator", 43: "editor"})
    assert await port.is_chat_admin(str(GROUP_ID), "42") is True
    assert await port.is_chat_admin(str(-GROUP_ID), "42") is True
    assert await port.is_chat_admin(str(GROUP_ID), "43") is False
    assert await port.is_chat_admin("777", "42") is False
    assert await port.is_chat_admin("not-a-chat", "42") is False

    card = Reply("Закупка", [[Button("Заказать", url=port.start_link("p_7"))]])
    with pytest.raises(RecipientUnreachable):  # VK: wall.post needs a user token
        await port.post(str(GROUP_ID), card)
    message_id = await port.post(str(CHAT_PEER), card)
    # VK's message id in a conversation is 0 for a community; its conversation id is not.
    second_id = await port.post(str(CHAT_PEER), card)
    first, second = vk.server.sent_to(CHAT_PEER)
    assert buttons_of(first)[0]["link"] == "https://vk.me/club1001?ref=p_7"
    assert message_id == str(first.conversation_message_id)
    assert second_id == str(second.conversation_message_id) != message_id

    comment = to_incoming(vk.server.wall_reply_new(42, 10, "2 шт", 5), GROUP_ID)
    assert comment is not None and comment.detail(PostComment) is not None
    assert comment.detail(PostComment).community_id == str(GROUP_ID)


async def test_wall_posts_where_vk_allows_them() -> None:
    async with FakeVkServer(group_id=GROUP_ID, token=TOKEN, group_wall_post=True) as server:
        transport = await VkTransport.connect([TOKEN], server.base_url, rate_per_token=FAST)
        port = VkPort(transport, transport.default)
        card = Reply("Закупка", [[Button("Заказать", url=port.start_link("p_7"))]])
        post_id = await port.post(str(GROUP_ID), card)
        await transport.close()
    [post] = server.posts
    assert str(post.post_id) == post_id and post.owner_id == -GROUP_ID
    assert post.text == "Закупка\n\nЗаказать: https://vk.me/club1001?ref=p_7"


async def test_one_persons_updates_in_order_others_alongside(vk: Vk) -> None:
    def burst() -> None:
        for text in ("/organizer", "Анна СП", "/help"):
            vk.server.message_new(42, text)
        vk.server.message_new(43, "/help")

    await vk.push(4, burst)
    texts = [m.text for m in vk.server.sent_to(42)]
    assert "Как вас представить покупателям?" in texts[0]
    assert texts[1].startswith("Готово, Анна СП")
    assert texts[2].startswith("Что я умею")
    assert len(vk.server.sent_to(43)) == 1


async def test_run_vk_with_the_settings(app: App) -> None:
    async with FakeVkServer(group_id=GROUP_ID, token=TOKEN) as server:
        settings = load_settings(
            database_url=app.settings.database_url,
            vk_tokens=TOKEN,
            vk_api_url=server.base_url,
            vk_rate_per_token=FAST,
        )
        running = asyncio.create_task(run_vk(replace(app, settings=settings), wait=1))
        server.message_new(42, "/help")
        [reply] = await server.wait_for_sent(1)
        assert reply.text.startswith("Что я умею")
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running


# --- delivery guarantees ----------------------------------------------------------------------


async def test_long_poll_failures_lose_and_repeat_nothing(vk: Vk) -> None:
    def key_requests() -> int:
        calls = vk.server.calls_of("groups.getLongPollServer")
        return sum(call["group_id"] == str(GROUP_ID) for call in calls)

    await vk.say(42, "/help")  # the long poll is up
    keys_before = key_requests()
    users = iter(range(100, 200))
    for failure in (1, 2, 3):
        before = [next(users) for _ in range(2)]
        await vk.push(2, lambda b=before: [vk.server.message_new(u, "/help") for u in b])

        checks = vk.server.longpoll_checks
        vk.server.longpoll_fail(failure)
        await wait_until(lambda c=checks: vk.server.longpoll_checks > c)  # polling again

        after = [next(users) for _ in range(3)]
        await vk.push(3, lambda a=after: [vk.server.message_new(u, "/help") for u in a])
        for user in before + after:
            assert len(vk.server.sent_to(user)) == 1, (failure, user)

    assert key_requests() == keys_before + 2  # failed 2 and 3 need a new key, 1 does not
    assert vk.adapter.handled == 16


async def test_long_poll_http_errors_are_survived(vk: Vk) -> None:
    vk.server.longpoll_http_error(502, times=3)
    [reply] = await vk.say(42, "/help")
    assert reply.text.startswith("Что я умею")


async def test_a_redelivered_event_is_handled_once(vk: Vk) -> None:
    def twice() -> None:
        first = vk.server.message_new(42, "/organizer Дубль СП")
        again = vk.server.push_event("message_new", first["object"])
        again["event_id"] = first["event_id"]  # the same update delivered a second time

    sent = await vk.push(2, twice)
    assert len(sent) == 1 and "Дубль СП" in sent[0].text

    def pressed_twice() -> None:
        first = vk.server.message_event(42, {"p": CommandPayload(name="help").pack()})
        again = vk.server.push_event("message_event", first["object"])
        again["event_id"] = first["event_id"]

    sent = await vk.push(2, pressed_twice)
    assert len(sent) == 1
    assert len(vk.server.event_answers) == 2  # both presses stop spinning
    async with vk.app.session_factory() as session:
        assert len(list(await session.scalars(select(Organizer)))) == 1


@pytest.mark.parametrize(
    "payload",
    [
        "not json at all",
        '"a json string"',
        "[1, 2]",
        '{"x": 1}',
        '{"p": 5}',
        json.dumps({"p": "cmd:help:" + "x" * 300}),
        "{" * 5000,
        '{"p": "zzz:1"}',
    ],
)
async def test_forged_message_payloads_are_outdated_buttons(vk: Vk, payload: str) -> None:
    [reply] = await vk.say(42, "Кнопка", payload=payload)
    assert "кнопка устарела" in reply.text


@pytest.mark.parametrize(
    "payload",
    [{"p": ["cmd:help:"]}, {"q": "cmd:help:"}, {"p": "lang:xx"}, {"p": "я" * 40}],
)
async def test_forged_callback_payloads_are_answered_and_refused(
    vk: Vk, payload: dict[str, Any]
) -> None:
    [reply] = await vk.press(42, payload)
    assert "кнопка устарела" in reply.text
    assert len(vk.server.event_answers) == 1


async def test_long_texts_in_and_out(vk: Vk) -> None:
    [refused] = await vk.say(42, "я" * 5000)
    assert "слишком длинное" in refused.text

    lines = "\n".join(f"строка {n}: " + "текст " * 12 for n in range(110))
    assert len(lines) > 2 * 4096
    await vk.transport.send("42", Reply(lines, [[Button("OK", "cmd:help:")]]), message_key="m1")
    parts = [m for m in vk.server.sent_to(42) if m.text != refused.text]
    assert len(parts) == 3 and all(len(m.text) <= 4096 for m in parts)
    assert "\n".join(m.text for m in parts) == lines
    assert [m.keyboard is not None for m in parts] == [False, False, True]

    unbroken = "ж" * 9000
    await vk.transport.send("42", Reply(unbroken), message_key="m2")
    assert "".join(m.text for m in vk.server.sent[-3:]) == unbroken


async def test_failing_sends_of_replies_never_crash_the_adapter(vk: Vk) -> None:
    vk.server.fail_next("messages.send", 901)  # the person forbade messages: nothing to do
    assert await vk.say(42, "/help") == []

    vk.server.fail_next("messages.send", 10)  # a VK hiccup: retried with the same random_id
    vk.server.http_error_next("messages.send", 500)
    [retried] = await vk.say(42, "/help")
    assert retried.text.startswith("Что я умею")
    random_ids = {p["random_id"] for p in vk.server.calls_of("messages.send")[-3:]}
    assert len(random_ids) == 1

    vk.server.fail_next("messages.send", 6, times=3)  # VK keeps refusing: left to the outbox
    assert await vk.say(42, "/help") == []
    async with vk.app.session_factory() as session:
        [queued] = list(await session.scalars(select(OutboxMessage)))
    assert (queued.platform, queued.bot_key, queued.chat_id) == ("vk", str(GROUP_ID), "42")
    assert queued.kind is OutboxKind.ANSWER and queued.body["text"].startswith("Что я умею")

    [still_fine] = await vk.say(42, "/help")
    assert still_fine.text.startswith("Что я умею")


# --- editing the pressed message --------------------------------------------------------------


class PageTurn(Payload, prefix="vkte"):
    page: int
    size: Literal["short", "long"] = "short"


def editing_dispatcher(app: App) -> Dispatcher:
    router = Router("vk-test")

    @router.button(PageTurn)
    async def turn(ctx: Any, data: PageTurn) -> None:
        text = f"Страница {data.page}" if data.size == "short" else "д" * 5000
        more = Button("Дальше", PageTurn(page=data.page + 1).pack())
        ctx.answer(text, [[more]], edit=True)

    root = build_router().include(router)
    base = app.dispatcher
    return Dispatcher(
        root,
        base.session_factory,
        base.settings,
        base.texts,
    )


@pytest.fixture
async def vk_editing(app: App) -> AsyncIterator[Vk]:
    dispatcher = editing_dispatcher(app)
    async for harness in start_vk(app, dispatcher):
        yield harness
    await dispatcher.close()


async def test_button_replies_edit_the_pressed_message(vk_editing: Vk) -> None:
    vk = vk_editing
    first = PageTurn(page=1).pack()
    await vk.transport.send("42", Reply("Страница 0", [[Button("Дальше", first)]]))
    [menu] = vk.server.sent

    assert await vk.press(42, {"p": first}) == []
    [edit] = vk.server.edits
    assert edit.conversation_message_id == menu.conversation_message_id
    assert edit.text == "Страница 1"
    assert payload_of(edit.keyboard["buttons"][0][0]["action"]) == {"p": PageTurn(page=2).pack()}

    vk.server.fail_next("messages.edit", 100)  # e.g. too old to edit: a new message instead
    [fresh] = await vk.press(42, {"p": PageTurn(page=2).pack()})
    assert fresh.text == "Страница 2"

    too_long = await vk.press(42, {"p": PageTurn(page=3, size="long").pack()})
    assert len(too_long) == 2 and len(vk.server.edits) == 1
    assert len(vk.server.event_answers) == 3


# --- the transport ----------------------------------------------------------------------------


@pytest.fixture
async def server() -> AsyncIterator[FakeVkServer]:
    async with FakeVkServer(group_id=GROUP_ID, token=TOKEN) as fake:
        yield fake


@pytest.fixture
async def transport(server: FakeVkServer) -> AsyncIterator[VkTransport]:
    vk_transport = await VkTransport.connect([TOKEN], server.base_url, rate_per_token=FAST)
    yield vk_transport
    await vk_transport.close()


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (6, RetryAfter),
        (9, RetryAfter),
        (901, MessagesNotAllowed),
        (902, RecipientUnreachable),
        (7, RecipientUnreachable),
        (18, RecipientUnreachable),
        (914, PermanentFailure),
        (911, PermanentFailure),
        (100, PermanentFailure),
        (10, TemporaryFailure),
    ],
)
async def test_vk_errors_map_to_delivery_errors(
    server: FakeVkServer, transport: VkTransport, code: int, error: type[Exception]
) -> None:
    server.fail_next("messages.send", code)
    with pytest.raises(error) as raised:
        await transport.send("42", Reply("x"))
    assert f"VK error {code}" in str(raised.value)
    if isinstance(raised.value, RetryAfter):
        assert 0.5 <= raised.value.seconds <= 10


async def test_http_and_network_failures_are_temporary(
    server: FakeVkServer, transport: VkTransport
) -> None:
    server.http_error_next("messages.send", 500)
    with pytest.raises(TemporaryFailure):
        await transport.send("42", Reply("x"))

    nowhere = VkClient(make_vk_api(TOKEN, "http://127.0.0.1:9", timeout=2), GROUP_ID)
    offline = VkTransport([nowhere])
    with pytest.raises(TemporaryFailure):
        await offline.send("42", Reply("x"))
    await offline.close()

    with pytest.raises(PermanentFailure):
        await transport.send("not-a-peer", Reply("x"))
    with pytest.raises(PermanentFailure):
        await transport.send("42", Reply("x"), bot_key="999")


async def test_send_many_uses_100_peers_per_call_and_reports_each(
    server: FakeVkServer, transport: VkTransport
) -> None:
    server.set_messages_allowed(7, False)
    peers = [str(n) for n in range(1, 251)]

    results = await transport.send_many([*peers, "abc"], Reply("Сбор открыт"), message_key="b1")

    assert len(server.calls_of("messages.send")) == 3
    assert [len(c["peer_ids"].split(",")) for c in server.calls_of("messages.send")] == [
        100,
        100,
        50,
    ]
    assert isinstance(results.pop("7"), RecipientUnreachable)
    assert isinstance(results.pop("abc"), PermanentFailure)
    assert set(results) == set(peers) - {"7"} and all(v is None for v in results.values())
    assert len(server.sent) == 249

    again = await transport.send_many(peers, Reply("Сбор открыт"), message_key="b1")
    assert len(server.sent) == 249  # the same random_id: VK does not deliver twice
    assert sum(v is None for v in again.values()) == 249


async def test_send_many_whole_call_failures(
    server: FakeVkServer, transport: VkTransport, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.fail_next("messages.send", 6)
    with pytest.raises(RetryAfter):  # nothing went out: the whole call is to be retried
        await transport.send_many(["1", "2"], Reply("x"))

    client = transport.default
    real_call = client.call
    sends = 0

    async def second_batch_refused(method: str, **params: Any) -> Any:
        nonlocal sends
        if method == "messages.send":
            sends += 1
            if sends == 2:
                raise RetryAfter(1.0)
        return await real_call(method, **params)

    monkeypatch.setattr(client, "call", second_batch_refused)
    peers = [str(n) for n in range(1, 151)]
    results = await transport.send_many(peers, Reply("y"), message_key="b2")

    assert [results[p] for p in peers[:100]] == [None] * 100
    assert all(isinstance(results[p], RetryAfter) for p in peers[100:])
    assert len(server.sent) == 100


async def test_retry_with_the_same_key_is_deduplicated(
    server: FakeVkServer, transport: VkTransport
) -> None:
    first = await transport.send("42", Reply("Напоминание"), message_key="outbox:17")
    again = await transport.send("42", Reply("Напоминание"), message_key="outbox:17")
    other = await transport.send("42", Reply("Напоминание"), message_key="outbox:18")
    assert first == again != other
    assert len(server.sent) == 2


async def test_keyboards_fit_vk_limits(server: FakeVkServer, transport: VkTransport) -> None:
    rows = [[Button(f"Товар {r}-{c}", f"cmd:help:{r}{c}") for c in range(7)] for r in range(3)]
    rows.append([Button("Очень длинное название кнопки, которое не влезет в лимит", "cmd:help:")])
    rows.append([Button("Сайт", url="https://example.org")])

    await transport.send("42", Reply("Каталог", rows))

    messages = server.sent_to(42)
    assert messages[0].text == "Каталог" and len(messages) == 3
    actions = [a for m in messages for a in buttons_of(m)]
    assert len(actions) == 23
    for message in messages:
        keyboard = message.keyboard
        assert keyboard is not None and keyboard["inline"] is True
        assert len(keyboard["buttons"]) <= 6
        assert sum(len(row) for row in keyboard["buttons"]) <= 10
        assert all(len(row) <= 5 for row in keyboard["buttons"])
    long_label = next(a["label"] for a in actions if a["label"].startswith("Очень"))
    assert len(long_label) == 40 and long_label.endswith("…")
    link = next(a for a in actions if a["type"] == "open_link")
    assert link["link"] == "https://example.org"

    transport.remember_client(43, {"button_actions": ["text"], "inline_keyboard": True})
    await transport.send("43", Reply("Меню", [[Button("Помощь", "cmd:help:")]]))
    assert buttons_of(server.sent_to(43)[0])[0]["type"] == "text"


async def test_photos_and_documents(server: FakeVkServer, transport: VkTransport) -> None:
    await transport.send("42", Reply("Фото", photo=Photo(content=PNG)))
    await transport.send("42", Reply("Ещё раз", photo=Photo(content=PNG)))
    [upload] = server.uploads  # the second send reused the uploaded photo
    assert upload.data == PNG
    assert [m.attachment for m in server.sent] == [upload.attachment, upload.attachment]

    known = Photo(file_id="photo-1001_5_abc", platform="vk")
    await transport.send("42", Reply("Известное", photo=known))
    assert server.sent[-1].attachment == "photo-1001_5_abc"

    foreign = Photo(file_id="AgACAgIAAxkBAAIB", platform="telegram")
    await transport.send("42", Reply("Без фото", photo=foreign))
    assert server.sent[-1].attachment is None and server.sent[-1].text == "Без фото"

    document = Document("orders.csv", b"a;b\n1;2\n", "text/csv")
    await transport.send("42", Reply("Выгрузка", document=document))
    assert server.calls_of("docs.getMessagesUploadServer")[-1]["peer_id"] == "42"
    assert server.uploads[-1].data == b"a;b\n1;2\n"
    assert server.sent[-1].attachment == server.uploads[-1].attachment


async def test_adapter_stops_cleanly(app: App) -> None:
    def polling_threads() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name.startswith("vk-longpoll-")]

    async for harness in start_vk(app):
        pollers = list(harness.adapter._pollers)
        # Each community is polled once its lease is taken.
        await wait_until(lambda: len(polling_threads()) == 2)
        threads = polling_threads()
        assert pollers and not any(p.done() for p in pollers)
    # A stop does not wait for the check under way (its batch, not kept, is asked for again).
    assert all(p.done() for p in pollers)
    for thread in threads:  # the check under way was answered when the server closed
        thread.join(5)
        assert not thread.is_alive()


# --- pure pieces ------------------------------------------------------------------------------


def test_update_shapes() -> None:
    server = FakeVkServer(group_id=GROUP_ID, token=TOKEN)
    photo = {"type": "photo", "photo": {"id": 5, "owner_id": 42, "access_key": "k"}}
    doc = {
        "type": "doc",
        "doc": {"id": 6, "owner_id": 42, "title": "чек.pdf", "ext": "pdf", "size": 10},
    }
    raw = server.message_new(42, "чек", attachments=[photo, doc, {"type": "sticker"}])
    raw["object"]["client_info"]["lang_id"] = 3
    incoming = to_incoming(raw, GROUP_ID, name="Иван")
    assert incoming is not None
    assert (incoming.platform, incoming.bot_key, incoming.update_id) == (
        "vk",
        "1001",
        raw["event_id"],
    )
    assert incoming.sender.language_code == "en" and incoming.sender.name == "Иван"
    assert incoming.bare_commands and incoming.command is None
    kinds = [(a.kind, a.file_id) for a in incoming.attachments]
    assert kinds == [
        (AttachmentKind.PHOTO, "photo42_5_k"),
        (AttachmentKind.DOCUMENT, "doc42_6"),
        (AttachmentKind.OTHER, "sticker"),
    ]
    assert incoming.attachments[1].mime_type == "application/pdf"

    slashed = to_incoming(server.message_new(42, "/lang en"), GROUP_ID)
    assert slashed is not None and (slashed.command, slashed.args) == ("lang", "en")
    assert not slashed.bare_commands

    event = to_incoming(server.message_event(42, {"p": "lang:en"}), GROUP_ID)
    assert event is not None and event.kind is EventKind.BUTTON and event.payload == "lang:en"

    chat = to_incoming(server.message_new(42, "/help", peer_id=CHAT_PEER), GROUP_ID)
    assert chat is not None and chat.chat.kind is ChatKind.GROUP

    comment = to_incoming(server.wall_reply_new(42, 10, "2 шт, размер 44", 77), GROUP_ID)
    assert comment is not None and comment.kind is EventKind.COMMENT
    assert comment.details == PostComment(str(GROUP_ID), "10", f"{-GROUP_ID}:77")
    assert comment.text == "2 шт, размер 44"
    assert comment.chat.external_id == "42"

    consent = to_incoming(server.message_deny(42), GROUP_ID)
    assert consent is not None and consent.details == ConsentChange(allowed=False)

    assert sender_id_of(server.group_join(42)) is None
    assert sender_id_of(server.wall_reply_new(-GROUP_ID, 10, "our reply")) is None
    assert sender_id_of({"type": "message_new", "object": "garbage"}) is None
    assert to_incoming({"type": "message_new", "object": {"message": []}}, GROUP_ID) is None


def test_button_payloads_and_helpers() -> None:
    assert button_payload('{"p": "lang:en"}') == "lang:en"
    assert button_payload({"p": "lang:en"}) == "lang:en"
    for forged in ("", "null", "{", '{"p": null}', {"p": 1}, ["p"], None, {"p": "x" * 65}):
        assert button_payload(forged) == INVALID_PAYLOAD

    assert random_id_for("1001", 42, "k", 0) == random_id_for("1001", 42, "k", 0)
    assert random_id_for("1001", 42, "k", 0) != random_id_for("1001", 42, "k", 1)
    assert all(random_id_for(n) != 0 and abs(random_id_for(n)) < 2**31 for n in range(2000))

    assert split_text("short") == ["short"]
    assert split_text("") == [""]
    assert split_text("ab cd", limit=3) == ["ab", "cd"]

    assert build_keyboards([]) == []
    plain = build_keyboards(
        [[Button(str(n), "cmd:help:")] for n in range(50)],
        ClientCaps(inline_keyboard=False, callback=False),
    )
    [keyboard] = [json.loads(k) for k in plain]
    assert keyboard["inline"] is False and len(keyboard["buttons"]) == 10
