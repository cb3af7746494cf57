"""aiogram's aiohttp session with two per-request costs taken out (see `TelegramSession`).

Found with the Telegram benchmark (bench/telegram_bench.py): every reply is one Bot API
request, and for our replies (a few hundred characters of Russian text and a keyboard) aiogram
spent more on building the request and reading the answer than on anything else in the
adapter.
"""

from __future__ import annotations

from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiohttp import ClientError

_JSON_HEADERS = {"Content-Type": "application/json"}


class TelegramSession(AiohttpSession):
    """`AiohttpSession`, except that

    * a request without files goes as a JSON body, not as an urlencoded form: aiohttp
      percent-encodes every byte of non-ASCII text in pure Python (~0.13 ms for a typical
      reply of ours, against ~0.08 ms for the whole JSON request). The Bot API takes both;
      uploads still go as multipart forms through aiogram's own code;
    * the `Response[...]` model each answer is validated with is kept alive: pydantic caches
      a parametrized generic only weakly, and aiogram asks for `Response[Message]` anew on
      every request, so whenever the garbage collector had freed it, the class was built again
      (~7 ms, several times a minute under load).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._response_types: dict[Any, Any] = {}
        # One empty instance per method class, standing in for the request in the answer's
        # check (see `post_json`).
        self._blank_methods: dict[type[Any], Any] = {}

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,
    ) -> TelegramType:
        files: dict[str, Any] = {}
        payload: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            # What aiogram's form leaves out too (it skips empty values).
            if prepared is None or prepared == "":
                continue
            payload[key] = prepared
        if files:
            return await super().make_request(bot, method, timeout)
        return await self._post(bot, method, payload, timeout)

    async def post_json(
        self,
        bot: Bot,
        method: type[TelegramMethod[TelegramType]],
        payload: dict[str, Any],
        timeout: int | None = None,
    ) -> TelegramType:
        """Send `payload`, already in the Bot API's JSON form, as a `method` request.

        For the requests made on every update (a reply, an answered button): the caller
        builds the JSON straight from its own data, so no aiogram model of the request is
        built, validated or walked by `model_dump`/`prepare_value` (~0.1 ms a reply, most of
        the time spent on one outside HTTP: bench/telegram_bench.py). The answer is checked
        and validated as aiogram does; an error carries the request as an unvalidated
        `method`."""
        blank = self._blank_methods.get(method)
        if blank is None:
            blank = self._blank_methods[method] = method.model_construct()
        try:
            return await self._post(bot, blank, payload, timeout)
        except TelegramAPIError as error:
            error.method = method.model_construct(**payload)
            raise

    async def _post(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        payload: dict[str, Any],
        timeout: int | None,
    ) -> TelegramType:
        returning = method.__returning__
        if returning not in self._response_types:
            self._response_types[returning] = Response[returning]  # type: ignore[valid-type]
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            async with session.post(
                url,
                data=self.json_dumps(payload),
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
        return cast(TelegramType, response.result)
