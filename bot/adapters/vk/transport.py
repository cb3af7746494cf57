"""Delivering neutral replies through VK: messages.send and edit, keyboards, uploads, errors.

Every community token is one `VkClient` (its own `VkApi`, group id and worker threads: vk_api
is blocking and serialises the calls of one `VkApi` under a lock, so calls run in the
client's executor and never on the event loop). `VkTransport` implements
`bot.core.transport.Transport` over those clients; the VK adapter sends its replies through the
same transport, so replies and the outbox share one rate limit per community.

VK deduplicates `messages.send` by `random_id` for a peer. The id is derived from a key that
names the logical message (the outbox message id, or the update id and reply index), so a
retry after a time-out cannot deliver a message twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import requests
import vk_api
from vk_api.exceptions import ApiError, ApiHttpError

from bot.adapters.vk import PLATFORM
from bot.adapters.vk.session import (
    DEFAULT_HTTP_TIMEOUT,
    DEFAULT_VK_API_URL,
    make_vk_api,
    make_vk_session,
)
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

MAX_TEXT_LENGTH = 4096
MAX_PEERS_PER_CALL = 100
MAX_LABEL_LENGTH = 40
MAX_ROW_WIDTH = 5
# (rows, buttons) per keyboard: VK's documented limits for inline and ordinary keyboards.
INLINE_LIMITS = (6, 10)
PLAIN_LIMITS = (10, 40)
# A message needs text or an attachment; extra keyboards travel under this neutral mark.
MORE_BUTTONS_TEXT = "⋯"
CHAT_PEER_START = 2_000_000_000
PHOTO_CACHE_SIZE = 256

RETRY_AFTER_SECONDS = {6: 1.0, 9: 5.0}
# 901: the person has not allowed the community's messages. Broadcasts learn it from the
# per-peer results of their `peer_ids` sends, VK's own answer at no extra call, rather than
# from one messages.isMessagesFromGroupAllowed per recipient (5,000 buyers would cost over
# four minutes of the token's 20 calls/s); message_allow / message_deny events keep the
# flag current, and comment drafts ask isMessagesFromGroupAllowed for the one person.
NOT_ALLOWED_CODE = 901
UNREACHABLE_CODES = frozenset({7, 15, 18, 900, 902})
PERMANENT_CODES = frozenset({100, 911, 914})

T = TypeVar("T")


# --- errors -----------------------------------------------------------------------------------


def error_for_code(code: int, description: str = "") -> DeliveryError:
    """The delivery error a VK API error code means (see bot/core/transport.py)."""
    reason = f"VK error {code}: {description}".rstrip(": ")
    if code in RETRY_AFTER_SECONDS:
        return RetryAfter(RETRY_AFTER_SECONDS[code], reason)
    if code == NOT_ALLOWED_CODE:
        return MessagesNotAllowed(reason)
    if code in UNREACHABLE_CODES:
        return RecipientUnreachable(reason)
    if code in PERMANENT_CODES:
        return PermanentFailure(reason)
    # 1 (unknown), 10 (internal), 5 (token revoked, may be fixed by the operator) and the
    # rest: retrying with back-off is the cautious choice.
    return TemporaryFailure(reason)


def delivery_error(exc: BaseException) -> DeliveryError:
    """Translate whatever vk_api or requests raised into a `DeliveryError`."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, ApiError):
        return error_for_code(exc.code, str(exc.error.get("error_msg", "")))
    if isinstance(exc, ApiHttpError):
        return TemporaryFailure(f"VK HTTP {exc.response.status_code}")
    if isinstance(exc, requests.RequestException | OSError | ValueError):
        # ValueError: a body that is not JSON (a proxy's error page).
        return TemporaryFailure(f"network: {type(exc).__name__}: {exc}")
    return TemporaryFailure(f"{type(exc).__name__}: {exc}")


# --- formatting -------------------------------------------------------------------------------


def random_id_for(*parts: object) -> int:
    """A stable non-zero signed 32-bit `random_id` for a logical message."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=4).digest()
    value = int.from_bytes(digest, "big", signed=True)
    return value or 1


def split_text(text: str, limit: int = MAX_TEXT_LENGTH) -> list[str]:
    """Cut a text into pieces of at most `limit` characters, at line breaks where possible."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", limit // 2, limit + 1)
        if cut == -1:
            cut = rest.rfind(" ", limit // 2, limit + 1)
        if cut == -1:
            pieces.append(rest[:limit])
            rest = rest[limit:]
        else:
            pieces.append(rest[:cut])
            rest = rest[cut + 1 :]  # the break itself is not worth a message of its own
    pieces.append(rest)
    return pieces


def label(text: str) -> str:
    text = " ".join(text.split()) or "…"
    return text if len(text) <= MAX_LABEL_LENGTH else text[: MAX_LABEL_LENGTH - 1] + "…"


def button_payload(packed: str) -> str:
    """What a VK button carries: our neutral packed payload under "p", as a JSON string."""
    return json.dumps({"p": packed}, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class ClientCaps:
    """What the person's VK app can show (message_new's client_info)."""

    inline_keyboard: bool = True
    callback: bool = True

    @classmethod
    def from_client_info(cls, info: Mapping[str, Any] | None) -> ClientCaps:
        if not isinstance(info, Mapping):
            return cls()
        actions = info.get("button_actions")
        return cls(
            inline_keyboard=bool(info.get("inline_keyboard", True)),
            callback=not isinstance(actions, list) or "callback" in actions,
        )


def _vk_button(button: Button, caps: ClientCaps) -> dict[str, Any]:
    if button.url is not None:
        return {"action": {"type": "open_link", "link": button.url, "label": label(button.text)}}
    assert button.payload is not None
    # Old apps without callback buttons get text buttons; their press arrives as a message
    # whose payload the adapter reads the same way.
    kind = "callback" if caps.callback and caps.inline_keyboard else "text"
    action = {"type": kind, "label": label(button.text), "payload": button_payload(button.payload)}
    return {"action": action, "color": "secondary"}


def build_keyboards(rows: Sequence[Sequence[Button]], caps: ClientCaps | None = None) -> list[str]:
    """Neutral button rows as VK keyboard JSON strings, within VK's limits.

    Rows wider than five are wrapped. Inline keyboards hold 6 rows and 10 buttons, so a long
    menu becomes several keyboards (several messages) rather than losing buttons. Apps
    without inline keyboards get one ordinary keyboard, cut at its limits.
    """
    wrapped = [
        list(row[i : i + MAX_ROW_WIDTH]) for row in rows for i in range(0, len(row), MAX_ROW_WIDTH)
    ]
    wrapped = [row for row in wrapped if row]
    if not wrapped:
        return []
    caps = caps or ClientCaps()
    inline = caps.inline_keyboard
    max_rows, max_buttons = INLINE_LIMITS if inline else PLAIN_LIMITS
    keyboards: list[list[list[Button]]] = [[]]
    count = 0
    for row in wrapped:
        current = keyboards[-1]
        if current and (len(current) >= max_rows or count + len(row) > max_buttons):
            if not inline:
                break  # one ordinary keyboard only: it replaces the previous one
            keyboards.append([])
            current, count = keyboards[-1], 0
        current.append(row)
        count += len(row)
    return [
        json.dumps(
            {
                "one_time": False,
                "inline": inline,
                "buttons": [[_vk_button(b, caps) for b in row] for row in keyboard],
            },
            ensure_ascii=False,
        )
        for keyboard in keyboards
    ]


def empty_keyboard() -> str:
    return json.dumps({"buttons": [], "inline": True})


@dataclass(frozen=True, slots=True)
class Part:
    """One messages.send call of a reply."""

    text: str
    attachment: str | None = None
    keyboard: str | None = None


def plan_parts(text: str, attachment: str | None, keyboards: list[str]) -> list[Part]:
    """Split a reply into VK messages: long text first, attachment and first keyboard last."""
    texts = split_text(text)
    parts = [Part(piece) for piece in texts[:-1]]
    last = texts[-1]
    if not last and attachment is None:
        last = MORE_BUTTONS_TEXT
    parts.append(Part(last, attachment, keyboards[0] if keyboards else None))
    parts += [Part(MORE_BUTTONS_TEXT, keyboard=keyboard) for keyboard in keyboards[1:]]
    return parts


def attachment_of_photo(photo: dict[str, Any]) -> str:
    name = f"photo{photo['owner_id']}_{photo['id']}"
    return f"{name}_{photo['access_key']}" if photo.get("access_key") else name


# --- clients ----------------------------------------------------------------------------------


class VkClient:
    """One community token: its `VkApi`, group id and name, and the threads its calls run in."""

    def __init__(
        self, vk: vk_api.VkApi, group_id: int, name: str = "", *, workers: int = 4
    ) -> None:
        self.vk = vk
        self.group_id = group_id
        self.name = name
        self.bot_key = str(group_id)
        # Several threads so an upload does not hold up event answers; API calls themselves
        # still go one at a time under the VkApi lock, which also paces them.
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix=f"vk-{group_id}")
        self._upload: vk_api.VkUpload | None = None
        self._photo_cache: OrderedDict[str, str] = OrderedDict()
        self._cache_lock = threading.Lock()  # uploads run in several executor threads
        # Told of every call VK answered with success, for /healthz (see `record_ok`).
        self.on_ok: Callable[[], None] | None = None

    @classmethod
    async def connect(
        cls,
        token: str,
        api_url: str = DEFAULT_VK_API_URL,
        *,
        min_interval: float | None = None,
        timeout: float | None = DEFAULT_HTTP_TIMEOUT,
    ) -> VkClient:
        """Create the client and learn which community the token belongs to (groups.getById)."""
        vk = make_vk_api(token, api_url, min_interval=min_interval, timeout=timeout)
        answer = await asyncio.to_thread(vk.method, "groups.getById", {})
        groups = answer["groups"] if isinstance(answer, dict) else answer
        group = groups[0]
        return cls(vk, int(group["id"]), str(group.get("name", "")))

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, partial(function, *args, **kwargs))

    async def call(self, method: str, **params: Any) -> Any:
        """One API method call; raises vk_api / requests errors as they are."""
        values = {k: v for k, v in params.items() if v is not None}
        answer = await self.run(self.vk.method, method, values)
        self.record_ok()
        return answer

    def record_ok(self) -> None:
        """VK answered a call of this community (an API method, or a long-poll check)."""
        if self.on_ok is not None:
            self.on_ok()

    def upload(self) -> vk_api.VkUpload:
        if self._upload is None:
            upload = vk_api.VkUpload(self.vk)
            # VkUpload's own session has no timeout; a stalled upload server must not hang us.
            upload.http = make_vk_session(timeout=DEFAULT_HTTP_TIMEOUT)
            self._upload = upload
        return self._upload

    def _upload_photo(self, content: bytes, peer_id: int | None) -> str:
        # One upload per picture: a broadcast with a photo reuses it for every recipient.
        key = hashlib.sha256(content).hexdigest()
        with self._cache_lock:
            cached = self._photo_cache.get(key)
            if cached is not None:
                self._photo_cache.move_to_end(key)
                return cached
        file = io.BytesIO(content)
        file.name = "photo.jpg"
        [photo] = self.upload().photo_messages(file, peer_id=peer_id)[:1]
        attachment = attachment_of_photo(photo)
        with self._cache_lock:
            self._photo_cache[key] = attachment
            if len(self._photo_cache) > PHOTO_CACHE_SIZE:
                self._photo_cache.popitem(last=False)
        return attachment

    def _upload_document(self, document: Document, peer_id: int) -> str:
        file = io.BytesIO(document.content)
        file.name = document.file_name
        saved = self.upload().document_message(file, title=document.file_name, peer_id=peer_id)
        doc = saved.get("doc") or saved.get(saved.get("type", ""), {})
        return f"doc{doc['owner_id']}_{doc['id']}"

    async def photo_attachment(self, photo: Photo, peer_id: int | None) -> str | None:
        if (
            photo.file_id
            and photo.platform in (None, PLATFORM)
            and photo.file_id.startswith("photo")
        ):
            return photo.file_id
        if photo.content:
            return await self.run(self._upload_photo, photo.content, peer_id)
        # Another platform's file id means nothing to VK and no bytes were kept.
        log.warning("VK: a photo without bytes or a VK id (%r) is left out", photo.file_id)
        return None

    def file_attachment(self, file: FileRef) -> str | None:
        """A file reference as messages.send takes it: the "doc<owner>_<id>[_key]" string
        the file arrived with; None for another platform's id (no bytes were kept to upload)."""
        if file.platform == PLATFORM and file.file_id.startswith("doc"):
            return file.file_id
        log.info("VK: a file from %s (%r) is left out", file.platform, file.file_id)
        return None

    async def document_attachment(self, document: Document, peer_id: int) -> str:
        return await self.run(self._upload_document, document, peer_id)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


# --- the transport ----------------------------------------------------------------------------


def _conversation_message_id(answer: Any) -> int | None:
    """The conversation message id from a one-peer `peer_ids` send, or its error raised."""
    item = answer[0] if isinstance(answer, list) and answer else {}
    if not isinstance(item, dict):
        return None
    error = item.get("error")
    if error:
        raise error_for_code(int(error.get("code", 0)), str(error.get("description", "")))
    cmid = item.get("conversation_message_id")
    return int(cmid) if cmid is not None else None


class VkTransport:
    """`bot.core.transport.Transport` for VK communities; `bot_key` is the community id."""

    platform = PLATFORM

    def __init__(
        self,
        clients: Sequence[VkClient],
        *,
        rate_per_token: float | None = None,
        remembered_peers: int = 100_000,
    ) -> None:
        """`rate_per_token`: API calls per second per community (VK allows 20); each client
        paces its own calls to it too, so replies and the outbox share one budget."""
        if not clients:
            raise ValueError("VkTransport needs at least one community")
        # VK sets no per-chat pace for community bots.
        self.limits = SendLimits(per_bot=rate_per_token, recipients_per_call=MAX_PEERS_PER_CALL)
        self.clients: dict[str, VkClient] = {client.bot_key: client for client in clients}
        self.default = clients[0]
        self._caps: OrderedDict[int, ClientCaps] = OrderedDict()
        self._remembered_peers = remembered_peers

    @classmethod
    async def connect(
        cls,
        tokens: Iterable[str],
        api_url: str = DEFAULT_VK_API_URL,
        *,
        rate_per_token: float | None = None,
        timeout: float | None = DEFAULT_HTTP_TIMEOUT,
    ) -> VkTransport:
        min_interval = None if rate_per_token is None else 1.0 / rate_per_token
        clients = []
        for number, token in enumerate(tokens, start=1):
            try:
                clients.append(
                    await VkClient.connect(
                        token, api_url, min_interval=min_interval, timeout=timeout
                    )
                )
            except Exception as exc:
                for client in clients:
                    client.close()
                # Never echo the token itself.
                raise RuntimeError(f"VK token #{number} was not accepted: {exc}") from None
        return cls(clients, rate_per_token=rate_per_token)

    def report_to(self, on_ok: Callable[[], None]) -> None:
        """Tell `on_ok` of every call VK answered, whichever community made it (for
        /healthz: `runtime.health.recorder(PLATFORM)`)."""
        for client in self.clients.values():
            client.on_ok = on_ok

    def client(self, bot_key: str = "") -> VkClient:
        if not bot_key:
            return self.default
        client = self.clients.get(bot_key)
        if client is None:
            raise PermanentFailure(f"VK community {bot_key} is not configured")
        return client

    def remember_client(self, peer_id: int, client_info: Mapping[str, Any] | None) -> None:
        """Keep what the person's app can show, for the keyboards of the next messages."""
        self._caps[peer_id] = ClientCaps.from_client_info(client_info)
        self._caps.move_to_end(peer_id)
        if len(self._caps) > self._remembered_peers:
            self._caps.popitem(last=False)

    def caps(self, peer_id: int) -> ClientCaps:
        return self._caps.get(peer_id, ClientCaps())

    # --- sending ------------------------------------------------------------------------------

    async def send(
        self, chat_id: str, reply: Reply, *, bot_key: str = "", message_key: str | None = None
    ) -> str | None:
        """Deliver one reply (several VK messages if it is long or has many buttons).

        `message_key` names the logical message (e.g. the outbox message id): sending again
        with the same key is deduplicated by VK. Without one each call is a new message.
        """
        client = self.client(bot_key)
        peer = _peer(chat_id)
        key = message_key or uuid.uuid4().hex
        try:
            attachments = []
            if reply.photo is not None:
                attachments.append(await client.photo_attachment(reply.photo, peer))
            if reply.document is not None:
                attachments.append(await client.document_attachment(reply.document, peer))
            if reply.file is not None:
                attachments.append(client.file_attachment(reply.file))
            attachment = ",".join(a for a in attachments if a) or None
            parts = plan_parts(
                reply.text, attachment, build_keyboards(reply.buttons, self.caps(peer))
            )
            # In a conversation VK answers a community's send with message id 0; only the
            # `peer_ids` form tells the message's conversation id, which is unique there
            # (and what posts in a chat are recorded by).
            chat = peer >= CHAT_PEER_START
            target = {"peer_ids": str(peer)} if chat else {"peer_id": peer}
            message_id = None
            for index, part in enumerate(parts):
                answer = await client.call(
                    "messages.send",
                    **target,
                    random_id=random_id_for(client.bot_key, peer, key, index),
                    message=part.text,
                    attachment=part.attachment,
                    keyboard=part.keyboard,
                )
                message_id = _conversation_message_id(answer) if chat else answer
        except Exception as exc:
            raise delivery_error(exc) from exc
        return None if message_id is None else str(message_id)

    async def send_many(
        self,
        chat_ids: list[str],
        reply: Reply,
        *,
        bot_key: str = "",
        message_key: str | None = None,
    ) -> dict[str, DeliveryError | None]:
        """One reply to many people, up to 100 peers per messages.send call."""
        client = self.client(bot_key)
        key = message_key or uuid.uuid4().hex
        results: dict[str, DeliveryError | None] = {}
        peers: dict[int, str] = {}
        for chat_id in chat_ids:
            try:
                peers[_peer(chat_id)] = chat_id
            except PermanentFailure as exc:
                results[chat_id] = exc
        try:
            attachments = []
            if reply.photo is not None:
                attachments.append(await client.photo_attachment(reply.photo, None))
            if reply.file is not None:
                attachments.append(client.file_attachment(reply.file))
            attachment = ",".join(a for a in attachments if a) or None
            parts = plan_parts(reply.text, attachment, build_keyboards(reply.buttons))
        except Exception as exc:
            raise delivery_error(exc) from exc
        batch_ids = list(peers)
        for start in range(0, len(batch_ids), MAX_PEERS_PER_CALL):
            batch = batch_ids[start : start + MAX_PEERS_PER_CALL]
            try:
                outcome = await self._send_batch(client, batch, parts, key)
            except DeliveryError as exc:
                nothing_sent = not any(v is None for v in results.values())
                if isinstance(exc, RetryAfter | TemporaryFailure):
                    if nothing_sent:
                        raise
                    # Part of the list got it: the rest wait for the sender's retry (same
                    # random_id, so the delivered ones are not sent twice).
                    for peer in batch_ids[start:]:
                        results[peers[peer]] = exc
                    break
                outcome = dict.fromkeys(batch, exc)
            for peer, error in outcome.items():
                results[peers[peer]] = error
        return results

    async def _send_batch(
        self, client: VkClient, batch: list[int], parts: list[Part], key: str
    ) -> dict[int, DeliveryError | None]:
        outcome: dict[int, DeliveryError | None] = dict.fromkeys(batch)
        for index, part in enumerate(parts):
            targets = [peer for peer in batch if outcome[peer] is None]
            if not targets:
                break
            try:
                answer = await client.call(
                    "messages.send",
                    peer_ids=",".join(map(str, targets)),
                    # One id per part for every peer: VK dedups per peer, so a retried list
                    # skips the people who already got it.
                    random_id=random_id_for(client.bot_key, "many", key, index),
                    message=part.text,
                    attachment=part.attachment,
                    keyboard=part.keyboard,
                )
            except Exception as exc:
                raise delivery_error(exc) from exc
            for item in answer if isinstance(answer, list) else []:
                error = item.get("error") if isinstance(item, dict) else None
                if error:
                    code = int(error.get("code", 0))
                    outcome[int(item["peer_id"])] = error_for_code(
                        code, str(error.get("description", ""))
                    )
        return outcome

    async def edit(
        self, chat_id: str, conversation_message_id: int, reply: Reply, *, bot_key: str = ""
    ) -> bool:
        """Replace a message's text and buttons in place; False if VK cannot (send anew)."""
        client = self.client(bot_key)
        peer = _peer(chat_id)
        keyboards = build_keyboards(reply.buttons, self.caps(peer))
        if (
            len(reply.text) > MAX_TEXT_LENGTH
            or len(keyboards) > 1
            or reply.document is not None
            or reply.file is not None
            or not (reply.text or reply.photo)
        ):
            return False
        try:
            attachment = await client.photo_attachment(reply.photo, peer) if reply.photo else None
            await client.call(
                "messages.edit",
                peer_id=peer,
                conversation_message_id=conversation_message_id,
                message=reply.text,
                attachment=attachment,
                keyboard=keyboards[0] if keyboards else empty_keyboard(),
            )
        except Exception as exc:
            # Too old to edit, deleted, not ours: a new message does the job.
            log.info(
                "VK: edit of %s/%s failed (%s), sending anew", peer, conversation_message_id, exc
            )
            return False
        return True

    async def messages_allowed(self, user_id: str | int, *, bot_key: str = "") -> bool:
        """messages.isMessagesFromGroupAllowed: may the community write to this person first?

        The outbox sender asks before broadcasts; a network or VK error raises a
        `DeliveryError` like a send would.
        """
        client = self.client(bot_key)
        try:
            answer = await client.call(
                "messages.isMessagesFromGroupAllowed",
                group_id=client.group_id,
                user_id=int(user_id),
            )
        except Exception as exc:
            raise delivery_error(exc) from exc
        return bool(answer.get("is_allowed")) if isinstance(answer, dict) else bool(answer)

    async def close(self) -> None:
        for client in self.clients.values():
            client.close()


def _peer(chat_id: str | int) -> int:
    try:
        return int(chat_id)
    except (TypeError, ValueError):
        raise PermanentFailure(f"{chat_id!r} is not a VK peer id") from None
