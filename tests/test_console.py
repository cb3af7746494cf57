"""The foundation's conversation through the console adapter, in both languages."""

import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from bot.app import App
from storage.models import DialogState, Organizer, ReferralRound, RoundStatus, User
from tests.support.drivers import ConsoleSession

ROOT = Path(__file__).resolve().parent.parent


async def test_start_help_language_organizer_unknown_cancel(console: ConsoleSession) -> None:
    out = await console.say("/start")
    assert "Здравствуйте, buyer!" in out
    assert "[#1 🛍 Покупки] [#2 📦 Мои заказы]" in out and "[#5 Помощь]" in out
    assert "Мои закупки" not in out  # not an organizer

    out = await console.say("#2")
    assert "У вас пока нет заказов" in out
    out = await console.say("#5")
    assert "Что я умею:" in out and "Покупателям:" in out and "/lang — язык бота" in out
    assert "help-section" not in out
    assert "Станьте организатором: /organizer" in out
    assert "/organizer — " not in out  # the profile is not a buyer's command

    out = await console.say("/lang")
    assert "Выберите язык:" in out and "[#1 Русский] [#2 English]" in out
    out = await console.say("#2")
    assert "Done: I speak English now." in out

    out = await console.say("/help")
    assert "What I can do:" in out and "/cancel — leave a dialog" in out

    out = await console.say("/frobnicate")
    assert "There is no /frobnicate command." in out

    out = await console.say("/organizer")
    assert "How should buyers see you?" in out
    out = await console.say("x")
    assert "The name must be 2 to 64 characters" in out
    out = await console.say("Visit https://evil.example")
    assert "The name must be" in out
    out = await console.say("/cancel")
    assert "Cancelled." in out
    out = await console.say("Anna")
    assert "I didn't understand that." in out  # the dialog is gone

    out = await console.say("/organizer")
    out = await console.say("Anna's buys")
    assert "Done, Anna's buys, you are an organizer!" in out
    out = await console.say("/help")
    assert "Become an organizer" not in out
    assert out.index("For organizers:") < out.index("/organizer — ") < out.index("/newpurchase")
    out = await console.say("/start")
    assert "🧺 My purchases" in out
    out = await console.say("/organizer")
    assert "Organizer profile: Anna's buys" in out and "Pickup points: 0" in out

    out = await console.say("/cancel")
    assert "Nothing to cancel" in out

    out = await console.say("/lang ru", "/organizer")
    assert "Профиль организатора: Anna's buys" in out


async def test_each_simulated_user_has_own_language_and_dialog(
    console: ConsoleSession, app: App
) -> None:
    await console.say("/lang en", "/organizer")
    out = await console.say(":as buyer2", "/start")
    assert "(now you are buyer2)" in out and "Здравствуйте, buyer2!" in out
    out = await console.say("Hello there")
    assert "Я не понял сообщение." in out
    out = await console.say(":as buyer", "Olga")
    assert "Done, Olga, you are an organizer!" in out
    async with app.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Organizer)) == 1
        assert await session.scalar(select(func.count()).select_from(DialogState)) == 0
        langs = dict((await session.execute(select(User.external_id, User.language))).all())
    assert langs == {"buyer": "en", "buyer2": "ru"}


async def test_half_filled_form_survives_a_restart(app: App, settings) -> None:
    first = ConsoleSession(app)
    await first.say("/organizer")
    # A new adapter and dispatcher over the same database: the form is still there.
    from bot.app import create_app

    restarted = await create_app(settings, run_migrations=False)
    try:
        second = ConsoleSession(restarted)
        out = await second.say("Maria")
        assert "Готово, Maria, вы организатор!" in out
    finally:
        await restarted.close()


async def test_empty_huge_and_attachment_messages(console: ConsoleSession) -> None:
    out = await console.say(":photo")
    assert "Я не понял сообщение." in out
    await console.adapter.handle_line("   ")
    assert "Я понимаю текст, команды и кнопки." in console.transcript
    out = await console.say("а" * 10_000)
    assert "не больше 4\u00a0096 символов" in out  # Fluent groups digits the Russian way
    out = await console.say("#7")
    assert "(no button #7 here)" in out


def test_script_mode_prints_a_transcript(tmp_path: Path) -> None:
    script = tmp_path / "demo.txt"
    script.write_text(
        "// a comment line is skipped\n/start\n/lang en\n/help\n/organizer\nDemo Org\n"
        ":as admin\n/rounds\n#1\nnow\n2 days\n#1\n399\n400\n#1\n#1\n#1\n#1\n:time +3d\n",
        encoding="utf-8",
    )
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}", "PATH": ""}
    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "console", "--script", str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "buyer> /start"
    assert "buyer> /lang en" in lines
    assert "bot: Done, Demo Org, you are an organizer!" in lines
    assert "Traceback" not in result.stdout + result.stderr
    # The round made for "now" opened after the line that made it; `:time` closed it.
    opened = next(n for n, line in enumerate(lines) if "Открылся раунд №1" in line)
    closed = next(n for n, line in enumerate(lines) if "Раунд №1 дружеских скидок завершён" in line)
    assert lines.index("admin> :time +3d") < closed and opened < closed
    # The conversation only: the log (migrations and all) went to a file.
    assert result.stderr == ""
    assert "alembic" in (tmp_path / "data" / "console.log").read_text(encoding="utf-8")


ROUND_NOW = """
:as admin
/rounds
#1
сейчас
2 дня
2
399
400
-
#1
-
#1
"""


async def test_a_script_moves_the_clock_through_a_round(app: App) -> None:
    """A round that starts now opens after the line that made it; friends bring its code;
    `:time` past its end closes it. Nobody waits for real time."""
    scheduler = await app.start_scheduler(timers=False)
    console = ConsoleSession(app, scheduler=scheduler)
    out = await console.say(*ROUND_NOW.strip().splitlines())
    assert "📨 to admin: 🎁 Открылся раунд №1 дружеских скидок!" in out

    out = await console.say(":as anna", "/invite")
    assert "Прогресс: 0 из 2 друзей." in out
    link = re.search(r"/start inv_\S+", out)
    assert link is not None
    out = await console.say(":as friend1", link[0], ":as friend2", link[0])
    assert "📨 to anna: 🎉 Ваш друг засчитан: 1 из 2 друзей." in out
    assert "📨 to anna: 🎉 Вы пригласили 2 друга! Ваш личный промокод:" in out

    out = await console.say(":time +1d")
    assert "(time: 24.11.2026 12:00 Moscow)" in out and "завершён" not in out
    out = await console.say(":time", ":time +1d2h", ":time +1d")
    assert "(time: 24.11.2026 12:00 Moscow)" in out
    assert "(:time +1d, :time +2h" in out  # one unit at a time
    assert "📨 to anna: Раунд №1 дружеских скидок завершён." in out
    assert "📨 to friend1: Раунд №1" in out
    async with app.session_factory() as session:
        [round_] = await session.scalars(select(ReferralRound))
        assert round_.status is RoundStatus.CLOSED
    out = await console.say(":time 01.01.2020 10:00")
    assert "(the time only moves forward; it is 25.11.2026 12:00 Moscow now)" in out
