"""Invites through the console: the link and ready text, friends counted once and refused
for every reason, the threshold reached by two friends at once giving one code, qualifying
actions, bursts flagged for the admin who credits or voids by hand, top inviters and stats."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from bot.services.referrals import PROMO_ERRORS, on_qualifying_action
from bot.texts import LANGUAGES, Texts
from domain.clock import FrozenClock
from domain.money import ErrorReason
from domain.referrals import (
    BURST_SIZE,
    Arrival,
    InviteStatus,
    QualifyingAction,
    RefusalReason,
    burst_flags,
    decide_arrival,
    satisfies,
)
from handlers.admin.round_views import STEPS, InviteCredit, InviteVoid, RoundFlagged, RoundTop
from handlers.buyer.referrals import FriendsPage, PromoApply
from storage.models import OutboxMessage, PromoCode, RoundStatus, User
from storage.uow import UnitOfWork
from tests.support.drivers import ConsoleSession, console_message
from tests.support.queries import count
from tests.support.referrals import (
    all_invites,
    codes,
    get_user,
    invite_link_of,
    make_round,
    open_round,
    scheduler,
    token_of,
)


async def qualify(app: App, name: str, action: str, clock: FrozenClock) -> None:
    async with app.session_factory() as session, session.begin():
        uow = UnitOfWork(session)
        user = await uow.users.find("console", name)
        assert user is not None
        await on_qualifying_action(uow, user, action, clock(), texts=app.texts)


# --- pure rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arrival", "expected"),
    [
        (Arrival(False, True, False, True), (InviteStatus.COUNTED, None)),
        (
            Arrival(False, True, False, True, QualifyingAction.FIRST_ORDER),
            (InviteStatus.WAITING, None),
        ),
        (Arrival(True, True, False, False), (InviteStatus.REFUSED, RefusalReason.SELF_INVITE)),
        (Arrival(False, False, False, True), (InviteStatus.REFUSED, RefusalReason.NO_OPEN_ROUND)),
        (Arrival(False, True, True, False), (InviteStatus.REFUSED, RefusalReason.ALREADY_INVITED)),
        (Arrival(False, True, False, False), (InviteStatus.REFUSED, RefusalReason.NOT_NEW)),
    ],
)
def test_arrival_decisions(arrival: Arrival, expected: tuple) -> None:
    assert decide_arrival(arrival) == expected


def test_qualifying_actions_and_bursts() -> None:
    assert satisfies("first_order", "first_order")
    assert satisfies("first_order", "first_payment")  # nobody pays without an order
    assert not satisfies("first_payment", "first_order")
    assert satisfies("none", "first_order")
    assert burst_flags(BURST_SIZE - 1) == (False, False)
    assert burst_flags(BURST_SIZE) == (True, True)
    assert burst_flags(BURST_SIZE + 1) == (True, False)


# --- /invite ----------------------------------------------------------------------------------


async def test_invite_between_rounds_says_when_the_next_opens(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    out = await console.say("/invite")
    assert "следующий пока не запланирован" in out
    await make_round(app, clock, starts_in=timedelta(days=2))
    out = await console.say("/invite")
    assert "Следующий откроется 25.11.2026 12:00 (МСК)" in out
    assert "пригласите 3 друга — скидка 399\u00a0₽ на заказ от 400\u00a0₽" in out
    async with app.session_factory() as session:
        user = await session.scalar(select(User).where(User.external_id == "buyer"))
    assert user is not None and user.invite_token is None  # no link while no round runs


async def test_invite_gives_a_link_a_forwardable_text_and_progress(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    await open_round(app, clock, action="first_order")
    out = await console.say(":as anna", "/invite")
    token = await token_of(app, "anna")
    assert re.fullmatch(r"[A-Za-z0-9_-]{12}", token)
    assert "Пригласите 3 друга и получите личный промокод" in out
    assert "и делает первый заказ" in out
    assert "Прогресс: 0 из 3 друзей." in out
    assert f"Ваша ссылка: /start inv_{token}" in out
    # The ready text is a message of its own, so it can be forwarded as it is.
    assert "bot: Привет! Я заказываю в совместных покупках" in out
    assert out.count(f"/start inv_{token}") == 2
    again = await console.say("/invite")
    assert await token_of(app, "anna") == token and f"inv_{token}" in again

    await console.say(":as friend1", f"/start inv_{token}")
    out = await console.say(":as anna", "/invite")
    assert "Прогресс: 0 из 3 друзей." in out and "Ещё ждём действия от 1 друга." in out


class LinkPort:
    """What a platform adapter hands over with each update (see bot.core.ports)."""

    platform = "telegram"

    async def is_chat_admin(self, chat_id: str, user_external_id: str) -> bool:
        return False

    async def post(self, chat_id: str, reply: Any) -> str:
        raise NotImplementedError

    def start_link(self, payload: str) -> str:
        return f"https://t.me/sp_bot?start={payload}"


async def test_on_a_platform_the_invite_is_a_real_link(app: App, clock: FrozenClock) -> None:
    await open_round(app, clock)
    event = replace(console_message("anna", "/invite"), port=LinkPort())
    first, forward = await app.dispatcher.feed(event)
    token = await token_of(app, "anna")
    assert f"Ваша ссылка: https://t.me/sp_bot?start=inv_{token}" in first.text
    assert forward.text.endswith(f"https://t.me/sp_bot?start=inv_{token}")


async def test_friends_count_once_and_are_refused_for_each_reason(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    await console.say(":as oldtimer", "/start")  # used the bot before any link
    round_id = await open_round(app, clock)
    link = await invite_link_of(console, app, "anna")
    other_link = await invite_link_of(console, app, "boris")

    out = await console.say(":as friend1", link)
    assert "Вы пришли по приглашению друга" in out
    assert "📨 to anna: 🎉 Ваш друг засчитан: 1 из 3 друзей." in out

    out = await console.say(":as anna", link)
    assert "Это ваша собственная ссылка-приглашение" in out
    out = await console.say(":as oldtimer", link)
    assert "Вы уже пользуетесь ботом, поэтому приглашение не засчитывается" in out
    out = await console.say(":as friend1", other_link)  # one inviter per friend, ever
    assert "приглашение не засчитывается" in out
    out = await console.say(":as friend1", link)  # the same friend twice: the first stands
    assert "Вы уже пришли по этой ссылке-приглашению, и приглашение уже засчитано" in out
    await console.say(":as friend1", link)  # and again: no pile of rows

    out = await console.say(":as stranger", "/start inv_NoSuchToken00")
    assert "Эта ссылка-приглашение не распознана" in out and "Что я умею" in out

    invites = await all_invites(app)
    summary = [(i.status, i.refusal_reason) for i in invites]
    assert summary == [
        (InviteStatus.COUNTED, None),
        (InviteStatus.REFUSED, "self"),
        (InviteStatus.REFUSED, "not_new"),
        (InviteStatus.REFUSED, "already_invited"),  # boris's link: one inviter per friend
    ]
    assert all(i.round_id == round_id for i in invites)

    # After the round: a brand-new person is welcomed, and the link does not count.
    clock.advance(days=8)
    await scheduler(app, clock).run_due()
    out = await console.say(":as latecomer", link)
    assert "Здравствуйте, latecomer!" in out and "раунд дружеских скидок не идёт" in out
    late = (await all_invites(app))[-1]
    assert (late.status, late.refusal_reason, late.round_id) == (
        InviteStatus.REFUSED,
        "no_round",
        None,
    )

    out = await console.say(":as anna", "/start")
    out = await console.say("/invite")
    assert "раунд дружеских скидок не идёт" in out
    out = await console.press_payload(FriendsPage(page=0))
    assert "✅ friend1 — засчитан" in out
    assert "❌ anna — не засчитан: это ваша собственная ссылка" in out
    assert "❌ oldtimer — не засчитан: уже пользовался ботом до приглашения" in out
    # Opening anna's link again did not add friend1 a second time, as a refusal.
    assert out.count("friend1") == 1
    assert "❌ latecomer — не засчитан: раунд в это время не шёл" in out
    assert await count(app, PromoCode) == 0


async def test_two_friends_at_once_for_the_last_place_give_one_code(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    await open_round(app, clock, threshold=3)
    link = await invite_link_of(console, app, "anna")
    await console.say(":as friend1", link)
    results = await asyncio.gather(
        app.dispatcher.feed(console_message("friend2", link)),
        app.dispatcher.feed(console_message("friend3", link)),
    )
    assert all("Вы пришли по приглашению друга" in r[0].text for r in results)
    invites = await all_invites(app)
    assert [i.status for i in invites] == [InviteStatus.COUNTED] * 3
    [code] = await codes(app)
    anna = await get_user(app, "anna")
    assert code.owner_id == anna.id and re.fullmatch(r"[2-9CDFGHJKMNPRTVWX]{9}", code.code)
    issued = await count(app, OutboxMessage, OutboxMessage.dedup_key.like("ref-code:%"))
    assert issued == 1

    # Many at once for one inviter: still exactly one code for them.
    boris_link = await invite_link_of(console, app, "boris")
    await asyncio.gather(
        *(app.dispatcher.feed(console_message(f"crowd{n}", boris_link)) for n in range(6))
    )
    boris = await get_user(app, "boris")
    assert sum(c.owner_id == boris.id for c in await codes(app)) == 1
    crowd = [i for i in await all_invites(app) if i.inviter_id == boris.id]
    assert len(crowd) == 6 and all(i.status is InviteStatus.COUNTED for i in crowd)

    # A fourth friend still counts, but nobody gets a second code in the round.
    await console.say(":as friend4", link)
    assert [c.owner_id for c in await codes(app)] == [anna.id, boris.id]
    out = await console.say(":as anna", "/invite")
    assert "Прогресс: 4 из 3 друзей." in out and f"Ваш промокод: {code.code}" in out


async def test_a_friend_counts_after_the_qualifying_action(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    await open_round(app, clock, threshold=2, action="first_payment")
    link = await invite_link_of(console, app, "anna")
    out = await console.say(":as friend1", link)
    assert "засчитается, когда организатор подтвердит вашу первую оплату" in out
    await console.say(":as friend2", link)
    assert [i.status for i in await all_invites(app)] == [InviteStatus.WAITING] * 2

    await qualify(app, "friend1", "first_order", clock)  # not what this round asks for
    assert [i.status for i in await all_invites(app)] == [InviteStatus.WAITING] * 2
    await qualify(app, "friend1", "first_payment", clock)
    await qualify(app, "friend1", "first_payment", clock)  # a second payment changes nothing
    out = await console.say(":as anna", "/invite")
    assert "Прогресс: 1 из 2 друзей." in out and "Ещё ждём действия от 1 друга." in out
    out = await console.press_payload(FriendsPage(page=0))
    assert "⏳ friend2 — ждём первой подтверждённой оплаты" in out
    assert "✅ friend1 — засчитан" in out

    await qualify(app, "friend2", "first_payment", clock)
    [code] = await codes(app)
    assert code.owner_id == (await get_user(app, "anna")).id


async def test_waiting_friends_are_refused_when_the_round_closes(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    await open_round(app, clock, action="first_order", length=timedelta(days=1))
    link = await invite_link_of(console, app, "anna")
    await console.say(":as friend1", link)
    clock.advance(days=1, minutes=1)
    await qualify(app, "friend1", "first_order", clock)  # too late: the round is over
    assert await scheduler(app, clock).run_due() == 1
    [invite] = await all_invites(app)
    assert (invite.status, invite.refusal_reason) == (InviteStatus.REFUSED, "round_ended")
    await console.say(":as anna")
    out = await console.press_payload(FriendsPage(page=0))
    assert "не успел сделать нужное до конца раунда" in out


async def test_bursts_are_flagged_and_the_admin_credits_or_voids_by_hand(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    round_id = await open_round(app, clock, threshold=10)
    link = await invite_link_of(console, app, "farmer")
    for n in range(BURST_SIZE - 1):
        await console.say(f":as bot{n}", link)
        clock.advance(minutes=1)
    assert not any(i.flagged for i in await all_invites(app))
    await console.say(f":as bot{BURST_SIZE - 1}", link)
    invites = await all_invites(app)
    assert all(i.flagged for i in invites)
    assert all(i.status is InviteStatus.COUNTED for i in invites)  # flagged, not blocked

    # A flagged friend who places an order is no longer suspicious.
    await qualify(app, "bot0", "first_order", clock)
    invites = await all_invites(app)
    assert [i.flagged for i in invites] == [False] + [True] * (BURST_SIZE - 1)

    out = await console.say(":as admin", f"/rounds {round_id}")
    assert f"под флагом: {BURST_SIZE - 1}" in out
    out = await console.press_payload(RoundFlagged(round_id=round_id))
    assert "Под флагом в раунде №1" in out
    assert f"farmer → №{invites[1].id} ✅ bot1 — засчитан ⚠️" in out

    out = await console.say(f"/rounds credit {invites[1].id}")
    assert f"Приглашение №{invites[1].id} уже засчитано; флаг снят." in out
    out = await console.press_payload(InviteVoid(invite_id=invites[2].id))
    assert f"Приглашение №{invites[2].id} аннулировано." in out
    out = await console.say(f"/rounds void {invites[2].id}")
    assert "и так не засчитано" in out
    out = await console.press_payload(InviteCredit(invite_id=invites[2].id))
    assert f"Приглашение №{invites[2].id} засчитано." in out
    out = await console.say(f"/rounds void {invites[3].id}", "/rounds void 99999", "/rounds void x")
    assert "аннулировано" in out and "Приглашения №99999 нет." in out
    assert "«x» — не номер" in out

    invites = await all_invites(app)
    assert invites[3].status is InviteStatus.REFUSED and invites[3].refusal_reason == "voided"
    assert invites[2].status is InviteStatus.COUNTED and not invites[2].flagged
    await console.say(":as farmer")
    out = await console.press_payload(FriendsPage(page=0))
    assert "❌ bot3 — не засчитан: приглашение аннулировано администратором" in out

    # Not an admin: the same buttons are refused.
    out = await console.press_payload(InviteCredit(invite_id=invites[3].id))
    assert "только администраторам сервиса" in out
    assert (await all_invites(app))[3].status is InviteStatus.REFUSED


async def test_admin_credit_rules_and_a_code_by_hand(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    await console.say(":as oldtimer", "/start")
    round_id = await open_round(app, clock, threshold=2)
    link = await invite_link_of(console, app, "anna")
    await console.say(":as friend1", link)
    await console.say(":as oldtimer", link)  # refused: not new
    await console.say(":as anna", link)  # refused: self
    boris_link = await invite_link_of(console, app, "boris")
    await console.say(":as friend1", boris_link)  # refused: already anna's friend
    friend1, oldtimer, self_invite, taken = await all_invites(app)

    out = await console.say(":as admin", f"/rounds credit {self_invite.id}")
    assert "по собственной ссылке" in out
    out = await console.say(f"/rounds credit {taken.id}")
    assert f"уже засчитан по приглашению №{friend1.id}" in out
    out = await console.say(f"/rounds credit {friend1.id}")
    assert "уже засчитано" in out
    out = await console.say(f"/rounds credit {oldtimer.id}")
    assert "пригласивший достиг порога и получил промокод" in out
    assert "📨 to anna: 🎉 Вы пригласили 2 друга! Ваш личный промокод:" in out
    [code] = await codes(app)
    assert code.round_id == round_id

    out = await console.say(f"/rounds void {friend1.id}")
    assert "Промокод, уже выданный пригласившему, остаётся в силе" in out
    assert len(await codes(app)) == 1

    out = await console.press_payload(RoundTop(round_id=round_id))
    assert "1. anna — засчитано 1, ждут 0 🎟 код выдан" in out
    out = await console.say("#1")
    assert "Друзья anna в раунде №1:" in out
    assert f"№{oldtimer.id} ✅ oldtimer — засчитан" in out
    assert f"№{friend1.id} ❌ friend1 — не засчитан: приглашение аннулировано" in out
    out = await console.say(f"/rounds {round_id}")
    assert "Участников: 1. Друзей засчитано: 1" in out
    assert "Отказы: уже засчитан другому пригласившему — 1" in out
    assert "это ваша собственная ссылка — 1" in out
    assert "приглашение аннулировано администратором — 1" in out
    assert "Кодов выдано: 1, использовано: 0, скидок на 0\u00a0₽." in out


async def test_forged_promo_buttons_name_nothing_of_anyone_else(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    await open_round(app, clock, threshold=1)
    link = await invite_link_of(console, app, "anna")
    await console.say(":as friend1", link)
    [code] = await codes(app)
    await console.say(":as thief")
    out = await console.press_payload(PromoApply(code_id=code.id, order_id=1))
    assert "Такого промокода среди ваших нет" in out
    out = await console.say(f"/promo {code.code}")
    assert "Такого промокода среди ваших нет" in out
    out = await console.press_payload("rfpa:1:99999999999")
    assert "Эта кнопка устарела или повреждена" in out


def test_every_referral_text_exists_in_both_languages() -> None:
    root = Path(__file__).resolve().parent.parent
    keys: set[str] = set(PROMO_ERRORS.values())
    for name in (
        "bot/services/referrals.py",
        "bot/services/rounds.py",
        "handlers/buyer/referrals.py",
        "handlers/admin/rounds.py",
    ):
        source = (root / name).read_text(encoding="utf-8")
        keys |= set(re.findall(r'"(referrals-[a-z0-9-]*[a-z0-9])"', source))
    form_codes = [
        "moment-format",
        "moment-invalid",
        "duration-format",
        "duration-zero",
        "duration-too-long",
        "start-past",
        "start-too-far",
        "end-too-soon",
        "round-too-long",
        "threshold",
        "codes-before-end",
        "action",
    ]
    form_codes += [f"{kind}-{r.value}" for kind in ("amount", "percent") for r in ErrorReason]
    keys |= {"referrals-form-" + code.replace("_", "-") for code in form_codes}
    keys |= {f"referrals-admin-ask-{step}" for step in STEPS}
    keys |= {f"referrals-admin-field-{step}" for step in STEPS}
    keys |= {f"referrals-admin-default-{s}" for s in ("threshold", "minimum", "codes", "pause")}
    keys |= {f"referrals-status-{s.value}" for s in RoundStatus}
    keys |= {"referrals-action-" + a.value.replace("_", "-") for a in QualifyingAction}
    keys |= {"referrals-reason-" + r.value.replace("_", "-") for r in RefusalReason}
    keys |= {f"referrals-duration-{unit}" for unit in ("zero", "days", "hours", "minutes")}
    texts = Texts()
    for lang in LANGUAGES:
        missing = sorted(key for key in keys if not texts.has(key, lang))
        assert not missing, (lang, missing)
