"""A thin MAX Bot API client on aiohttp: one call, its errors, and uploads.

What the published API (dev.max.ru/docs-api) says and we follow:

* every request carries the bare token in the `Authorization` header (the `access_token`
  query parameter is no longer accepted); the token never appears in a URL or a log;
* bodies and answers are JSON; an error answer is `{"code": "...", "message": "..."}` with
  the HTTP status 400, 401, 403, 404, 405, 429 or 503;
* uploads: POST /uploads?type=image|file answers `{"url": ...}`; the file goes to that url
  as multipart form field `data`; the upload's answer carries the token to attach
  (image: `{"photos": {<key>: {"token": ...}}}`, file: `{"fileId": ..., "token": ...}`).

Where the documents are silent, decided here:

* a 429 carries no documented wait: a `Retry-After` header is honoured when present, else
  `DEFAULT_RETRY_AFTER` seconds;
* 403 (`chat.denied`, access denied) and 404 on a chat or person mean the recipient is not
  reachable (blocked the bot, left, removed, never started it); 401 is the operator's to fix
  (a revoked token) and counts as temporary, like Telegram's;
* a 200 whose body is not JSON (a proxy's page) is a temporary failure.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp

from bot.core.transport import (
    DeliveryError,
    PermanentFailure,
    RecipientUnreachable,
    RetryAfter,
    TemporaryFailure,
)

log = logging.getLogger(__name__)

DEFAULT_RETRY_AFTER = 1.0
REQUEST_TIMEOUT = 30.0


class MaxApiError(Exception):
    """An answer of the MAX Bot API that is not a success."""

    def __init__(
        self, status: int, code: str, message: str, retry_after: float | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}".strip())
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after


def delivery_error(exc: BaseException) -> DeliveryError:
    """The delivery error (bot/core/transport.py) a client exception means."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, MaxApiError):
        reason = str(exc)
        if exc.status == 429:
            return RetryAfter(exc.retry_after or DEFAULT_RETRY_AFTER, reason)
        if exc.status in (403, 404):
            return RecipientUnreachable(reason)
        if exc.status == 400 and exc.code == "attachment.not.ready":
            # An upload still being processed: the documented answer is to try again soon.
            return TemporaryFailure(reason)
        if exc.status in (400, 405):
            return PermanentFailure(reason)
        return TemporaryFailure(reason)  # 401, 5xx, anything else
    if isinstance(exc, TimeoutError | aiohttp.ClientError | OSError):
        return TemporaryFailure(f"network: {type(exc).__name__}: {exc}".rstrip(": "))
    return TemporaryFailure(f"{type(exc).__name__}: {exc}")


def _retry_after(headers: Mapping[str, str]) -> float | None:
    try:
        return max(0.0, float(headers.get("Retry-After", "")))
    except ValueError:
        return None


class MaxClient:
    """One bot's calls to the MAX Bot API (one aiohttp session, opened on first use)."""

    def __init__(self, token: str, api_url: str, *, timeout: float = REQUEST_TIMEOUT) -> None:
        self._token = token
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        # Told of every call MAX answered with success (the health record for /healthz).
        self.on_ok: Callable[[], None] | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                headers={"Authorization": self._token},
                connector=aiohttp.TCPConnector(limit=64),
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        timeout: float | None = None,
    ) -> Any:
        """One API call; the decoded JSON answer, or `MaxApiError` / a network error."""
        query = {k: _param(v) for k, v in (params or {}).items() if v is not None}
        data = None if body is None else json.dumps(body, ensure_ascii=False)
        headers = {"Content-Type": "application/json"} if data is not None else None
        async with self.session.request(
            method,
            self.api_url + path,
            params=query,
            data=data,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=timeout or self.timeout),
        ) as response:
            raw = await response.text()
            status = response.status
            retry = _retry_after(response.headers)
        try:
            answer = json.loads(raw) if raw else {}
        except ValueError:
            answer = None
        if status >= 400:
            code, message = "", raw[:200]
            if isinstance(answer, dict):
                code = str(answer.get("code") or "")
                message = str(answer.get("message") or message)
            raise MaxApiError(status, code, message, retry)
        if answer is None:
            raise MaxApiError(status, "garbage", f"not JSON: {raw[:100]!r}")
        if self.on_ok is not None:
            self.on_ok()
        return answer

    async def upload(self, kind: str, content: bytes, file_name: str) -> dict[str, Any]:
        """Upload bytes (kind "image" or "file"); the attachment to send them with."""
        slot = await self.call("POST", "/uploads", params={"type": kind})
        url = slot.get("url") if isinstance(slot, dict) else None
        if not isinstance(url, str):
            raise MaxApiError(200, "garbage", f"/uploads answered without a url: {slot!r}")
        form = aiohttp.FormData()
        form.add_field("data", content, filename=file_name)
        async with self.session.post(
            url, data=form, timeout=aiohttp.ClientTimeout(total=self.timeout * 2)
        ) as response:
            raw = await response.text()
            status = response.status
        if status >= 400:
            raise MaxApiError(status, "upload", raw[:200])
        try:
            answer = json.loads(raw)
        except ValueError:
            raise MaxApiError(status, "garbage", f"upload answered {raw[:100]!r}") from None
        token = _upload_token(kind, answer) or (slot.get("token") if kind == "file" else None)
        if not isinstance(token, str) or not token:
            raise MaxApiError(status, "garbage", f"upload answered without a token: {raw[:100]}")
        return {"type": kind, "payload": {"token": token}}


def _upload_token(kind: str, answer: Any) -> str | None:
    if not isinstance(answer, dict):
        return None
    if kind == "image":
        photos = answer.get("photos")
        if isinstance(photos, dict):
            for version in photos.values():
                if isinstance(version, dict) and isinstance(version.get("token"), str):
                    return str(version["token"])
        return None
    token = answer.get("token")
    return token if isinstance(token, str) else None


def _param(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


async def sleep_unless(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep `seconds` unless `stop` is set first; True when stopped."""
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        return False
    return True
