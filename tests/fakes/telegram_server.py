"""A fake Telegram Bot API server for tests.

Why: tests should drive the real aiogram stack (HTTP session, (de)serialisation, polling loop,
error classes) without touching the network. This server speaks the Bot API wire format on
127.0.0.1, records what the bot sent, lets tests inject updates, failures and delays, and can
enforce Telegram-like rate limits for benchmarks.

    async with FakeTelegramServer(token="123:ABC") as server:
        session = AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))
        bot = Bot("123:ABC", session=session)
        server.user_message(42, "/start")
        ...  # run the dispatcher
        await server.wait_for_sent(1)
        assert server.messages_to(42)[0]["text"] == "..."

Where cheap, it is as strict as Telegram (unknown message ids, HTML that Telegram would reject,
over-long texts, callback_data over 64 bytes, "message is not modified"), because those are the
errors a bot meets in production. Methods it does not implement answer 404, like Telegram.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import mimetypes
import posixpath
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, NoReturn, Self, TypeVar
from urllib.parse import urlsplit

from aiohttp import web

__all__ = ["FakeTelegramServer", "UploadedFile"]

log = logging.getLogger(__name__)

JSON = dict[str, Any]
Params = dict[str, Any]
Handler = Callable[[Params], Awaitable[Any]]
T = TypeVar("T")

TEXT_LIMIT = 4096  # characters of a message text after entity parsing
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64  # bytes
CALLBACK_ANSWER_LIMIT = 200
MAX_UPLOAD = 64 * 1024 * 1024
SUPERGROUP_ID_BASE = -1_000_000_000_000  # supergroup and channel ids are -100xxxxxxxxxx

# On the wire aiogram sends str values raw and json.dumps() everything else (ints, bools, lists,
# objects), all as form fields. So a form value is JSON unless the field is a Bot API string,
# in which case "123" or "true" must stay text.
# fmt: off
_STRING_FIELDS = frozenset({
    "action", "address", "animation", "audio", "business_connection_id", "callback_query_id",
    "caption", "custom_title", "description", "document", "emoji", "file_id", "first_name",
    "inline_message_id", "ip_address", "language_code", "last_name", "message_effect_id",
    "name", "parse_mode", "phone_number", "photo", "question", "secret_token",
    "short_description", "sticker", "text", "thumbnail", "title", "url", "video", "video_note",
    "voice",
})
# fmt: on
# Object/array fields. JSON bodies may carry them as strings too (Telegram accepts both).
# fmt: off
_JSON_FIELDS = frozenset({
    "allowed_updates", "caption_entities", "commands", "entities", "link_preview_options",
    "media", "permissions", "reply_markup", "reply_parameters", "scope",
})
# fmt: on
_ID_FIELDS = frozenset({"chat_id", "from_chat_id"})  # int, or "@channelusername"

_SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup"})
# Methods that reach a chat, so a user who blocked the bot makes them fail with 403.
_CHAT_WRITE_METHODS = _SEND_METHODS | {
    "sendChatAction",
    "editMessageText",
    "editMessageCaption",
    "editMessageReplyMarkup",
}
# What getUpdates delivers when allowed_updates was never set or set to [].
_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,})?")
_BOT_COMMAND_NAME_RE = re.compile(r"[a-z0-9_]{1,32}")
_INT_RE = re.compile(r"-?\d+")

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: fake failure",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

# ChatMember fields aiogram 3.31 requires per status (defaults, overridable per member).
_ADMIN_RIGHTS: JSON = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_send_welcome_messages": False,
    "can_post_messages": True,
    "can_edit_messages": True,
    "can_pin_messages": True,
    "can_manage_topics": False,
}
# fmt: off
_RESTRICTED_RIGHTS: JSON = {
    "is_member": True,
    "until_date": 0,
    **dict.fromkeys((
        "can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos",
        "can_send_videos", "can_send_video_notes", "can_send_voice_notes", "can_send_polls",
        "can_send_other_messages", "can_add_web_page_previews", "can_react_to_messages",
        "can_edit_tag", "can_change_info", "can_invite_users", "can_pin_messages",
        "can_manage_topics",
    ), False),
}
# fmt: on
_MEMBER_FIELDS: dict[str, JSON] = {
    "creator": {"is_anonymous": False},
    "administrator": _ADMIN_RIGHTS,
    "member": {},
    "restricted": _RESTRICTED_RIGHTS,
    "left": {},
    "kicked": {"until_date": 0},
}

_HTML_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request, as the bot uploaded it."""

    filename: str
    content_type: str
    content: bytes


class _ApiError(Exception):
    """Raised inside handlers; becomes {"ok": false, ...} with the matching HTTP status."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def response(self) -> web.Response:
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return web.json_response(body, status=self.code)


@dataclass
class _StoredFile:
    kind: str  # "photo" or "document"
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes | None
    filename: str | None
    mime_type: str | None
    url: str | None
    descriptor: Any = None  # what messages embed: a list of PhotoSize or a Document


@dataclass
class _Rule:
    """An injected failure or delay for the next `times` matching calls (None = until cleared)."""

    method: str  # lower-case method name, or "*"
    chat_id: int | None
    times: int | None
    error: _ApiError | None = None
    seconds: float = 0.0
    process_first: bool = False
    # An answer in place of the method's own (a body Telegram should never send).
    raw: str | None = None


def _take_rule(rules: list[_Rule], method: str, chat_id: int | None) -> _Rule | None:
    for rule in rules:
        if rule.method not in ("*", method.lower()):
            continue
        if rule.chat_id is not None and rule.chat_id != chat_id:
            continue
        if rule.times is not None:
            rule.times -= 1
            if rule.times <= 0:
                rules.remove(rule)
        return rule
    return None


@dataclass
class _TokenBucket:
    """`rate` sends per second with a burst of max(1, rate): a 1/s chat limit lets exactly one
    message through, then one per second; fractional rates (20/60 for groups) work too."""

    rate: float
    updated: float
    tokens: float = field(init=False)

    def __post_init__(self) -> None:
        self.tokens = max(1.0, self.rate)

    def ready(self, now: float) -> bool:
        capacity = max(1.0, self.rate)
        self.tokens = min(capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return self.tokens >= 1.0


def _utf16_len(text: str) -> int:
    # Telegram measures lengths and entity offsets in UTF-16 code units.
    return len(text.encode("utf-16-le")) // 2


def _bad_request(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


class _TelegramHtml(HTMLParser):
    """Telegram-flavoured HTML -> (plain text, entities), rejecting what the Bot API rejects:
    unsupported tags such as <br> or <p>, unbalanced tags, <span> without tg-spoiler."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._source = source
        self._line_starts = [0, *(m.end() for m in re.finditer("\n", source))]
        self._parts: list[str] = []
        self._length = 0
        self._open: list[tuple[str, int, dict[str, str | None]]] = []
        self.entities: list[JSON] = []

    def parse(self) -> tuple[str, list[JSON]]:
        self.feed(self._source)
        self.close()
        if self._open:
            tag = self._open[-1][0]
            raise _bad_request(
                f"can't parse entities: Can't find end tag corresponding to start tag \"{tag}\""
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self._parts), self.entities

    def _fail(self, reason: str) -> NoReturn:
        line, column = self.getpos()
        char_offset = self._line_starts[line - 1] + column
        byte_offset = len(self._source[:char_offset].encode())
        raise _bad_request(f"can't parse entities: {reason} at byte offset {byte_offset}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag not in _HTML_ENTITY_TYPES:
            self._fail(f'Unsupported start tag "{tag}"')
        if tag == "span" and attributes.get("class") != "tg-spoiler":
            self._fail('Tag "span" must have class "tg-spoiler"')
        self._open.append((tag, self._length, attributes))

    def handle_endtag(self, tag: str) -> None:
        if not self._open:
            self._fail("Unexpected end tag")
        if self._open[-1][0] != tag:
            self._fail(f'Unmatched end tag, expected "</{self._open[-1][0]}>", found "</{tag}>"')
        _, start, attributes = self._open.pop()
        if tag == "code" and self._open and self._open[-1][0] == "pre":
            # <pre><code class="language-x"> is one pre entity with a language.
            language = (attributes.get("class") or "").removeprefix("language-")
            if language:
                self._open[-1][2]["language"] = language
            return
        length = self._length - start
        if length == 0:
            return  # Telegram drops empty entities
        entity: JSON = {"type": _HTML_ENTITY_TYPES[tag], "offset": start, "length": length}
        if tag == "a":
            if not attributes.get("href"):
                return
            entity["url"] = attributes["href"]
        elif tag == "pre" and attributes.get("language"):
            entity["language"] = attributes["language"]
        elif tag == "blockquote" and "expandable" in attributes:
            entity["type"] = "expandable_blockquote"
        elif tag == "tg-emoji":
            entity["custom_emoji_id"] = attributes.get("emoji-id") or ""
        self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        self._parts.append(data)
        self._length += _utf16_len(data)


def _command_entities(text: str | None) -> list[JSON]:
    match = _COMMAND_RE.match(text or "")
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": _utf16_len(match.group())}]


def _decode_form_value(key: str, value: str) -> Any:
    if key in _ID_FIELDS:
        return int(value) if _INT_RE.fullmatch(value) else value
    if key in _STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _decode_json_value(key: str, value: Any) -> Any:
    if key in _ID_FIELDS and isinstance(value, str) and _INT_RE.fullmatch(value):
        return int(value)
    if key in _JSON_FIELDS and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise _bad_request(f"can't parse {key} JSON object") from None
    return value


def _attach_files(params: Params, files: dict[str, UploadedFile]) -> Params:
    """Replace "attach://<part>" references (aiogram uploads every InputFile that way, even a
    top-level `photo`) by the uploaded part; parts sent under their own name stay as they are."""
    used: set[str] = set()

    def resolve(value: Any) -> Any:
        if isinstance(value, str) and value.startswith("attach://"):
            name = value.removeprefix("attach://")
            if name not in files:
                raise _bad_request(f"file {name} not found in the request")
            used.add(name)
            return files[name]
        if isinstance(value, list):
            return [resolve(item) for item in value]
        if isinstance(value, dict):
            return {key: resolve(item) for key, item in value.items()}
        return value

    resolved = {key: resolve(value) for key, value in params.items()}
    for name, upload in files.items():
        if name not in used:
            resolved[name] = upload
    return resolved


def _int_param(params: Params, key: str, default: int) -> int:
    value = params.get(key)
    if value is None:
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _bad_request(f"invalid {key} specified") from None


class FakeTelegramServer:
    """An in-process Bot API server on 127.0.0.1; see the module docstring."""

    def __init__(
        self,
        token: str = "123:ABC",
        *,
        bot_id: int | None = None,
        username: str = "sp_test_bot",
        first_name: str = "SP Test Bot",
        global_rate: float | None = None,
        per_chat_rate: float | None = None,
        host: str = "127.0.0.1",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`global_rate` / `per_chat_rate`: send* calls per second before answering 429
        (None = unlimited). `clock` drives only the rate limiter, so tests can move time."""
        self.token = token
        if bot_id is None:
            prefix = token.split(":", 1)[0]
            bot_id = int(prefix) if prefix.isdigit() else 123
        self.bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": first_name,
            "username": username,
        }
        self.global_rate = global_rate
        self.per_chat_rate = per_chat_rate
        self.host = host
        self.port = 0
        self._clock = clock

        # What the bot did, for assertions.
        self.requests: list[tuple[str, Params]] = []
        # How each request was encoded: (method, Content-Type).
        self.encodings: list[tuple[str, str]] = []
        self.sent: list[JSON] = []
        self.edits: list[JSON] = []
        self.deleted: list[tuple[int, int]] = []
        self.callback_answers: list[JSON] = []
        self.chat_actions: list[JSON] = []
        self.webhook: Params | None = None
        self.filtered_updates: list[JSON] = []  # dropped because of allowed_updates
        self.errors: list[BaseException] = []  # bugs in this fake, surfaced as HTTP 500
        self.sent_count = 0
        self.too_many_requests = 0

        # The simulated Telegram side.
        self._updates: list[JSON] = []
        self._next_update_id = 1
        self._allowed_updates: frozenset[str] | None = None
        self._poll_generation = 0
        self._chats: dict[int, JSON] = {}
        self._usernames: dict[str, int] = {}
        self._users: dict[int, JSON] = {}
        self._members: dict[tuple[int, int], JSON] = {}
        self._messages: dict[tuple[int, int], JSON] = {}
        self._last_message_id: dict[int, int] = {}
        self._files: dict[str, _StoredFile] = {}
        self._file_paths: dict[str, _StoredFile] = {}
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._callback_ids: set[str] = set()
        self._blocked: set[int] = set()
        # People who never started the bot in private: a bot may not write to them first.
        self._not_started: set[int] = set()
        self._failures: list[_Rule] = []
        self._delays: list[_Rule] = []
        self._global_bucket: _TokenBucket | None = None
        self._chat_buckets: dict[int, _TokenBucket] = {}
        self._ids = itertools.count(1)
        self._change = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None

        handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendMediaGroup": self._send_media_group,
            "sendChatAction": self._send_chat_action,
            "answerCallbackQuery": self._answer_callback_query,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_chat_administrators,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getMyCommands": self._get_my_commands,
            "getFile": self._get_file,
        }
        # Bot API method names are case-insensitive.
        self._handlers = {name.lower(): (name, handler) for name, handler in handlers.items()}

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> None:
        self._closing = False
        app = web.Application(client_max_size=MAX_UPLOAD)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        # handler_cancellation: a client that gives up (request timeout, stop_polling) cancels
        # its handler instead of leaving a long poll behind; a short shutdown keeps tests fast.
        runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=0.5
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, 0)
        await site.start()
        self._runner = runner
        self.port = runner.addresses[0][1]

    async def stop(self) -> None:
        self._closing = True
        self._notify()  # long polls return [] instead of holding the shutdown
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        if not self.port:
            raise RuntimeError("FakeTelegramServer is not started")
        return f"http://{self.host}:{self.port}"

    # ------------------------------------------------------------------ assertions

    def messages_to(self, chat_id: int | str) -> list[JSON]:
        """Sent messages (records of `server.sent`) addressed to one chat, in order."""
        target = self._resolve_chat_id(chat_id)
        return [record for record in self.sent if record["chat_id"] == target]

    def calls(self, method: str) -> list[Params]:
        """Parameters of every request of one method (failed ones included), in order."""
        return [params for name, params in self.requests if name.lower() == method.lower()]

    def message(self, chat_id: int | str, message_id: int) -> JSON | None:
        """The current state of a message (after edits), or None if unknown or deleted."""
        stored = self._messages.get((self._resolve_chat_id(chat_id), message_id))
        return dict(stored) if stored else None

    def commands_for(
        self, scope: Mapping[str, Any] | None = None, language_code: str = ""
    ) -> list[JSON] | None:
        """Commands set with setMyCommands for a scope (default scope if None)."""
        return self._commands.get(self._commands_key(scope, language_code))

    @property
    def pending_updates(self) -> list[JSON]:
        """Queued updates the bot has not confirmed yet."""
        return list(self._updates)

    def forget_updates(self) -> None:
        """Forget the queued updates, as Telegram does once a getUpdates confirmed them."""
        self._updates.clear()

    async def wait_for(
        self,
        predicate: Callable[[], T],
        timeout: float = 5.0,
        *,
        what: str = "condition",
    ) -> T:
        """Wait until `predicate()` is truthy (re-checked after every request) and return it."""
        try:
            async with asyncio.timeout(timeout):
                while not (result := predicate()):
                    await self._change.wait()
                return result
        except TimeoutError:
            raise TimeoutError(f"{what} not met within {timeout}s") from None

    async def wait_for_sent(
        self,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[JSON]:
        """Wait until at least `count` messages were sent; returns all sent records."""
        try:
            return await self.wait_for(
                lambda: list(self.sent) if len(self.sent) >= count else [], timeout
            )
        except TimeoutError:
            texts = [record.get("text") or record.get("caption") for record in self.sent]
            raise TimeoutError(
                f"expected {count} sent message(s) within {timeout}s, got {len(texts)}: {texts}"
            ) from None

    # ------------------------------------------------------------------ injection

    def fail_next(
        self,
        method: str,
        error_code: int = 400,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        times: int | None = 1,
        chat_id: int | str | None = None,
    ) -> None:
        """Make the next `times` calls of `method` ("*" = any; None times = until
        clear_failures()) fail, optionally only for one chat. A 429 always carries retry_after
        (default 1), as Telegram's do, so aiogram raises TelegramRetryAfter."""
        if error_code == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            if error_code == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            else:
                description = _DEFAULT_DESCRIPTIONS.get(error_code, f"Error {error_code}")
        parameters: JSON = {}
        if retry_after is not None:
            parameters["retry_after"] = retry_after
        if migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = migrate_to_chat_id
        error = _ApiError(error_code, description, parameters or None)
        self._failures.append(_Rule(method.lower(), self._rule_chat(chat_id), times, error=error))

    def answer_next(self, method: str, body: JSON | str, times: int | None = 1) -> None:
        """Answer the next `times` calls of `method` with `body` (a JSON value, or text sent
        as is) instead of the method's result: `{"ok": true}` without a result, nonsense."""
        raw = body if isinstance(body, str) else json.dumps(body)
        self._failures.append(_Rule(method.lower(), None, times, raw=raw))

    def delay_next(
        self,
        method: str,
        seconds: float,
        times: int | None = 1,
        *,
        process_first: bool = False,
        chat_id: int | str | None = None,
    ) -> None:
        """Delay the next `times` calls of `method` ("*" = any). By default the call waits
        before doing anything, so a client that times out leaves no trace. With
        `process_first` it takes effect at once and only the answer is late: the "sent, but the
        client saw a timeout" case that makes naive retries send duplicates."""
        rule = _Rule(
            method.lower(),
            self._rule_chat(chat_id),
            times,
            seconds=seconds,
            process_first=process_first,
        )
        self._delays.append(rule)

    def clear_failures(self) -> None:
        self._failures.clear()
        self._delays.clear()

    def block_user(self, chat_id: int | str) -> None:
        """Every send/edit to this chat answers 403, as after the user blocked the bot."""
        self._blocked.add(self._resolve_chat_id(chat_id))

    def unblock_user(self, chat_id: int | str) -> None:
        self._blocked.discard(self._resolve_chat_id(chat_id))

    def never_started(self, user_id: int) -> None:
        """The person has never written to the bot in private: writing to them answers 403
        ("bot can't initiate conversation with a user") until they do (their first private
        message, /start, lifts it), as on Telegram."""
        self._not_started.add(user_id)

    def set_chat_member(
        self, chat_id: int | str, user_id: int, status: str = "member", **fields: Any
    ) -> JSON:
        """What getChatMember answers for (chat, user): "creator", "administrator", "member",
        "restricted", "left" or "kicked"; `fields` override rights such as can_post_messages."""
        if status not in _MEMBER_FIELDS:
            raise ValueError(f"unknown chat member status {status!r}")
        target = self._resolve_chat_id(chat_id)
        member = {"status": status, "user": self._user_for(user_id), **_MEMBER_FIELDS[status]}
        member.update(fields)
        self._members[(target, user_id)] = member
        return dict(member)

    def add_file(
        self,
        content: bytes,
        *,
        kind: str = "document",
        filename: str | None = None,
        mime_type: str | None = None,
    ) -> str:
        """Register a file as if someone had uploaded it; returns its file_id."""
        return self._store_file(kind, content, filename=filename, mime_type=mime_type).file_id

    def push_update(self, update: Mapping[str, Any]) -> JSON:
        """Queue a raw update for getUpdates; assigns the next update_id if it has none."""
        update_id = update.get("update_id", self._next_update_id)
        queued = {"update_id": update_id, **{k: v for k, v in update.items() if k != "update_id"}}
        self._next_update_id = max(self._next_update_id, update_id + 1)
        self._updates.append(queued)
        self._notify()
        return queued

    def user_message(
        self,
        user_id: int,
        text: str | None = None,
        *,
        chat_id: int | None = None,
        chat_type: str = "private",
        chat_title: str | None = None,
        first_name: str = "Test",
        last_name: str | None = None,
        language_code: str | None = "ru",
        username: str | None = None,
        photo: bytes | str | None = None,
        document: bytes | tuple[str, bytes] | str | None = None,
        reply_to_message_id: int | None = None,
        message_thread_id: int | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> JSON:
        """Queue a message from a user. With `photo`/`document` (bytes, (filename, bytes) for a
        document, or an existing file_id) the text becomes the caption. A leading /command
        (also /command@botname) gets its bot_command entity, as Telegram adds it."""
        if chat_id is None:
            if chat_type != "private":
                raise ValueError(f"a {chat_type} message needs a chat_id")
            chat_id = user_id
        user = self._remember_user(user_id, first_name, last_name, username, language_code)
        chat = self._remember_chat(chat_id, chat_type, title=chat_title, user=user)
        if chat_type == "private":
            self._not_started.discard(user_id)  # writing to the bot starts it
        fields = {**self._incoming_content(text, photo, document), **(extra or {})}
        message = self._new_message(
            chat,
            user,
            fields,
            reply_to_message_id=reply_to_message_id,
            message_thread_id=message_thread_id,
        )
        return self.push_update({"message": message})

    def edited_message(
        self,
        user_id: int,
        message_id: int,
        text: str,
        *,
        chat_id: int | None = None,
    ) -> JSON:
        """Queue an edit of a message the user sent earlier (the stored copy follows)."""
        chat_id = user_id if chat_id is None else chat_id
        stored = self._messages.get((chat_id, message_id))
        if stored is None:
            raise LookupError(f"no message {message_id} in chat {chat_id} to edit")
        message = dict(stored)
        is_media = "photo" in message or "document" in message
        key, entities_key = ("caption", "caption_entities") if is_media else ("text", "entities")
        message.pop(entities_key, None)
        message[key] = text
        if entities := _command_entities(text):
            message[entities_key] = entities
        message["edit_date"] = int(time.time())
        self._messages[(chat_id, message_id)] = message
        return self.push_update({"edited_message": message})

    def callback_query(
        self,
        user_id: int,
        data: str,
        *,
        message_id: int | None = None,
        chat_id: int | None = None,
        first_name: str = "Test",
        username: str | None = None,
        language_code: str | None = "ru",
    ) -> JSON:
        """Queue an inline-button press. The message defaults to the bot's latest message in
        the chat; an unknown message_id gets a placeholder bot message so edits work."""
        chat_id = user_id if chat_id is None else chat_id
        user = self._remember_user(user_id, first_name, None, username, language_code)
        chat = self._chat_for(chat_id)
        if message_id is None:
            message_id = max(self._bot_message_ids(chat_id), default=None)
        message = self._messages.get((chat_id, message_id)) if message_id else None
        if message is None:
            message = self._new_message(chat, self.bot_user, {"text": "…"}, message_id)
        query_id = str(4_000_000_000_000_000 + next(self._ids))
        self._callback_ids.add(query_id)
        query = {
            "id": query_id,
            "from": user,
            "message": dict(message),
            "chat_instance": f"ci{chat_id}",
            "data": data,
        }
        return self.push_update({"callback_query": query})

    def press_button(self, user_id: int, text: str, *, chat_id: int | None = None) -> JSON:
        """Press the inline button labelled `text` on the newest bot message in the chat that
        has one; raises LookupError listing the buttons on offer otherwise."""
        chat_id = user_id if chat_id is None else chat_id
        seen: list[str] = []
        for message_id in sorted(self._bot_message_ids(chat_id), reverse=True):
            markup = self._messages[(chat_id, message_id)].get("reply_markup") or {}
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    seen.append(button.get("text", ""))
                    if button.get("text") == text and "callback_data" in button:
                        return self.callback_query(
                            user_id, button["callback_data"], message_id=message_id, chat_id=chat_id
                        )
        raise LookupError(f"no inline button {text!r} in chat {chat_id}; buttons: {seen}")

    def my_chat_member(
        self,
        user_id: int,
        chat_id: int,
        *,
        new_status: str = "administrator",
        old_status: str = "left",
        chat_type: str = "supergroup",
        chat_title: str = "Test group",
        first_name: str = "Test",
        username: str | None = None,
        rights: Mapping[str, Any] | None = None,
    ) -> JSON:
        """Queue "user changed the bot's membership" (default: made it an admin of a
        supergroup; use chat_type="channel" for channels). getChatMember follows along."""
        user = self._remember_user(user_id, first_name, None, username, "ru")
        chat = self._remember_chat(chat_id, chat_type, title=chat_title)
        if old_status not in _MEMBER_FIELDS:
            raise ValueError(f"unknown chat member status {old_status!r}")
        old = {"status": old_status, "user": self.bot_user, **_MEMBER_FIELDS[old_status]}
        new = self.set_chat_member(chat_id, self.bot_user["id"], new_status, **(rights or {}))
        event = {
            "chat": chat,
            "from": user,
            "date": int(time.time()),
            "old_chat_member": old,
            "new_chat_member": new,
        }
        return self.push_update({"my_chat_member": event})

    def channel_post(
        self,
        chat_id: int,
        text: str | None = None,
        *,
        chat_title: str = "Test channel",
        username: str | None = None,
        photo: bytes | str | None = None,
        document: bytes | tuple[str, bytes] | str | None = None,
        author_signature: str | None = None,
    ) -> JSON:
        """Queue a post in a channel (channel posts have sender_chat and no from)."""
        chat = self._remember_chat(chat_id, "channel", title=chat_title, username=username)
        fields = self._incoming_content(text, photo, document)
        if author_signature:
            fields["author_signature"] = author_signature
        message = self._new_message(chat, None, fields)
        return self.push_update({"channel_post": message})

    # ------------------------------------------------------------------ HTTP plumbing

    def _notify(self) -> None:
        # Wake everything waiting for a change (long polls, wait_for) with a fresh event.
        self._change.set()
        self._change = asyncio.Event()

    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _ApiError(401, "Unauthorized").response()
        entry = self._handlers.get(request.match_info["method"].lower())
        method = entry[0] if entry else request.match_info["method"]
        self.encodings.append((method, request.content_type))
        try:
            params = await self._read_params(request)
        except _ApiError as exc:
            self.requests.append((method, {}))
            return exc.response()
        self.requests.append((method, params))
        self._notify()
        if entry is None:
            return _ApiError(404, "Not Found: method not found").response()

        chat_id = self._params_chat(params)
        delay = _take_rule(self._delays, method, chat_id)
        if delay and not delay.process_first:
            await asyncio.sleep(delay.seconds)
        try:
            failure = _take_rule(self._failures, method, chat_id)
            if failure is not None and failure.raw is not None:
                return web.Response(text=failure.raw, content_type="application/json")
            if failure is not None and failure.error is not None:
                raise failure.error
            if method in _CHAT_WRITE_METHODS and chat_id in self._blocked:
                raise self._blocked_error(chat_id)
            if method in _CHAT_WRITE_METHODS and chat_id in self._not_started:
                raise _ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            if method in _SEND_METHODS:
                self._check_rate(chat_id)
            result = await entry[1](params)
        except _ApiError as exc:
            response = exc.response()
        except Exception as exc:
            log.exception("FakeTelegramServer failed on %s", method)
            self.errors.append(exc)
            response = _ApiError(500, f"Internal Server Error: {exc!r}").response()
        else:
            response = web.json_response({"ok": True, "result": result})
        if delay and delay.process_first:
            await asyncio.sleep(delay.seconds)
        return response

    async def _read_params(self, request: web.Request) -> Params:
        params: Params = {k: _decode_form_value(k, v) for k, v in request.query.items()}
        files: dict[str, UploadedFile] = {}
        if request.content_type == "application/json":
            try:
                body = await request.json() if request.body_exists else {}
            except ValueError:
                raise _bad_request("can't parse JSON body") from None
            if not isinstance(body, dict):
                raise _bad_request("JSON body must be an object")
            params.update({key: _decode_json_value(key, value) for key, value in body.items()})
        elif request.body_exists:
            # Handles both application/x-www-form-urlencoded (aiogram without files) and
            # multipart/form-data (aiogram with at least one InputFile).
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = UploadedFile(value.filename, value.content_type, value.file.read())
                else:
                    params[key] = _decode_form_value(key, value)
        return _attach_files(params, files)

    async def _handle_file(self, request: web.Request) -> web.Response:
        stored = self._file_paths.get(request.match_info["path"])
        if request.match_info["token"] != self.token or stored is None or stored.content is None:
            return _ApiError(404, "Not Found").response()
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )

    def _params_chat(self, params: Params) -> int | None:
        try:
            return self._resolve_chat_id(params["chat_id"]) if "chat_id" in params else None
        except _ApiError:
            return None

    def _rule_chat(self, chat_id: int | str | None) -> int | None:
        return None if chat_id is None else self._resolve_chat_id(chat_id)

    def _blocked_error(self, chat_id: int) -> _ApiError:
        if chat_id > 0:
            return _ApiError(403, "Forbidden: bot was blocked by the user")
        kind = self._chat_for(chat_id)["type"]
        if kind == "channel":
            return _ApiError(403, "Forbidden: bot is not a member of the channel chat")
        return _ApiError(403, f"Forbidden: bot was kicked from the {kind} chat")

    def _check_rate(self, chat_id: int | None) -> None:
        now = self._clock()
        buckets: list[_TokenBucket] = []
        if self.global_rate is not None:
            if self._global_bucket is None:
                self._global_bucket = _TokenBucket(self.global_rate, now)
            buckets.append(self._global_bucket)
        if self.per_chat_rate is not None and chat_id is not None:
            bucket = self._chat_buckets.get(chat_id)
            if bucket is None:
                bucket = self._chat_buckets[chat_id] = _TokenBucket(self.per_chat_rate, now)
            buckets.append(bucket)
        # Check every bucket before taking from any: a rejected send costs nothing.
        if all([bucket.ready(now) for bucket in buckets]):
            for bucket in buckets:
                bucket.tokens -= 1.0
            return
        self.too_many_requests += 1
        raise _ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})

    # ------------------------------------------------------------------ world state

    def _resolve_chat_id(self, value: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            if _INT_RE.fullmatch(value):
                return int(value)
            if value.startswith("@") and len(value) > 1:
                name = value[1:]
                if name.lower() not in self._usernames:
                    chat_id = SUPERGROUP_ID_BASE - 1_000_000 - next(self._ids)
                    self._remember_chat(chat_id, "channel", title=name, username=name)
                return self._usernames[name.lower()]
        raise _bad_request("chat not found")

    def _require_chat(self, params: Params) -> int:
        if params.get("chat_id") in (None, ""):
            raise _bad_request("chat_id is empty")
        return self._resolve_chat_id(params["chat_id"])

    def _remember_user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
    ) -> JSON:
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self._users[user_id] = user
        return dict(user)

    def _user_for(self, user_id: int) -> JSON:
        if user_id == self.bot_user["id"]:
            return dict(self.bot_user)
        known = self._users.get(user_id)
        return dict(known) if known else {"id": user_id, "is_bot": False, "first_name": "User"}

    def _remember_chat(
        self,
        chat_id: int,
        chat_type: str,
        *,
        title: str | None = None,
        username: str | None = None,
        user: JSON | None = None,
    ) -> JSON:
        chat: JSON = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            user = user or self._user_for(chat_id)
            chat.update({k: user[k] for k in ("first_name", "last_name", "username") if k in user})
        else:
            known = self._chats.get(chat_id, {})
            chat["title"] = title or known.get("title") or f"Chat {chat_id}"
            username = username or known.get("username")
            if username:
                chat["username"] = username
                self._usernames[username.lower()] = chat_id
        self._chats[chat_id] = chat
        return dict(chat)

    def _chat_for(self, chat_id: int) -> JSON:
        """The chat as Telegram would describe it; unknown ids are guessed from their sign."""
        if chat_id in self._chats:
            return dict(self._chats[chat_id])
        if chat_id > 0:
            return self._remember_chat(chat_id, "private")
        kind = "supergroup" if chat_id <= SUPERGROUP_ID_BASE else "group"
        return self._remember_chat(chat_id, kind)

    def _new_message(
        self,
        chat: JSON,
        sender: JSON | None,
        fields: JSON,
        message_id: int | None = None,
        *,
        reply_to_message_id: int | None = None,
        message_thread_id: int | None = None,
        allow_missing_reply: bool = True,
    ) -> JSON:
        chat_id = chat["id"]
        if message_id is None:
            message_id = self._last_message_id.get(chat_id, 0) + 1
        self._last_message_id[chat_id] = max(self._last_message_id.get(chat_id, 0), message_id)
        message: JSON = {"message_id": message_id, "date": int(time.time()), "chat": chat}
        if chat["type"] == "channel":
            message["sender_chat"] = chat
        elif sender is not None:
            message["from"] = sender
        if message_thread_id:
            # A forum's topic, or (in a channel's discussion group) the comment thread of a
            # channel post, named by the id of the post's automatic copy there.
            message["message_thread_id"] = message_thread_id
            if chat.get("is_forum"):
                message["is_topic_message"] = True
        if reply_to_message_id:
            original = self._messages.get((chat_id, reply_to_message_id))
            if original is not None:
                # Telegram does not nest replies more than one level deep.
                message["reply_to_message"] = {
                    k: v for k, v in original.items() if k != "reply_to_message"
                }
            elif not allow_missing_reply:
                raise _bad_request("message to be replied not found")
        message.update(fields)
        self._messages[(chat_id, message_id)] = message
        return dict(message)

    def _bot_message_ids(self, chat_id: int) -> list[int]:
        bot_id = self.bot_user["id"]
        return [
            message_id
            for (chat, message_id), message in self._messages.items()
            if chat == chat_id
            and (message.get("from", {}).get("id") == bot_id or "sender_chat" in message)
        ]

    def _incoming_content(
        self,
        text: str | None,
        photo: bytes | str | None,
        document: bytes | tuple[str, bytes] | str | None,
    ) -> JSON:
        fields: JSON = {}
        if photo is not None:
            fields["photo"] = self._incoming_file("photo", photo, "photo.jpg").descriptor
        if document is not None:
            fields["document"] = self._incoming_file("document", document, "file.bin").descriptor
        key, entities_key = ("caption", "caption_entities") if fields else ("text", "entities")
        if text is not None:
            fields[key] = text
            if entities := _command_entities(text):
                fields[entities_key] = entities
        return fields

    def _incoming_file(
        self, kind: str, source: bytes | tuple[str, bytes] | str, default_name: str
    ) -> _StoredFile:
        if isinstance(source, str):
            known = self._files.get(source)
            return known or self._store_file(kind, None, filename=default_name, file_id=source)
        filename, content = source if isinstance(source, tuple) else (default_name, source)
        return self._store_file(kind, content, filename=filename)

    def _store_file(
        self,
        kind: str,
        content: bytes | None,
        *,
        filename: str | None = None,
        mime_type: str | None = None,
        url: str | None = None,
        file_id: str | None = None,
    ) -> _StoredFile:
        number = next(self._ids)
        if mime_type in (None, "", "application/octet-stream") and filename:
            mime_type = mimetypes.guess_type(filename)[0] or mime_type
        if kind == "photo":
            mime_type = mime_type or "image/jpeg"
        suffix = posixpath.splitext(filename or "")[1] or (".jpg" if kind == "photo" else "")
        stored = _StoredFile(
            kind=kind,
            file_id=file_id
            or f"{'AgAC' if kind == 'photo' else 'BQAC'}{number:06d}{secrets.token_hex(6)}",
            file_unique_id=f"AQAD{number:06d}",
            file_path=f"{'photos' if kind == 'photo' else 'documents'}/file_{number}{suffix}",
            content=content,
            filename=filename,
            mime_type=mime_type,
            url=url,
        )
        size = {"file_size": len(content)} if content is not None else {}
        if kind == "photo":
            # Telegram returns several sizes, smallest first; the last is the original.
            dimensions = [(90, 90), (320, 320), (800, 800)]
            stored.descriptor = [
                {
                    "file_id": stored.file_id
                    if i == len(dimensions) - 1
                    else f"{stored.file_id}_{i}",
                    "file_unique_id": f"{stored.file_unique_id}{i}",
                    **size,
                    "width": width,
                    "height": height,
                }
                for i, (width, height) in enumerate(dimensions)
            ]
            for photo_size in stored.descriptor:
                self._files[photo_size["file_id"]] = stored
        else:
            stored.descriptor = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                **({"file_name": filename} if filename else {}),
                **({"mime_type": mime_type} if mime_type else {}),
                **size,
            }
            self._files[stored.file_id] = stored
        self._file_paths[stored.file_path] = stored
        return stored

    def _ingest_file(self, kind: str, source: Any) -> _StoredFile:
        """A photo/document parameter: an upload, a known file_id, or an HTTP URL."""
        if isinstance(source, UploadedFile):
            return self._store_file(
                kind, source.content, filename=source.filename, mime_type=source.content_type
            )
        if isinstance(source, str) and source:
            known = self._files.get(source)
            if known is not None:
                if known.kind != kind:
                    raise _bad_request("type of file mismatch")
                return known
            if source.startswith(("http://", "https://")):
                name = posixpath.basename(urlsplit(source).path) or None
                return self._store_file(kind, None, filename=name, url=source)
            raise _bad_request("wrong file identifier/HTTP URL specified")
        raise _bad_request(f"there is no {kind} in the request")

    @staticmethod
    def _file_info(stored: _StoredFile, source: Any) -> JSON:
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "filename": stored.filename,
            "mime_type": stored.mime_type,
            "content": stored.content,
            "url": stored.url,
            "uploaded": isinstance(source, UploadedFile),
        }

    @staticmethod
    def _format(text: str, parse_mode: Any, entities: Any) -> tuple[str, list[JSON]]:
        """Plain text and entities, as Telegram stores a message (HTML is parsed/validated)."""
        if entities:
            return text, list(entities)
        if isinstance(parse_mode, str) and parse_mode.lower() == "html":
            return _TelegramHtml(text).parse()
        return text, []

    def _text_fields(self, params: Params, key: str, limit: int) -> JSON:
        """{"text"/"caption": plain, "...entities": [...]} from the request, validated."""
        entities_key = "entities" if key == "text" else "caption_entities"
        raw = params.get(key)
        if raw is None or raw == "":
            if key == "text":
                raise _bad_request("message text is empty")
            return {}
        plain, entities = self._format(str(raw), params.get("parse_mode"), params.get(entities_key))
        if not plain.strip():
            if key == "text":
                raise _bad_request("message text is empty")
            return {}
        if _utf16_len(plain) > limit:
            raise _bad_request(
                "message is too long" if key == "text" else "message caption is too long"
            )
        return {key: plain, entities_key: entities} if entities else {key: plain}

    @staticmethod
    def _check_markup(markup: Any) -> JSON | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad_request("can't parse reply keyboard markup JSON object")
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if set(button) <= {"text"}:
                    raise _bad_request(
                        "can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard"
                    )
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
                    raise _bad_request("BUTTON_DATA_INVALID")
        return markup

    def _send(self, method: str, params: Params, fields: JSON, **record: Any) -> JSON:
        """Create a bot message in the requested chat, record it in `sent` and return it."""
        chat = self._chat_for(self._require_chat(params))
        markup = self._check_markup(params.get("reply_markup"))
        reply = params.get("reply_parameters") or {}
        if markup and "inline_keyboard" in markup:
            # Only inline keyboards are part of the returned Message.
            fields = {**fields, "reply_markup": markup}
        message = self._new_message(
            chat,
            self.bot_user,
            fields,
            reply_to_message_id=params.get("reply_to_message_id") or reply.get("message_id"),
            message_thread_id=params.get("message_thread_id"),
            allow_missing_reply=bool(
                params.get("allow_sending_without_reply")
                or reply.get("allow_sending_without_reply")
            ),
        )
        self.sent.append(
            {
                "method": method,
                "chat_id": chat["id"],
                "message_id": message["message_id"],
                "text": None,
                "plain_text": message.get("text") or message.get("caption"),
                "caption": None,
                "parse_mode": params.get("parse_mode"),
                "reply_markup": markup,
                "photo": None,
                "document": None,
                "params": params,
                "message": message,
                **record,
            }
        )
        self.sent_count += 1
        self._notify()
        return message

    def _target_message(self, params: Params) -> JSON | None:
        """The message an edit refers to; None for inline messages (not stored)."""
        if params.get("inline_message_id"):
            return None
        chat_id = self._require_chat(params)
        message_id = _int_param(params, "message_id", 0)
        if not message_id:
            raise _bad_request("message identifier is not specified")
        message = self._messages.get((chat_id, message_id))
        if message is None:
            raise _bad_request("message to edit not found")
        if (
            message.get("from", {}).get("id") != self.bot_user["id"]
            and "sender_chat" not in message
        ):
            raise _bad_request("message can't be edited")
        return message

    def _apply_edit(self, method: str, params: Params, target: JSON | None, changes: JSON) -> Any:
        """Apply an edit; Telegram refuses edits that change nothing, and an edit without
        reply_markup removes the inline keyboard."""
        markup = self._check_markup(params.get("reply_markup"))
        inline = markup if markup and "inline_keyboard" in markup else None
        record = {
            "method": method,
            "chat_id": target["chat"]["id"] if target else None,
            "message_id": target["message_id"] if target else None,
            "inline_message_id": params.get("inline_message_id"),
            "reply_markup": markup,
            "params": params,
            **{key: params.get(key) for key in ("text", "caption", "parse_mode") if key in params},
        }
        if target is None:
            self.edits.append(record)
            self._notify()
            return True
        updated = {k: v for k, v in target.items() if k not in ("reply_markup", "edit_date")}
        for key, value in changes.items():
            if value is None:
                updated.pop(key, None)  # e.g. entities of the old text
            else:
                updated[key] = value
        if inline:
            updated["reply_markup"] = inline
        unchanged = {k: v for k, v in target.items() if k != "edit_date"}
        if updated == unchanged:
            raise _bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        updated["edit_date"] = int(time.time())
        self._messages[(target["chat"]["id"], target["message_id"])] = updated
        self.edits.append(record)
        self._notify()
        return dict(updated)

    @staticmethod
    def _commands_key(scope: Mapping[str, Any] | None, language_code: str) -> tuple[str, str]:
        return json.dumps(dict(scope or {"type": "default"}), sort_keys=True), language_code

    def _member(self, chat_id: int, user_id: int) -> JSON:
        member = self._members.get((chat_id, user_id))
        if member is None:
            return {"status": "member", "user": self._user_for(user_id)}
        return dict(member)

    # ------------------------------------------------------------------ Bot API methods

    async def _get_me(self, params: Params) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: Params) -> list[JSON]:
        if self.webhook is not None:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _int_param(params, "offset", 0)
        limit = min(max(_int_param(params, "limit", 100), 1), 100)
        timeout = max(_int_param(params, "timeout", 0), 0)
        if "allowed_updates" in params:
            allowed = params["allowed_updates"]
            self._allowed_updates = frozenset(allowed) if allowed else None
        # Confirm: ids below a positive offset are forgotten; -N keeps only the last N.
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        # A newer getUpdates terminates an older one, like Telegram's 409 Conflict.
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise _ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            ready = self._deliverable()
            remaining = deadline - loop.time()
            if ready or remaining <= 0 or self._closing:
                return ready[:limit]
            try:
                async with asyncio.timeout(remaining):
                    await self._change.wait()
            except TimeoutError:
                pass

    def _deliverable(self) -> list[JSON]:
        kept: list[JSON] = []
        for update in self._updates:
            kind = next((key for key in update if key != "update_id"), "")
            if self._allowed_updates is None:
                allowed = kind not in _DEFAULT_EXCLUDED_UPDATES
            else:
                allowed = kind in self._allowed_updates
            (kept if allowed else self.filtered_updates).append(update)
        self._updates = kept  # Telegram never creates updates the bot did not ask for
        return list(kept)

    async def _set_webhook(self, params: Params) -> bool:
        if not params.get("url"):
            return await self._delete_webhook(params)  # Telegram: an empty url removes it
        self.webhook = dict(params)
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _delete_webhook(self, params: Params) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, params: Params) -> JSON:
        webhook = self.webhook or {}
        info: JSON = {
            "url": webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        for key in ("max_connections", "allowed_updates", "ip_address"):
            if key in webhook:
                info[key] = webhook[key]
        return info

    async def _send_message(self, params: Params) -> JSON:
        fields = self._text_fields(params, "text", TEXT_LIMIT)
        return self._send("sendMessage", params, fields, text=params.get("text"))

    async def _send_photo(self, params: Params) -> JSON:
        return self._send_file("sendPhoto", "photo", params)

    async def _send_document(self, params: Params) -> JSON:
        return self._send_file("sendDocument", "document", params)

    def _send_file(self, method: str, kind: str, params: Params) -> JSON:
        caption = self._text_fields(params, "caption", CAPTION_LIMIT)
        source = params.get(kind)
        stored = self._ingest_file(kind, source)
        fields = {kind: stored.descriptor, **caption}
        if params.get("has_spoiler"):
            fields["has_spoiler"] = True
        info = self._file_info(stored, source)
        return self._send(method, params, fields, caption=params.get("caption"), **{kind: info})

    async def _send_media_group(self, params: Params) -> list[JSON]:
        media = params.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise _bad_request("wrong number of media in the media group, must be 2-10")
        group_id = str(10_000_000_000 + next(self._ids))
        messages = []
        for item in media:
            kind = item.get("type")
            if kind not in ("photo", "document"):
                raise _bad_request(f"media type {kind!r} is not supported by the fake")
            caption = self._text_fields(item, "caption", CAPTION_LIMIT)
            stored = self._ingest_file(kind, item.get("media"))
            fields = {kind: stored.descriptor, "media_group_id": group_id, **caption}
            item_params = {**params, "parse_mode": item.get("parse_mode")}
            info = self._file_info(stored, item.get("media"))
            messages.append(
                self._send(
                    "sendMediaGroup",
                    item_params,
                    fields,
                    caption=item.get("caption"),
                    **{kind: info},
                )
            )
        return messages

    async def _send_chat_action(self, params: Params) -> bool:
        chat_id = self._require_chat(params)
        self.chat_actions.append({"chat_id": chat_id, "action": params.get("action")})
        self._notify()
        return True

    async def _answer_callback_query(self, params: Params) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._callback_ids:
            raise _bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = params.get("text")
        if text and len(text) > CALLBACK_ANSWER_LIMIT:
            raise _bad_request("MESSAGE_TOO_LONG")
        self.callback_answers.append(
            {
                "callback_query_id": query_id,
                "text": text,
                "show_alert": bool(params.get("show_alert", False)),
                "url": params.get("url"),
                "cache_time": params.get("cache_time"),
            }
        )
        self._notify()
        return True

    async def _edit_message_text(self, params: Params) -> Any:
        target = self._target_message(params)
        changes = self._text_fields(params, "text", TEXT_LIMIT)
        if target is not None:
            if "text" not in target:
                raise _bad_request("there is no text in the message to edit")
            changes.setdefault("entities", None)
        return self._apply_edit("editMessageText", params, target, changes)

    async def _edit_message_caption(self, params: Params) -> Any:
        target = self._target_message(params)
        changes = self._text_fields(params, "caption", CAPTION_LIMIT)
        if target is not None and not ("photo" in target or "document" in target):
            raise _bad_request("there is no caption in the message to edit")
        changes.setdefault("caption", None)
        changes.setdefault("caption_entities", None)
        return self._apply_edit("editMessageCaption", params, target, changes)

    async def _edit_message_reply_markup(self, params: Params) -> Any:
        target = self._target_message(params)
        return self._apply_edit("editMessageReplyMarkup", params, target, {})

    async def _delete_message(self, params: Params) -> bool:
        chat_id = self._require_chat(params)
        message_id = _int_param(params, "message_id", 0)
        if self._messages.pop((chat_id, message_id), None) is None:
            raise _bad_request("message to delete not found")
        self.deleted.append((chat_id, message_id))
        self._notify()
        return True

    async def _get_chat(self, params: Params) -> JSON:
        chat = self._chat_for(self._require_chat(params))
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": dict.fromkeys(
                (
                    "unlimited_gifts",
                    "limited_gifts",
                    "unique_gifts",
                    "premium_subscription",
                    "gifts_from_channels",
                ),
                False,
            ),
        }

    async def _get_chat_member(self, params: Params) -> JSON:
        chat_id = self._require_chat(params)
        user_id = _int_param(params, "user_id", 0)
        if not user_id:
            raise _bad_request("invalid user_id specified")
        return self._member(chat_id, user_id)

    async def _get_chat_administrators(self, params: Params) -> list[JSON]:
        chat_id = self._require_chat(params)
        return [
            dict(member)
            for (chat, _), member in self._members.items()
            if chat == chat_id and member["status"] in ("creator", "administrator")
        ]

    async def _set_my_commands(self, params: Params) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad_request("can't parse commands JSON object")
        for command in commands:
            if not _BOT_COMMAND_NAME_RE.fullmatch(str(command.get("command", ""))):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad_request("command description must be 1-256 characters")
        key = self._commands_key(params.get("scope"), params.get("language_code") or "")
        self._commands[key] = commands
        return True

    async def _delete_my_commands(self, params: Params) -> bool:
        key = self._commands_key(params.get("scope"), params.get("language_code") or "")
        self._commands.pop(key, None)
        return True

    async def _get_my_commands(self, params: Params) -> list[JSON]:
        key = self._commands_key(params.get("scope"), params.get("language_code") or "")
        return self._commands.get(key, [])

    async def _get_file(self, params: Params) -> JSON:
        file_id = str(params.get("file_id") or "")
        stored = self._files.get(file_id)
        if stored is None:
            raise _bad_request("invalid file_id")
        info: JSON = {
            "file_id": file_id,
            "file_unique_id": stored.file_unique_id,
            "file_path": stored.file_path,
        }
        if stored.content is not None:
            info["file_size"] = len(stored.content)
        return info
