"""Referral rounds from the admin's form to the scheduler: created step by step with bad
input at every step, opened and closed by tasks (announced once, caught up after downtime,
the scheduler restarted mid-round), a series opening the next round by itself, editing and
cancelling."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from domain.clock import FrozenClock
from domain.referrals import (
    DiscountKind,
    RoundFormError,
    next_round_times,
    parse_codes_until,
    parse_discount,
    parse_duration,
    parse_end,
    parse_min_order,
    parse_moment,
    parse_pause,
    parse_start,
    parse_threshold,
)
from handlers.admin.round_views import RoundCancel, RoundCreate, RoundEditField, RoundEditMenu
from storage.models import (
    Invite,
    InviteStatus,
    OutboxMessage,
    ReferralRound,
    RoundStatus,
    ScheduledTask,
    TaskStatus,
    User,
)
from tests.support.drivers import ConsoleSession
from tests.support.environment import TEST_START as NOW  # the clock fixture's start
from tests.support.queries import count
from tests.support.referrals import invite_link_of, make_round, open_round, scheduler

# --- the form's rules -------------------------------------------------------------------------


def test_moments_and_lengths_admins_type() -> None:
    assert parse_moment("01.12.2026 10:00", NOW) == datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    assert parse_moment("1.12, в 10:00", NOW) == datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    assert parse_moment("01.12.2026", NOW) == datetime(2026, 11, 30, 21, 0, tzinfo=UTC)
    assert parse_moment("01.12.2026", NOW, end=True) == datetime(2026, 12, 1, 20, 59, tzinfo=UTC)
    assert parse_start("сейчас", NOW) == NOW
    assert parse_duration("7", limit=timedelta(days=30)) == timedelta(days=7)
    assert parse_duration("36 ч", limit=timedelta(days=30)) == timedelta(hours=36)
    assert parse_duration("2 недели", limit=timedelta(days=30)) == timedelta(weeks=2)
    assert parse_duration("90 мин", limit=timedelta(days=30)) == timedelta(minutes=90)
    assert parse_end("7 дней", NOW, NOW) == NOW + timedelta(days=7)
    assert parse_threshold("-") == 10 and parse_threshold(" 25 ") == 25
    assert parse_discount("399") == (DiscountKind.FIXED, 39_900)
    assert parse_discount("12,5 %") == (DiscountKind.PERCENT, 1250)
    assert parse_min_order("0") == 0 and parse_min_order("-") == 0
    assert parse_min_order("1 500 ₽") == 150_000
    end = NOW + timedelta(days=7)
    assert parse_codes_until("-", end, NOW) is None
    assert parse_codes_until("30", end, NOW) == end + timedelta(days=30)
    assert parse_pause("-") is None and parse_pause("2 дня") == 2 * 86_400
    assert parse_pause("0") == 0


@pytest.mark.parametrize(
    ("parse", "typed", "code"),
    [
        (lambda t: parse_moment(t, NOW), "завтра", "moment-format"),
        (lambda t: parse_moment(t, NOW), "31.02.2027 10:00", "moment-invalid"),
        (lambda t: parse_moment(t, NOW), "01.12.2026 25:00", "moment-invalid"),
        (lambda t: parse_start(t, NOW), "01.01.2020 10:00", "start-past"),
        (lambda t: parse_start(t, NOW), "01.01.2035", "start-too-far"),
        (lambda t: parse_end(t, NOW, NOW), "0", "duration-zero"),
        (lambda t: parse_end(t, NOW, NOW), "30 мин", "end-too-soon"),
        (lambda t: parse_end(t, NOW, NOW), "400", "duration-too-long"),
        (lambda t: parse_end(t, NOW, NOW), "7 лет", "moment-format"),
        (parse_threshold, "0", "threshold"),
        (parse_threshold, "десять", "threshold"),
        (parse_discount, "0", "amount-zero"),
        (parse_discount, "сто", "amount-not_a_number"),
        (parse_discount, "150%", "percent-too_large"),
        (parse_discount, "0%", "percent-zero"),
        (parse_min_order, "-5", "amount-negative"),
        (
            lambda t: parse_codes_until(t, NOW + timedelta(days=7), NOW),
            "25.11.2026",
            "codes-before-end",
        ),
        (parse_pause, "когда-нибудь", "duration-format"),
    ],
)
def test_bad_round_settings_are_refused_with_a_reason(
    parse: Callable[[str], object], typed: str, code: str
) -> None:
    with pytest.raises(RoundFormError) as exc:
        parse(typed)
    assert exc.value.code == code


def test_a_series_keeps_length_and_code_validity() -> None:
    times = next_round_times(NOW, NOW + timedelta(days=7), NOW + timedelta(days=37), 86_400)
    assert times.starts_at == NOW + timedelta(days=8)
    assert times.ends_at == NOW + timedelta(days=15)
    assert times.codes_until == NOW + timedelta(days=45)


# --- the admin's form -------------------------------------------------------------------------


async def rounds_in_db(app: App) -> list[ReferralRound]:
    async with app.session_factory() as session:
        return list(await session.scalars(select(ReferralRound).order_by(ReferralRound.id)))


async def tasks_in_db(app: App) -> dict[str, ScheduledTask]:
    async with app.session_factory() as session:
        return {t.key: t for t in await session.scalars(select(ScheduledTask))}


async def test_only_service_admins_manage_rounds(console: ConsoleSession) -> None:
    out = await console.say("/rounds")
    assert "только администраторам сервиса" in out
    out = await console.say(":as admin", "/rounds")
    assert "Раундов пока нет" in out and "[#1 ➕ Новый раунд]" in out
    out = await console.say("/help")
    assert "/rounds — раунды дружеских скидок" in out


async def test_admin_creates_a_round_step_by_step_despite_bad_input(
    app: App, console: ConsoleSession
) -> None:
    await console.say(":as admin", "/rounds", "#1")
    out = await console.say("послезавтра")
    assert "Не понял дату" in out
    out = await console.say("01.01.2020 10:00")
    assert "Это время уже прошло" in out
    out = await console.say("23.11.2026 15:00")
    assert "Когда закрыть?" in out
    out = await console.say("23.11.2026 15:30")
    assert "Конец должен быть хотя бы через час после начала" in out
    out = await console.say("7")
    assert "Сколько друзей нужно пригласить" in out and "[#1 10 (по умолчанию)]" in out
    out = await console.say("ноль")
    assert "Порог — целое число друзей от 1 до 1000" in out
    out = await console.say("#1")  # the default, 10
    assert "Какая скидка по коду?" in out
    out = await console.say("0")
    assert "Скидка должна быть больше нуля" in out
    out = await console.say("10%")
    out = await console.say("четыреста")
    assert "Не понял сумму" in out
    out = await console.say("400")
    assert "Сколько коды действуют после конца раунда?" in out
    out = await console.say("вчера")
    assert "Не понял дату" in out
    out = await console.say("30")
    assert "[#2 первый заказ друга]" in out
    out = await console.say("что-то")
    assert "Выберите условие кнопкой" in out
    out = await console.say("#2")
    assert "Серия: через сколько после конца" in out
    out = await console.say("когда-нибудь")
    assert "Не понял длительность" in out
    out = await console.say("3 дня")
    assert "Время: 23.11.2026 15:00 — 30.11.2026 15:00 (МСК)" in out
    assert "Пригласить: 10 друзей" in out
    assert "Награда: скидка 10\u00a0% на заказ от 400\u00a0₽" in out
    assert "Коды действуют до: 30.12.2026 15:00 (МСК)" in out
    assert "Условие для друга: первый заказ друга" in out
    assert "через 3 дня после конца" in out
    out = await console.say("да")
    assert "Нажмите «Создать раунд»" in out
    assert await rounds_in_db(app) == []

    out = await console.say("#1")
    assert "Раунд №1 создан: откроется 23.11.2026 15:00 (МСК)" in out
    assert "Раунд №1 — запланирован" in out
    [round_] = await rounds_in_db(app)
    assert (round_.threshold, round_.discount_kind, round_.discount_value) == (
        10,
        DiscountKind.PERCENT,
        1000,
    )
    assert round_.min_order_kop == 40_000 and round_.qualifying_action == "first_order"
    assert round_.next_round_pause_s == 3 * 86_400
    assert round_.codes_valid_until == round_.ends_at + timedelta(days=30)
    tasks = await tasks_in_db(app)
    assert tasks["round-open:1"].due_at == round_.starts_at
    assert tasks["round-close:1"].due_at == round_.ends_at
    out = await console.press_payload(RoundCreate())  # a stale "create" from the summary above
    assert "Эта форма уже закрыта" in out
    assert len(await rounds_in_db(app)) == 1


async def test_rounds_cannot_overlap(app: App, console: ConsoleSession, clock: FrozenClock) -> None:
    await make_round(app, clock, starts_in=timedelta(days=1), length=timedelta(days=7))
    await console.say(":as admin", "/rounds new", "сейчас")
    out = await console.say("3")
    assert "пересекается с раундом №1" in out
    out = await console.say("20 ч")
    assert "Сколько друзей нужно пригласить" in out


# --- the scheduler ----------------------------------------------------------------------------


async def users_with_notifications(app: App, console: ConsoleSession) -> None:
    await console.say(":as anna", "/start", ":as boris", "/start", ":as quiet", "/start")
    async with app.session_factory() as session, session.begin():
        quiet = await session.scalar(select(User).where(User.external_id == "quiet"))
        assert quiet is not None
        quiet.notifications_allowed = False


async def announcements(app: App, prefix: str) -> int:
    return await count(app, OutboxMessage, OutboxMessage.dedup_key.like(f"{prefix}:%"))


async def test_a_round_from_schedule_to_close_and_the_next_opens_by_itself(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    await users_with_notifications(app, console)
    round_id = await make_round(
        app, clock, starts_in=timedelta(hours=3), length=timedelta(days=7), pause_s=2 * 86_400
    )
    first = scheduler(app, clock)
    assert await first.run_due() == 0
    out = await console.say(":as anna", "/invite")
    assert "Следующий откроется 23.11.2026 15:00 (МСК)" in out

    clock.advance(hours=3)
    assert await first.run_due() == 1
    [round_] = await rounds_in_db(app)
    assert round_.status is RoundStatus.OPEN and round_.opened_at == clock()
    # Everyone who allowed notifications hears once: anna and boris, not quiet.
    assert await announcements(app, f"round-open:{round_id}") == 2
    out = await console.say(":as boris", "/help")
    assert "📨 to boris: 🎁 Открылся раунд №1 дружеских скидок!" in out
    assert "📨 to quiet" not in console.transcript

    link = await invite_link_of(console, app, "anna")
    await console.say(":as friend1", link)

    # The scheduler process restarts mid-round: nothing is repeated.
    await first.stop()
    clock.advance(days=3)
    second = scheduler(app, clock)
    assert await second.run_due() == 0
    assert await announcements(app, f"round-open:{round_id}") == 2
    await console.say(":as friend2", link)
    out = await console.say(":as anna", "/invite")
    assert "Прогресс: 2 из 3 друзей." in out

    clock.advance(days=4)  # past the end
    assert await second.run_due() == 1
    first_round, next_round = await rounds_in_db(app)
    assert first_round.status is RoundStatus.CLOSED and first_round.closed_at == clock()
    assert next_round.status is RoundStatus.SCHEDULED
    assert next_round.starts_at == first_round.ends_at + timedelta(days=2)
    assert next_round.ends_at - next_round.starts_at == timedelta(days=7)
    assert (next_round.threshold, next_round.discount_value, next_round.next_round_pause_s) == (
        3,
        39_900,
        2 * 86_400,
    )
    tasks = await tasks_in_db(app)
    assert tasks[f"round-open:{next_round.id}"].status is TaskStatus.PENDING
    assert await announcements(app, f"round-close:{round_id}") == 4  # friends allowed them too
    out = await console.say(":as boris", "/invite")
    assert "📨 to boris: Раунд №1 дружеских скидок завершён." in out
    assert "Следующий раунд откроется 02.12.2026 15:00 (МСК)" in out
    assert "Следующий откроется 02.12.2026 15:00 (МСК)" in out

    out = await console.say(":as friend3", link)
    assert "раунд дружеских скидок не идёт" in out

    clock.advance(days=2)
    third = scheduler(app, clock)  # yet another process: the lease of the last one expired
    assert await third.run_due() == 1
    rounds = await rounds_in_db(app)
    assert rounds[1].status is RoundStatus.OPEN
    out = await console.say(":as anna", "/invite")
    assert "раунд №2" in out and "Прогресс: 0 из 3 друзей." in out  # every round anew
    out = await console.say(":as friend4", link)
    assert "Вы пришли по приглашению друга" in out


async def test_a_round_missed_while_the_bot_was_down_opens_exactly_once(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    await users_with_notifications(app, console)
    round_id = await make_round(app, clock, starts_in=timedelta(hours=1))
    clock.advance(days=2)  # the bot was down when the round should have opened
    runner = scheduler(app, clock)
    assert await runner.run_due() == 1
    assert await runner.run_due() == 0
    await runner.release_lease()
    assert await scheduler(app, clock).run_due() == 0
    [round_] = await rounds_in_db(app)
    assert round_.status is RoundStatus.OPEN
    assert await announcements(app, f"round-open:{round_id}") == 2

    # A round whose whole life passed while the bot was down opens and closes on catch-up,
    # without announcing an opening nobody could use.
    later = await make_round(app, clock, starts_in=timedelta(days=10), length=timedelta(days=1))
    clock.advance(days=30)
    runner = scheduler(app, clock)
    assert await runner.run_due() == 3  # round 1 closes; round 2 opens and closes
    rounds = await rounds_in_db(app)
    assert [r.status for r in rounds] == [RoundStatus.CLOSED, RoundStatus.CLOSED]
    assert await announcements(app, f"round-open:{later}") == 0
    assert await announcements(app, f"round-close:{later}") == 2


async def test_a_round_is_edited_before_it_starts_and_cancelled(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    round_id = await make_round(app, clock, starts_in=timedelta(days=1))
    await console.say(":as admin", f"/rounds {round_id}")
    out = await console.press_payload(RoundEditMenu(round_id=round_id))
    assert "Что изменить в раунде №1?" in out and "Порог друзей" in out
    out = await console.press_payload(RoundEditField(round_id=round_id, field="threshold"))
    assert "Сколько друзей нужно пригласить" in out
    out = await console.say("много")
    assert "Порог — целое число" in out
    out = await console.say("5")
    assert "Раунд №1 изменён." in out and "Пригласить: 5 друзей" in out

    await console.press_payload(RoundEditField(round_id=round_id, field="start"))
    out = await console.say("25.11.2026 10:00")
    assert "Время: 25.11.2026 10:00 — 01.12.2026 12:00 (МСК)" in out
    tasks = await tasks_in_db(app)
    assert tasks["round-open:1"].due_at == datetime(2026, 11, 25, 7, 0, tzinfo=UTC)

    await console.press_payload(RoundEditField(round_id=round_id, field="end"))
    out = await console.say("2 недели")
    assert "Время: 25.11.2026 10:00 — 09.12.2026 10:00 (МСК)" in out
    assert (await tasks_in_db(app))["round-close:1"].due_at == datetime(
        2026, 12, 9, 7, 0, tzinfo=UTC
    )

    out = await console.press_payload(RoundCancel(round_id=round_id))
    assert "Отменить раунд №1? Он не откроется" in out
    out = await console.say("#1")
    assert "Раунд №1 отменён." in out
    tasks = await tasks_in_db(app)
    assert tasks["round-open:1"].status is TaskStatus.CANCELLED
    assert tasks["round-close:1"].status is TaskStatus.CANCELLED
    clock.advance(days=3)
    assert await scheduler(app, clock).run_due() == 0
    [round_] = await rounds_in_db(app)
    assert round_.status is RoundStatus.CANCELLED
    out = await console.press_payload(RoundEditMenu(round_id=round_id))
    assert "менять можно только раунд, который ещё не начался" in out
    out = await console.press_payload(RoundCancel(round_id=round_id, sure=True))
    assert "уже отменён — отменять нечего" in out


async def test_cancelling_a_running_round_refuses_waiting_friends(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    round_id = await open_round(app, clock, action="first_order", pause_s=3600)
    link = await invite_link_of(console, app, "anna")
    await console.say(":as friend1", link)
    await console.say(":as admin")
    out = await console.press_payload(RoundEditMenu(round_id=round_id))
    assert "уже начался" in out
    out = await console.press_payload(RoundCancel(round_id=round_id))
    assert "Он закроется сейчас, без следующего раунда серии" in out
    await console.say("#1")
    async with app.session_factory() as session:
        invite = await session.scalar(select(Invite))
    assert invite is not None and invite.status is InviteStatus.REFUSED
    clock.advance(days=8)
    assert await scheduler(app, clock).run_due() == 0
    assert [r.status for r in await rounds_in_db(app)] == [RoundStatus.CANCELLED]
    out = await console.say(":as anna", "/invite")
    assert "следующий пока не запланирован" in out


async def test_a_timer_planned_before_an_edit_does_not_open_the_round_early(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    round_id = await make_round(app, clock, starts_in=timedelta(hours=1))
    tasks = await tasks_in_db(app)
    await console.say(":as admin")
    await console.press_payload(RoundEditField(round_id=round_id, field="start"))
    await console.say("25.11.2026 10:00")
    clock.advance(hours=1)
    # A timer set for the old time fires: the task stays pending until the new time.
    runner = scheduler(app, clock)
    assert await runner.run_task(tasks[f"round-open:{round_id}"].id) == 0
    assert (await rounds_in_db(app))[0].status is RoundStatus.SCHEDULED
    assert await runner.run_due() == 0
    clock.advance(days=2)
    assert await runner.run_due() == 1
    assert (await rounds_in_db(app))[0].status is RoundStatus.OPEN
