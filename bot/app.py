"""Wiring: settings -> database -> texts -> router -> dispatcher -> adapters."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.core.dispatcher import Dispatcher
from bot.settings import Settings
from bot.texts import Texts
from handlers import build_router
from storage import migrate
from storage.db import create_engine, create_session_factory

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    texts: Texts
    dispatcher: Dispatcher

    async def close(self) -> None:
        await self.engine.dispose()


async def create_app(settings: Settings, *, run_migrations: bool = True) -> App:
    sqlite_path = settings.sqlite_path()
    if sqlite_path is not None:
        sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.database_url)
    if run_migrations:
        await migrate.upgrade(engine)
    session_factory = create_session_factory(engine)
    texts = Texts(settings.default_language)
    dispatcher = Dispatcher(build_router(), session_factory, settings, texts)
    return App(settings, engine, session_factory, texts, dispatcher)


async def run_migrations_only(settings: Settings) -> None:
    app = await create_app(settings)
    await app.close()


async def run_console(
    settings: Settings,
    *,
    script: TextIO | None = None,
    user: str = "buyer",
    files_dir: Path | None = None,
) -> None:
    from bot.adapters.console import ConsoleAdapter

    app = await create_app(settings)
    try:
        console = ConsoleAdapter(
            app.dispatcher, app.session_factory, user=user, files_dir=files_dir
        )
        if script is not None:
            await console.run_script(script)
        else:
            await console.run_interactive()
    finally:
        await app.close()


async def run_platforms(settings: Settings) -> None:
    """Telegram and/or VK in one process, as the tokens in the settings say."""
    app = await create_app(settings)
    runners = []
    try:
        if settings.telegram_token is not None:
            from bot.adapters.telegram import run_telegram

            runners.append(run_telegram(app))
        if settings.vk_tokens:
            from bot.adapters.vk import run_vk

            runners.append(run_vk(app))
        await asyncio.gather(*runners)
    finally:
        await app.close()
