"""What went wrong at start-up, in one line an operator can act on.

`bot.py` prints the line instead of a traceback (the traceback is still logged at DEBUG) and
exits with the failure's code: 2 when the configuration or the machine must be fixed first
(a refused token, a read-only database: restarting cannot help, and the systemd unit in
deploy/ does not restart on 2), 1 when the cause may pass by itself (the database server
not up yet, the port still held by a stopping process).

An error nobody described here keeps its traceback: it is a bug, and the traceback is what
finds it.
"""

from __future__ import annotations

import errno
import re
import sqlite3
import traceback
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy.engine import make_url

from bot.settings import Settings

# Exit codes (see the module docstring).
FIX_CONFIGURATION = 2
MAY_PASS = 1

# Modules whose frames mark an error as the database's (a refused connection could as well
# come from Telegram or VK, which their adapters retry).
_DATABASE_MODULES = ("asyncpg", "aiosqlite", "sqlalchemy", "storage")
# asyncio's message when a server cannot bind: "error while attempting to bind on address
# ('0.0.0.0', 8080): address already in use".
_BIND = re.compile(r"bind on address \('?([^',]*)'?, (\d+)")


@dataclass(frozen=True)
class StartupFailure:
    message: str
    exit_code: int


def describe_startup_error(exc: BaseException, settings: Settings | None = None) -> str | None:
    """The one line for `exc` (or an exception it was raised from), None if unknown."""
    failure = explain_startup_error(exc, settings)
    return None if failure is None else failure.message


def explain_startup_error(
    exc: BaseException, settings: Settings | None = None
) -> StartupFailure | None:
    for error in _chain(exc):
        failure = _explain_one(error, settings)
        if failure is not None:
            return failure
    return None


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, the members of exception groups, and what each was raised from or during."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        error = todo.pop(0)
        if id(error) in seen:
            continue
        seen.add(id(error))
        yield error
        if isinstance(error, BaseExceptionGroup):
            todo.extend(error.exceptions)
        todo.extend(e for e in (error.__cause__, error.__context__) if e is not None)


def _explain_one(error: BaseException, settings: Settings | None) -> StartupFailure | None:
    for explain in (_telegram, _vk, _sqlite, _postgres_refused, _postgres_login, _bind, _denied):
        failure = explain(error, settings)
        if failure is not None:
            return failure
    return None


def _is(error: BaseException, qualified_name: str) -> bool:
    # By name: the platform libraries are imported by the adapters alone
    # (tests/test_layers.py), and a name check needs no import.
    names = (f"{cls.__module__}.{cls.__qualname__}" for cls in type(error).__mro__)
    return qualified_name in names


# --- the platforms ------------------------------------------------------------------------------


def _telegram(error: BaseException, _settings: Settings | None) -> StartupFailure | None:
    if _is(error, "aiogram.exceptions.TelegramUnauthorizedError"):
        return StartupFailure(
            "Telegram refused TELEGRAM_TOKEN (401 Unauthorized): "
            "copy the bot's token from @BotFather again",
            FIX_CONFIGURATION,
        )
    return None


def _vk(error: BaseException, _settings: Settings | None) -> StartupFailure | None:
    if _is(error, "vk_api.exceptions.ApiError") and getattr(error, "code", None) == 5:
        detail = str(getattr(error, "error", {}).get("error_msg", "")).strip()
        return StartupFailure(
            "VK refused a token in VK_TOKENS (error 5"
            + (f": {detail}" if detail else "")
            + "): create a new community token with messages, photos, docs, wall and manage rights",
            FIX_CONFIGURATION,
        )
    return None


# --- the database -------------------------------------------------------------------------------


def _sqlite_name(settings: Settings | None) -> str:
    path = settings.sqlite_path() if settings is not None else None
    return f"the SQLite database {path}" if path is not None else "the SQLite database"


def _sqlite(error: BaseException, settings: Settings | None) -> StartupFailure | None:
    if not isinstance(error, sqlite3.Error):
        return None
    name = getattr(error, "sqlite_errorname", "") or ""
    database = _sqlite_name(settings)
    if name.startswith("SQLITE_READONLY"):
        return StartupFailure(
            f"Cannot write to {database}: it is read-only for this user; give the bot write "
            "access to the file and its folder, or point DATABASE_URL elsewhere",
            FIX_CONFIGURATION,
        )
    if name.startswith("SQLITE_CANTOPEN"):
        return StartupFailure(
            f"Cannot open {database}: its folder is missing or not writable for this user "
            "(SQLite also writes -wal and -shm files beside it); check DATABASE_URL",
            FIX_CONFIGURATION,
        )
    if name.startswith("SQLITE_NOTADB"):
        return StartupFailure(
            f"Cannot read {database}: the file is not a SQLite database; check DATABASE_URL",
            FIX_CONFIGURATION,
        )
    if name.startswith("SQLITE_FULL"):
        return StartupFailure(f"Cannot write to {database}: the disk is full", FIX_CONFIGURATION)
    return None


def _postgres_address(settings: Settings | None) -> str:
    if settings is None or not settings.database_url.startswith("postgresql"):
        return "PostgreSQL"
    url = make_url(settings.database_url)
    # Host, port and database only: the URL's password must not be printed.
    return f"PostgreSQL at {url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def _raised_in_database(error: BaseException) -> bool:
    return any(
        frame.f_globals.get("__name__", "").startswith(_DATABASE_MODULES)
        for frame, _line in traceback.walk_tb(error.__traceback__)
    )


def _postgres_refused(error: BaseException, settings: Settings | None) -> StartupFailure | None:
    if settings is not None and not settings.database_url.startswith("postgresql"):
        return None
    if not isinstance(error, OSError) or not _raised_in_database(error):
        return None
    if isinstance(error, TimeoutError):
        reason = "no answer"
    elif isinstance(error, ConnectionRefusedError) or "Connect call failed" in str(error):
        reason = "connection refused"
    elif error.strerror:
        reason = error.strerror.lower()
    else:
        reason = str(error)
    return StartupFailure(
        f"Cannot connect to {_postgres_address(settings)} ({reason}): is the server running, "
        "and do DATABASE_URL's host and port reach it?",
        MAY_PASS,
    )


def _postgres_login(error: BaseException, settings: Settings | None) -> StartupFailure | None:
    if _is(error, "asyncpg.exceptions.InvalidPasswordError") or _is(
        error, "asyncpg.exceptions.InvalidAuthorizationSpecificationError"
    ):
        return StartupFailure(
            f"{_postgres_address(settings)} refused the login ({error}): "
            "check the user and password in DATABASE_URL",
            FIX_CONFIGURATION,
        )
    if _is(error, "asyncpg.exceptions.InvalidCatalogNameError"):
        return StartupFailure(
            f"{_postgres_address(settings)}: {error}; create it (createdb) or fix DATABASE_URL",
            FIX_CONFIGURATION,
        )
    return None


# --- the machine --------------------------------------------------------------------------------


def _bind(error: BaseException, _settings: Settings | None) -> StartupFailure | None:
    if not isinstance(error, OSError) or error.errno not in (errno.EADDRINUSE, errno.EACCES):
        return None
    match = _BIND.search(str(error))
    if match is None and error.errno == errno.EACCES:
        return None  # a file, not a port: see _denied
    where = f"{match.group(1)}:{match.group(2)}" if match else "the web server's port"
    if error.errno == errno.EADDRINUSE:
        return StartupFailure(
            f"Cannot listen on {where}: the address is in use by another process; "
            "stop it or set WEBHOOK_PORT to a free port",
            MAY_PASS,
        )
    return StartupFailure(
        f"Cannot listen on {where}: permission denied (ports below 1024 need privileges); "
        "set WEBHOOK_PORT to 1024 or above",
        FIX_CONFIGURATION,
    )


def _denied(error: BaseException, _settings: Settings | None) -> StartupFailure | None:
    # Creating data/ or opening LOG_FILE in a folder the bot's user may not write.
    if isinstance(error, PermissionError) and error.filename:
        return StartupFailure(
            f"Permission denied: {error.filename} (the bot's user cannot write there; "
            "check DATABASE_URL, LOG_FILE and the folder's owner)",
            FIX_CONFIGURATION,
        )
    return None
