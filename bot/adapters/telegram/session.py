"""aiogram's aiohttp session with two per-request costs taken out (see `TelegramSession`).

Every reply is one Bot API request, and for our replies (a few hundred characters of Russian
text and a keyboard) building the request and reading the answer cost more than anything else
in the adapter (bench/telegram_bench.py measures the bot against a bare echo bot).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiohttp import ClientError

_JSON_HEADERS = {"Content-Type": "application/json"}


class TelegramSession(AiohttpSession):
    """`AiohttpSession`, except that

    * a request without files goes as a JSON body, not as an urlencoded form: aiohttp
      percent-encodes every byte of non-ASCII text in pure Python, which took longer than
      building the whole JSON request. The Bot API takes both; uploads still go as multipart
      forms through aiogram's own code. aiogram prepares the values (`prepare_value`:
      defaults, files) as for its form;
    * the `Response[...]` model each answer is validated with is kept alive: pydantic caches
      a parametrized generic only weakly, and aiogram asks for `Response[Message]` anew on
      every request, so whenever the garbage collector had freed it, the class was built
      again, several times a minute under load.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._response_types: dict[Any, Any] = {}
        # Told of every call Telegram answered with success (the adapter sets it to record
        # the time for /healthz): every call, getUpdates included, passes here.
        self.on_ok: Callable[[], None] | None = None

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,
    ) -> TelegramType:
        returning = method.__returning__
        if returning not in self._response_types:
            self._response_types[returning] = Response[returning]  # type: ignore[valid-type]
        files: dict[str, Any] = {}
        # aiogram prepares the whole request as one object (defaults resolved, files set
        # aside, None left out) and writes it as JSON text: the body.
        body = self.prepare_value(method.model_dump(warnings=False), bot=bot, files=files)
        if files:
            uploaded = await super().make_request(bot, method, timeout)
            if self.on_ok is not None:
                self.on_ok()
            return uploaded
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            async with session.post(
                url,
                data=body,
                headers=_JSON_HEADERS,
                timeout=self.timeout if timeout is None else timeout,
            ) as resp:
                raw_result = await resp.text()
        except TimeoutError as e:
            raise TelegramNetworkError(method=method, message="Request timeout error") from e
        except ClientError as e:
            raise TelegramNetworkError(method=method, message=f"{type(e).__name__}: {e}") from e
        response = self.check_response(
            bot=bot, method=method, status_code=resp.status, content=raw_result
        )
        if self.on_ok is not None:
            self.on_ok()
        return cast(TelegramType, response.result)
