"""Start-up in production: one line instead of a traceback for the failures an operator meets
(bot/startup_errors.py, bot.py), and the log (bot/logs.py): JSON lines on request, and never
a token in it.

The failures are produced for real where that is cheap: `bot.py` as a subprocess against a
closed port, a read-only database, the fake Bot API and the fake VK API refusing the token.
"""

from __future__ import annotations

import asyncio
import ctypes
import errno
import io
import json
import logging
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiogram.exceptions import TelegramUnauthorizedError
from aiogram.methods import GetMe
from vk_api.exceptions import ApiError

from bot.logs import SecretMask, configure_logging
from bot.settings import load_settings
from bot.startup_errors import describe_startup_error, explain_startup_error
from tests.fakes.telegram_server import FakeTelegramServer
from tests.fakes.vk_server import FakeVkServer
from tests.support.environment import setting_names

ROOT = Path(__file__).resolve().parent.parent
BOT = str(ROOT / "bot.py")
TELEGRAM_TOKEN = "123456:REAL-SECRET-TOKEN-abcdef"
WRONG_TELEGRAM_TOKEN = "123456:WRONG-TOKEN-0123456789"
VK_TOKEN = "vk1.a.secret-community-token-xyz"


def bot_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The environment for `bot.py` in a subprocess: the machine's, less every bot setting a
    developer may have exported, plus `settings`."""
    env = {key: value for key, value in os.environ.items() if key.upper() not in setting_names()}
    env.update(
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        LOG_FILE=str(tmp_path / "bot.log"),
        # The log as JSON lines tells it apart from the one line a failure prints.
        LOG_FORMAT="json",
    )
    env.update(settings)
    return env


def run_bot(
    tmp_path: Path, *args: str, preexec_fn: Callable[[], None] | None = None, **settings: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, BOT, *args],
        cwd=tmp_path,
        env=bot_env(tmp_path, **settings),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=preexec_fn,
    )


async def run_bot_async(tmp_path: Path, **settings: str) -> tuple[int, str]:
    """`bot.py` (platform mode) while this test's event loop serves a fake API."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        BOT,
        cwd=tmp_path,
        env=bot_env(tmp_path, **settings),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return process.returncode, stderr.decode()


def one_line(stderr: str) -> str:
    """The one line on stderr besides the log, and no traceback (but at DEBUG)."""
    records, plain = [], []
    for line in filter(str.strip, stderr.splitlines()):
        record = _record(line)
        (plain if record is None else records).append(line if record is None else record)
    assert len(plain) == 1, f"expected one line on stderr besides the log, got:\n{stderr}"
    assert "Traceback" not in plain[0]
    assert all(r["level"] == "DEBUG" for r in records if "exception" in r), stderr
    return plain[0]


def _record(line: str) -> dict[str, str] | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the database ---------------------------------------------------------------------------


def test_unreachable_postgres_is_one_line_and_may_pass(tmp_path: Path) -> None:
    port = closed_port()
    url = f"postgresql+asyncpg://bot:pg-password-42@127.0.0.1:{port}/bot"
    result = run_bot(tmp_path, "migrate", DATABASE_URL=url)
    line = one_line(result.stderr)
    assert result.returncode == 1  # the server may be starting: systemd/Docker retry
    assert line.startswith(f"Cannot connect to PostgreSQL at 127.0.0.1:{port}/bot")
    assert "connection refused" in line
    assert "pg-password-42" not in result.stderr + result.stdout


def test_missing_postgres_database_is_one_line(tmp_path: Path) -> None:
    # Needs a PostgreSQL server (CI's, or TEST_DATABASE_URL's); the database asked for is
    # never created.
    server = os.environ.get("TEST_DATABASE_URL", "").rpartition("/")[0]
    url = f"{server or 'postgresql+asyncpg://postgres@127.0.0.1:5432'}/no_such_bot_database"
    result = run_bot(tmp_path, "migrate", DATABASE_URL=url)
    line = one_line(result.stderr)
    if line.startswith("Cannot connect to PostgreSQL"):
        pytest.skip(f"no PostgreSQL server to ask: {line}")
    assert result.returncode == 2
    assert line.endswith(
        'database "no_such_bot_database" does not exist; create it (createdb) or fix DATABASE_URL'
    )


# The subprocess drops the capabilities that let root write anyway (root ignores file modes
# otherwise, and tests often run as root): CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER.
_PR_CAPBSET_DROP = 24
_ROOT_OVERRIDES = (1, 2, 3)


def _drop_root_overrides() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in _ROOT_OVERRIDES:
        libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0)


@pytest.fixture
def as_unprivileged(tmp_path: Path) -> Callable[[], None] | None:
    """A preexec_fn under which file modes hold, or a skip saying why there is none."""
    if os.name != "posix":
        pytest.skip("file modes as tested here are POSIX")
    probe = tmp_path / "probe"
    probe.write_text("")
    probe.chmod(0o444)
    preexec = _drop_root_overrides if os.geteuid() == 0 else None
    check = subprocess.run(
        [sys.executable, "-c", f"open({str(probe)!r}, 'a')"],
        preexec_fn=preexec,
        capture_output=True,
    )
    probe.chmod(0o644)
    probe.unlink()
    if check.returncode == 0:
        pytest.skip(
            "a read-only file is still writable here (root whose CAP_DAC_OVERRIDE cannot be "
            "dropped, e.g. without CAP_SETPCAP): a read-only database cannot be made"
        )
    return preexec


def test_read_only_database_file_is_one_line(
    tmp_path: Path, as_unprivileged: Callable[[], None] | None
) -> None:
    database = tmp_path / "bot.sqlite3"
    sqlite3.connect(database).close()  # an empty database the bot must migrate
    database.chmod(0o444)
    result = run_bot(tmp_path, "migrate", preexec_fn=as_unprivileged)
    line = one_line(result.stderr)
    assert result.returncode == 2  # a restart cannot fix it
    assert line.startswith(f"Cannot write to the SQLite database {database}: it is read-only")


def test_database_in_read_only_folder_is_one_line(
    tmp_path: Path, as_unprivileged: Callable[[], None] | None
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = run_bot(
            tmp_path,
            "console",
            preexec_fn=as_unprivileged,
            DATABASE_URL=f"sqlite+aiosqlite:///{folder / 'bot.sqlite3'}",
        )
    finally:
        folder.chmod(0o755)
    line = one_line(result.stderr)
    assert result.returncode == 2
    assert line.startswith(f"Cannot open the SQLite database {folder / 'bot.sqlite3'}")


def test_log_file_in_read_only_folder_is_one_line(
    tmp_path: Path, as_unprivileged: Callable[[], None] | None
) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = run_bot(
            tmp_path, "migrate", preexec_fn=as_unprivileged, LOG_FILE=str(folder / "bot.log")
        )
    finally:
        folder.chmod(0o755)
    assert one_line(result.stderr).startswith(f"Permission denied: {folder / 'bot.log'}")
    assert result.returncode == 2


# --- the platforms --------------------------------------------------------------------------


async def test_refused_telegram_token_is_one_line(tmp_path: Path) -> None:
    async with FakeTelegramServer(token=TELEGRAM_TOKEN) as server:
        code, stderr = await run_bot_async(
            tmp_path,
            TELEGRAM_TOKEN=WRONG_TELEGRAM_TOKEN,
            TELEGRAM_API_URL=server.base_url,
            LOG_LEVEL="DEBUG",
        )
    assert code == 2
    assert one_line(stderr) == (
        "Telegram refused TELEGRAM_TOKEN (401 Unauthorized): "
        "copy the bot's token from @BotFather again"
    )
    # Not even the DEBUG log, where aiogram's request URLs (with the token) would show.
    assert WRONG_TELEGRAM_TOKEN not in (tmp_path / "bot.log").read_text(encoding="utf-8")


async def test_refused_vk_token_is_one_line(tmp_path: Path) -> None:
    async with FakeVkServer(token="the-right-token") as server:
        code, stderr = await run_bot_async(tmp_path, VK_TOKENS=VK_TOKEN, VK_API_URL=server.base_url)
    assert code == 2
    assert one_line(stderr).startswith(
        "VK refused a token in VK_TOKENS (error 5: User authorization failed"
    )
    assert VK_TOKEN not in stderr + (tmp_path / "bot.log").read_text(encoding="utf-8")


def test_platform_errors_are_recognised_as_raised() -> None:
    # The objects the libraries raise; startup_errors knows them by name alone.
    unauthorized = TelegramUnauthorizedError(method=GetMe(), message="Unauthorized")
    assert describe_startup_error(unauthorized) is not None
    refused = ApiError(None, "groups.getById", {}, {}, {"error_code": 5, "error_msg": "no"})
    assert (failure := explain_startup_error(refused)) is not None
    assert failure.exit_code == 2
    other = ApiError(None, "groups.getById", {}, {}, {"error_code": 6, "error_msg": "busy"})
    assert describe_startup_error(other) is None


# --- the machine ----------------------------------------------------------------------------


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


async def test_port_in_use_stops_the_bot_with_one_line(tmp_path: Path, busy_port: int) -> None:
    async with FakeVkServer(token=VK_TOKEN) as server:
        code, stderr = await run_bot_async(
            tmp_path,
            VK_TOKENS=VK_TOKEN,
            VK_API_URL=server.base_url,
            WEBHOOK_HOST="127.0.0.1",
            WEBHOOK_PORT=str(busy_port),
        )
    assert one_line(stderr) == (
        f"Cannot listen on 127.0.0.1:{busy_port}: the address is in use by another process; "
        "stop it or set WEBHOOK_PORT to a free port"
    )
    assert code == 1  # the old process may still be stopping: a restart can help


async def test_port_in_use_is_recognised_as_asyncio_raises_it(busy_port: int) -> None:
    # What aiohttp's TCPSite.start meets: asyncio's create_server on a taken address.
    loop = asyncio.get_running_loop()
    with pytest.raises(OSError) as raised:
        await loop.create_server(asyncio.Protocol, "127.0.0.1", busy_port)
    assert raised.value.errno == errno.EADDRINUSE
    failure = explain_startup_error(raised.value)
    assert failure is not None and failure.exit_code == 1
    assert failure.message.startswith(f"Cannot listen on 127.0.0.1:{busy_port}: the address")


def test_port_in_use_without_an_address_in_the_message(busy_port: int) -> None:
    with socket.socket() as sock, pytest.raises(OSError) as raised:
        sock.bind(("127.0.0.1", busy_port))
    message = describe_startup_error(raised.value)
    assert message is not None and "in use" in message


def test_an_error_raised_from_a_known_one_is_described() -> None:
    try:
        try:
            raise TelegramUnauthorizedError(method=GetMe(), message="Unauthorized")
        except TelegramUnauthorizedError as exc:
            raise RuntimeError("platform failed") from exc
    except RuntimeError as outer:
        assert describe_startup_error(ExceptionGroup("runners", [outer])) is not None


def test_unknown_errors_keep_their_traceback() -> None:
    assert describe_startup_error(ValueError("a bug")) is None
    # A connection refused outside the database (e.g. a platform's) is not called the
    # database's.
    assert describe_startup_error(ConnectionRefusedError(111, "refused")) is None


# --- the log --------------------------------------------------------------------------------


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


def _log_through_configured(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, log_format: str
) -> str:
    monkeypatch.chdir(tmp_path)
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    settings = load_settings(
        telegram_token=TELEGRAM_TOKEN,
        vk_tokens=f"{VK_TOKEN},vk-second-token-123",
        telegram_webhook_secret="webhook-secret-777",
        log_format=log_format,
        log_level="INFO",
    )
    configure_logging(settings, console=False)
    log = logging.getLogger("aiogram.session")
    # The ways a token reaches a log: in an argument (a request URL), percent-encoded, in the
    # message itself, in an extra field, in an exception's text.
    log.warning("GET %s failed", f"https://api.telegram.org/bot{TELEGRAM_TOKEN}/getMe")
    log.info("POST https://api.vk.com/method/x?access_token=vk-second-token-123&v=5.199")
    log.info("quoted bot%s", TELEGRAM_TOKEN.replace(":", "%3A"), extra={"url": VK_TOKEN})
    try:
        raise RuntimeError(f"webhook secret webhook-secret-777 rejected for {VK_TOKEN}")
    except RuntimeError:
        log.exception("request failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    return stderr.getvalue()


@pytest.mark.usefixtures("restore_logging")
@pytest.mark.parametrize("log_format", ["text", "json"])
def test_no_secret_reaches_the_log(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, log_format: str
) -> None:
    output = _log_through_configured(monkeypatch, tmp_path, log_format)
    for secret in (
        TELEGRAM_TOKEN,
        TELEGRAM_TOKEN.replace(":", "%3A"),
        "REAL-SECRET-TOKEN",
        VK_TOKEN,
        "vk-second-token-123",
        "webhook-secret-777",
    ):
        assert secret not in output
    # Masked, not dropped: one mask per record at least (the traceback's quoted source line,
    # shown only when Python finds the file, may add one).
    assert output.count("***") >= 5
    assert "https://api.telegram.org/bot***/getMe" in output
    assert "RuntimeError" in output  # the traceback itself is kept, masked


@pytest.mark.usefixtures("restore_logging")
def test_json_log_is_one_object_per_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    lines = _log_through_configured(monkeypatch, tmp_path, "json").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 4
    assert all(list(record)[:4] == ["time", "level", "logger", "message"] for record in records)
    first, *_, failed = records
    assert first["level"] == "WARNING" and first["logger"] == "aiogram.session"
    assert first["time"].endswith("+00:00")  # ISO 8601, UTC
    assert failed["message"] == "request failed"
    assert failed["exception"].startswith("Traceback") and "RuntimeError" in failed["exception"]
    assert "exception" not in first


def test_mask_survives_arguments_that_do_not_fit_the_format() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token %d", (TELEGRAM_TOKEN,), None)
    assert SecretMask([TELEGRAM_TOKEN]).filter(record)  # no exception at the call site
    assert TELEGRAM_TOKEN not in record.getMessage()
    assert record.getMessage().startswith("token %d (")


def test_bot_writes_json_lines_on_stderr(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "migrate", LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stderr.splitlines()]
    assert records, "migrate logs what it does"
    assert {"time", "level", "logger", "message"} <= set(records[0])
    assert any(record["logger"].startswith("alembic") for record in records)
