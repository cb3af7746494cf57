"""Replies out through the OK Bot API, and its errors as the core's delivery errors.

What the published documents say (apiok.ru/dev/graph_api, the Bot API for groups), and what
we decided where they are silent:

* Every call is https://api.ok.ru/graph/<path>?access_token=<group token>; POST bodies are
  JSON with `Content-Type: application/json;charset=utf-8`.
* `GET me/info` names the token's group: {"name": ..., "group_id": "group:<id>"}.
* `POST me/messages` with {"recipient": {"user_id": "user:<id>"}, "message": {...}} writes
  to one person (they must allow the group's messages), {"recipient": {"user_ids": [...]}}
  to several at once: the answer is {"success": [bool, ...], "chat_ids": [...]} in the
  order asked. `POST me/messages/<chat:id>` with {"recipient": {"chat_id": ...}} writes in
  a chat. The documents show no answer for one recipient: we read {"success": true} (and a
  "message_id" when there is one), and {"success": false} as "may not write to them".
  How many `user_ids` one call takes is not published: we send 100.
* A message: "text", "attachment" or "attachments" of types IMAGE ({"token"} of an uploaded
  or received image, or {"url"}), FILE ({"token"}) and INLINE_KEYBOARD
  ({"keyboard": {"buttons": [[{"type": "CALLBACK", "text", "payload", "intent"},
  {"type": "LINK", "text", "url"}]]}}).
* Uploads: `GET me/fileUploadUrl?type=IMAGE|FILE` gives {"url", "token"?, "file_id"?}; the
  file is POSTed to that url; for IMAGE the upload's answer carries the token (OK's photo
  upload answer {"photos": {"<id>": {"token": ...}}}), for FILE the first answer's token is
  the one. The multipart field names are not published: "pic1" for images (as OK's photo
  upload), "file" for files.
* Errors: OK answers HTTP 200 with {"error_code", "error_msg"} and the code in the
  `invocation-error` header (apiok.ru/dev/errors). 8 FLOOD_BLOCKED and 11 LIMIT_REACHED
  mean wait (no wait is published: `FLOOD_WAIT` s); 1 UNKNOWN and 2 SERVICE are worth a
  retry; 10 PERMISSION_DENIED, 300 NOT_FOUND and 455 (the person forbade messages) make the
  person unreachable; the rest cannot succeed as asked. HTTP 429 (Retry-After), 5xx,
  time-outs and answers that are not JSON are retried.
* No message length limit is published: we split at 4000 characters (what OK's sibling
  messengers of the same API family take), no edit method is published: an edit is a new
  message, and no rate is published: `OK_RATE_PER_TOKEN` calls per second per group.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import aiohttp

from bot.adapters.ok import PLATFORM
from bot.core.replies import Button, Document, FileRef, Photo, Reply
from bot.core.transport import (
    DeliveryError,
    MessagesNotAllowed,
    PermanentFailure,
    RecipientUnreachable,
    RetryAfter,
    SendLimits,
    TemporaryFailure,
)

log = logging.getLogger(__name__)

DEFAULT_OK_API_URL = "https://api.ok.ru"
DEFAULT_HTTP_TIMEOUT = 15.0
MAX_TEXT_LENGTH = 4000
MAX_RECIPIENTS_PER_CALL = 100
FLOOD_WAIT = 1.0
JSON_TYPE = "application/json;charset=utf-8"
PHOTO_CACHE_SIZE = 256

RETRY_CODES = frozenset({8, 11})
TEMPORARY_CODES = frozenset({1, 2})
UNREACHABLE_CODES = frozenset({10, 300, 455})


class OkApiError(Exception):
    """An error answer of the OK API."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"OK error {code}: {message}")
        self.code = code
        self.message = message


def error_for_code(code: int, message: str = "") -> DeliveryError:
    # Shaped like VK's, but the codes and the default differ (an unknown OK code is
    # permanent, an unknown VK code temporary): one table per platform.
    reason = f"OK error {code}: {message}"
    if code in RETRY_CODES:
        return RetryAfter(FLOOD_WAIT, reason)
    if code in TEMPORARY_CODES:
        return TemporaryFailure(reason)
    if code in UNREACHABLE_CODES:
        return RecipientUnreachable(reason)
    return PermanentFailure(reason)


def delivery_error(exc: BaseException) -> DeliveryError:
    """Any failure of a call as the core's delivery error."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, OkApiError):
        return error_for_code(exc.code, exc.message)
    if isinstance(exc, asyncio.TimeoutError | aiohttp.ClientError | ConnectionError):
        return TemporaryFailure(f"{type(exc).__name__}: {exc}")
    return PermanentFailure(f"{type(exc).__name__}: {exc}")


# --- ids ------------------------------------------------------------------------------------


def bare_id(value: Any, prefix: str) -> str | None:
    """ "user:123" or "123" -> "123"; None for what is not a non-empty id string."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    text = str(value).strip()
    if text.startswith(f"{prefix}:"):
        text = text[len(prefix) + 1 :]
    if not text or len(text) > 64 or not all(c.isalnum() or c in "_-" for c in text):
        return None
    return text


def recipient_of(chat_id: str) -> dict[str, Any]:
    """A chat id as the bot stores it: a chat ("chat:C...") or a person ("123" / "user:123")."""
    if chat_id.startswith("chat:") and bare_id(chat_id, "chat"):
        return {"chat_id": chat_id}
    user = bare_id(chat_id, "user")
    if user is None:
        raise PermanentFailure(f"{chat_id!r} is not an OK chat or user id")
    return {"user_id": f"user:{user}"}


# --- the client -----------------------------------------------------------------------------


class OkClient:
    """One group's token: calls to the Graph API, paced to `min_interval`."""

    def __init__(
        self,
        token: str,
        api_url: str = DEFAULT_OK_API_URL,
        *,
        session: aiohttp.ClientSession,
        min_interval: float | None = None,
    ) -> None:
        self.token = token
        self.api_url = api_url.rstrip("/")
        self.session = session
        self.min_interval = min_interval
        self.group_id = ""
        self.name = ""
        self.on_ok: Callable[[], None] | None = None
        self._pace = asyncio.Lock()
        self._next_call = 0.0
        self._photos: OrderedDict[str, str] = OrderedDict()

    @property
    def bot_key(self) -> str:
        return self.group_id

    @property
    def token_digest(self) -> str:
        """A stable secret part of this group's webhook path (the token never leaves)."""
        return hashlib.sha256(f"ok-webhook:{self.token}".encode()).hexdigest()[:24]

    async def _wait_turn(self) -> None:
        if self.min_interval is None:
            return
        async with self._pace:
            now = time.monotonic()
            if self._next_call > now:
                await asyncio.sleep(self._next_call - now)
            self._next_call = max(now, self._next_call) + self.min_interval

    async def call(
        self,
        http_method: str,
        path: str,
        body: dict[str, Any] | None = None,
        **params: Any,
    ) -> Any:
        """One Graph API call; raises `OkApiError`, `DeliveryError` for HTTP trouble, or
        aiohttp's errors."""
        await self._wait_turn()
        query = {"access_token": self.token}
        query.update({k: str(v) for k, v in params.items() if v is not None})
        url = f"{self.api_url}/graph/{path}"
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        headers = {"Content-Type": JSON_TYPE} if data is not None else {}
        async with self.session.request(
            http_method, url, params=query, data=data, headers=headers
        ) as response:
            raw = await response.read()
            if response.status == 429:
                wait = _seconds(response.headers.get("Retry-After"))
                raise RetryAfter(wait, f"OK HTTP 429 on {path}")
            if response.status >= 500:
                raise TemporaryFailure(f"OK HTTP {response.status} on {path}")
            answer = _json(raw)
            invocation = response.headers.get("invocation-error")
        if isinstance(answer, dict) and ("error_code" in answer or invocation):
            code = answer.get("error_code", invocation)
            try:
                number = int(code)
            except (TypeError, ValueError):
                number = 1
            raise OkApiError(number, str(answer.get("error_msg") or ""))
        if response.status >= 400:
            raise PermanentFailure(f"OK HTTP {response.status} on {path}")
        if answer is None:
            raise TemporaryFailure(f"OK answered {path} with something that is not JSON")
        self.record_ok()
        return answer

    def record_ok(self) -> None:
        if self.on_ok is not None:
            self.on_ok()

    async def identify(self) -> None:
        """me/info: the group this token is, as "group:<id>"."""
        info = await self.call("GET", "me/info")
        group = bare_id(info.get("group_id") if isinstance(info, dict) else None, "group")
        if group is None:
            raise PermanentFailure("OK me/info named no group: is this a group's token?")
        self.group_id = group
        self.name = str(info.get("name") or "")[:255]

    async def upload(self, kind: str, content: bytes, file_name: str, mime: str) -> str:
        """Upload bytes (kind IMAGE or FILE); returns the token to attach."""
        ticket = await self.call("GET", "me/fileUploadUrl", type=kind)
        if not isinstance(ticket, dict) or not isinstance(ticket.get("url"), str):
            raise TemporaryFailure("OK gave no upload url")
        form = aiohttp.FormData()
        field = "pic1" if kind == "IMAGE" else "file"
        form.add_field(field, content, filename=file_name, content_type=mime)
        async with self.session.post(ticket["url"], data=form) as response:
            if response.status >= 500:
                raise TemporaryFailure(f"OK upload HTTP {response.status}")
            if response.status >= 400:
                raise PermanentFailure(f"OK upload HTTP {response.status}")
            answer = _json(await response.read())
        if kind == "IMAGE":
            photos = answer.get("photos") if isinstance(answer, dict) else None
            tokens = [
                p.get("token")
                for p in (photos.values() if isinstance(photos, dict) else [])
                if isinstance(p, dict)
            ]
            token = next((t for t in tokens if isinstance(t, str) and t), None)
        else:
            token = ticket.get("token")
        if not isinstance(token, str) or not token:
            raise TemporaryFailure("OK upload gave no token")
        return token

    async def photo_token(self, content: bytes) -> str:
        """One upload per picture: a broadcast with a photo reuses it for everyone."""
        key = hashlib.sha256(content).hexdigest()
        cached = self._photos.get(key)
        if cached is not None:
            self._photos.move_to_end(key)
            return cached
        token = await self.upload("IMAGE", content, "photo.jpg", "image/jpeg")
        self._photos[key] = token
        if len(self._photos) > PHOTO_CACHE_SIZE:
            self._photos.popitem(last=False)
        return token


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def _seconds(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value is not None else FLOOD_WAIT
    except ValueError:
        return FLOOD_WAIT


# --- messages -------------------------------------------------------------------------------


def split_text(text: str, limit: int = MAX_TEXT_LENGTH) -> list[str]:
    """Parts of at most `limit` characters, cut at a line break where one is near."""
    # Not VK's cutter though it looks alike: OK's cuts only at line breaks (never at a
    # space) and drops every break at the cut; the messages OK buyers get stay as they were.
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", limit // 2, limit)
        cut = limit if cut <= 0 else cut
        parts.append(rest[:cut])
        rest = rest[cut:].lstrip("\n")
    parts.append(rest)
    return parts


def keyboard(rows: Sequence[Sequence[Button]]) -> dict[str, Any] | None:
    """Reply buttons as an INLINE_KEYBOARD attachment: payload buttons are CALLBACK buttons
    (the packed payload as it is), link buttons LINK buttons."""
    out = []
    for row in rows:
        line = []
        for button in row:
            if button.url is not None:
                line.append({"type": "LINK", "text": button.text, "url": button.url})
            else:
                line.append(
                    {
                        "type": "CALLBACK",
                        "text": button.text,
                        "payload": button.payload,
                        "intent": "DEFAULT",
                    }
                )
        if line:
            out.append(line)
    if not out:
        return None
    return {"type": "INLINE_KEYBOARD", "payload": {"keyboard": {"buttons": out}}}


def photo_file_id(payload: dict[str, Any]) -> str | None:
    """How a received IMAGE is stored: its token (sendable again), else its url."""
    token = payload.get("token")
    if isinstance(token, str) and token:
        return f"token:{token}"
    url = payload.get("url")
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        return f"url:{url}"
    return None


def _image_attachment(file_id: str) -> dict[str, Any] | None:
    kind, _, value = file_id.partition(":")
    if kind == "token" and value:
        return {"type": "IMAGE", "payload": {"token": value}}
    if kind == "url" and value:
        return {"type": "IMAGE", "payload": {"url": value}}
    return None


class OkTransport:
    """`bot.core.transport.Transport` for OK groups; `bot_key` is the group id."""

    platform = PLATFORM

    def __init__(self, clients: Sequence[OkClient], *, rate_per_token: float | None = None) -> None:
        if not clients:
            raise ValueError("OkTransport needs at least one group")
        self.limits = SendLimits(
            per_bot=rate_per_token, recipients_per_call=MAX_RECIPIENTS_PER_CALL
        )
        self.clients: dict[str, OkClient] = {client.bot_key: client for client in clients}
        self.default = clients[0]
        self._session: aiohttp.ClientSession | None = None

    @classmethod
    async def connect(
        cls,
        tokens: Iterable[str],
        api_url: str = DEFAULT_OK_API_URL,
        *,
        rate_per_token: float | None = None,
        timeout: float = DEFAULT_HTTP_TIMEOUT,
    ) -> OkTransport:
        session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout))
        min_interval = None if rate_per_token is None else 1.0 / rate_per_token
        clients = []
        try:
            for number, token in enumerate(tokens, start=1):
                client = OkClient(token, api_url, session=session, min_interval=min_interval)
                try:
                    await client.identify()
                except Exception as exc:
                    # Never echo the token itself.
                    raise RuntimeError(f"OK token #{number} was not accepted: {exc}") from None
                clients.append(client)
        except BaseException:
            await session.close()
            raise
        transport = cls(clients, rate_per_token=rate_per_token)
        transport._session = session
        return transport

    def report_to(self, on_ok: Callable[[], None]) -> None:
        for client in self.clients.values():
            client.on_ok = on_ok

    def client(self, bot_key: str = "") -> OkClient:
        if not bot_key:
            return self.default
        client = self.clients.get(bot_key)
        if client is None:
            raise PermanentFailure(f"OK group {bot_key} is not configured")
        return client

    async def _attachments(self, client: OkClient, reply: Reply) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        if reply.photo is not None:
            image = await self._photo(client, reply.photo)
            if image is not None:
                out.append(image)
        if reply.document is not None:
            out.append(await self._document(client, reply.document))
        if reply.file is not None:
            file = self._file(reply.file)
            if file is not None:
                out.append(file)
        return out

    async def _photo(self, client: OkClient, photo: Photo) -> dict[str, Any] | None:
        if photo.file_id and photo.platform in (None, PLATFORM):
            image = _image_attachment(photo.file_id)
            if image is not None:
                return image
        if photo.content:
            return {"type": "IMAGE", "payload": {"token": await client.photo_token(photo.content)}}
        log.info("OK: a photo without bytes or an OK id (%r) is left out", photo.file_id)
        return None

    async def _document(self, client: OkClient, document: Document) -> dict[str, Any]:
        token = await client.upload(
            "FILE", document.content, document.file_name, document.mime_type
        )
        return {"type": "FILE", "payload": {"token": token}}

    def _file(self, file: FileRef) -> dict[str, Any] | None:
        if file.platform == PLATFORM and file.file_id.startswith("token:"):
            return {"type": "FILE", "payload": {"token": file.file_id[len("token:") :]}}
        log.info("OK: a file from %s (%r) is left out", file.platform, file.file_id)
        return None

    async def messages(self, client: OkClient, reply: Reply) -> list[dict[str, Any]]:
        """The OK message bodies of one reply: long text split, the attachments and the
        keyboard on the last part."""
        attachments = await self._attachments(client, reply)
        board = keyboard(reply.buttons)
        parts = split_text(reply.text)
        bodies: list[dict[str, Any]] = [{"text": part} for part in parts]
        last = bodies[-1]
        extra = attachments + ([board] if board else [])
        if extra:
            last["attachments"] = extra
        if not last["text"] and not extra:
            return []
        if not last["text"]:
            del last["text"]
        return bodies

    async def send(
        self, chat_id: str, reply: Reply, *, bot_key: str = "", message_key: str | None = None
    ) -> str | None:
        """One reply to a person or a chat (several OK messages if it is long). OK has no
        deduplication key: `message_key` is unused."""
        client = self.client(bot_key)
        try:
            recipient = recipient_of(chat_id)
            path = f"me/messages/{chat_id}" if "chat_id" in recipient else "me/messages"
            message_id = None
            for body in await self.messages(client, reply):
                answer = await client.call("POST", path, {"recipient": recipient, "message": body})
                message_id = _sent(answer)
        except Exception as exc:
            raise delivery_error(exc) from exc
        return message_id

    async def answer_callback(
        self, chat_id: str, callback_id: str, reply: Reply | None, *, bot_key: str = ""
    ) -> bool:
        """graph.chat.answer: the answer to a CALLBACK press, which must carry a message.
        With `reply` its first part is that message; without one an empty text (the
        documents do not say whether OK shows an empty answer: the press is answered)."""
        client = self.client(bot_key)
        body: dict[str, Any] = {"text": ""}
        if reply is not None:
            bodies = await self.messages(client, reply)
            if len(bodies) == 1:
                body = bodies[0]
            elif bodies:
                return False
        await client.call("POST", f"{chat_id}/answer", {"message": body}, callbackId=callback_id)
        return True

    async def send_many(
        self,
        chat_ids: list[str],
        reply: Reply,
        *,
        bot_key: str = "",
        message_key: str | None = None,
    ) -> dict[str, DeliveryError | None]:
        """One reply to many people: `user_ids` of up to 100 per call. A chat id among them
        is sent on its own."""
        client = self.client(bot_key)
        results: dict[str, DeliveryError | None] = {}
        users: dict[str, str] = {}
        for chat_id in chat_ids:
            try:
                recipient = recipient_of(chat_id)
            except PermanentFailure as exc:
                results[chat_id] = exc
                continue
            if "user_id" in recipient:
                users[recipient["user_id"]] = chat_id
            else:
                try:
                    await self.send(chat_id, reply, bot_key=bot_key)
                    results[chat_id] = None
                except DeliveryError as exc:
                    results[chat_id] = exc
        try:
            bodies = await self.messages(client, reply)
        except Exception as exc:
            raise delivery_error(exc) from exc
        ids = list(users)
        for start in range(0, len(ids), MAX_RECIPIENTS_PER_CALL):
            batch = ids[start : start + MAX_RECIPIENTS_PER_CALL]
            pending = list(batch)
            try:
                for body in bodies:
                    if not pending:
                        break
                    answer = await client.call(
                        "POST", "me/messages", {"recipient": {"user_ids": pending}, "message": body}
                    )
                    flags = answer.get("success") if isinstance(answer, dict) else None
                    if not isinstance(flags, list) or len(flags) != len(pending):
                        raise TemporaryFailure("OK answered user_ids with no list of results")
                    for user, ok in zip(list(pending), flags, strict=True):
                        if ok is not True:
                            results[users[user]] = MessagesNotAllowed(
                                "OK: the person does not take the group's messages"
                            )
                            pending.remove(user)
            except Exception as exc:
                error = delivery_error(exc)
                nothing_sent = not any(v is None for v in results.values()) and start == 0
                if isinstance(error, RetryAfter | TemporaryFailure) and nothing_sent:
                    raise error from exc
                for user in ids[start:]:
                    results.setdefault(users[user], error)
                break
            for user in pending:
                results[users[user]] = None
        return results

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


def _sent(answer: Any) -> str | None:
    """The message id of a one-recipient send, or its refusal raised."""
    if not isinstance(answer, dict):
        raise TemporaryFailure("OK answered a send with no object")
    success = answer.get("success")
    if isinstance(success, list):
        success = bool(success) and success[0] is True
    if success is False:
        raise MessagesNotAllowed("OK: the person does not take the group's messages")
    message_id = answer.get("message_id")
    return str(message_id) if isinstance(message_id, str | int) else None
