"""A fake of the OK Bot API (the group-messages part of OK's Graph API) on 127.0.0.1,
written from the published documents (apiok.ru/dev/graph_api: graph.user.info,
graph.user.subscribe / unsubscribe / subscriptions, graph.user.messages,
graph.user.fileUploadUrl, graph.chat.answer; apiok.ru/dev/errors), independent of the bot's
code. Where the documents are silent it decides as bot/adapters/ok/transport.py says, and
says so here:

* every call needs `access_token` of a known group, else error 102 (PARAM_SESSION_EXPIRED);
  POST bodies must be JSON sent as application/json, else error 100 (PARAM);
* errors are HTTP 200 with {"error_code", "error_msg", "error_data": null} and the code in
  the `invocation-error` header;
* a person takes the group's messages once they wrote to it (`allow` / `forbid` change
  that): a send to one who does not is {"success": false}, and false in a `user_ids` list;
* a one-recipient send answers {"success": true, "message_id": "mid:..."};
* graph.chat.answer takes each callbackId once, for the chat it came from, and needs a
  "message" object (an empty text is taken); a non-empty answer shows in the chat, so it is
  in `sent` too;
* uploads: fileUploadUrl gives an url on this server; an IMAGE upload answers
  {"photos": {"<id>": {"token": ...}}}, a FILE's token is the one fileUploadUrl gave.

OK delivers updates to the subscribed webhooks: `message_created`, `callback` build the
webhook bodies, `push` posts one to every URL the group subscribed and returns the HTTP
status of each (OK sends again what was not answered with 200: the test does, by pushing
the same body again). `fail_next` makes the next API calls fail (HTTP status, OK error code,
or garbage).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

JSON_TYPE = "application/json"


@dataclass
class Group:
    group_id: str
    token: str
    name: str
    subscriptions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class SentMessage:
    group_id: str
    user_id: str | None  # "user:<id>" for a person's dialog
    chat_id: str  # the dialog's or chat's "chat:..." id
    mid: str
    text: str
    attachments: list[dict[str, Any]]

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The inline keyboard's buttons, rows read left to right."""
        for item in self.attachments:
            if item.get("type") == "INLINE_KEYBOARD":
                rows = item["payload"]["keyboard"]["buttons"]
                return [button for row in rows for button in row]
        return []

    @property
    def images(self) -> list[dict[str, Any]]:
        return [a["payload"] for a in self.attachments if a.get("type") == "IMAGE"]

    @property
    def files(self) -> list[dict[str, Any]]:
        return [a["payload"] for a in self.attachments if a.get("type") == "FILE"]


@dataclass
class Answer:
    callback_id: str
    chat_id: str
    message: dict[str, Any]


class FakeOkServer:
    def __init__(self, groups: dict[str, str] | None = None) -> None:
        """`groups`: token -> group id (a group named "Group <id>" each)."""
        self.groups: dict[str, Group] = {
            token: Group(group_id, token, f"Group {group_id}")
            for token, group_id in (groups or {"ok-token-1": "7001"}).items()
        }
        self.sent: list[SentMessage] = []
        self.answers: list[Answer] = []
        self.calls: list[tuple[str, str]] = []  # (method, path)
        self.uploads: list[tuple[str, bytes]] = []  # (kind, content)
        self.names: dict[str, str] = {}
        self.allowed: set[str] = set()  # "user:<id>"
        self.callbacks: dict[str, str] = {}  # callbackId -> chat id, while unanswered
        self._failures: list[tuple[str, Any]] = []
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self.base_url = ""

    # --- lifecycle ----------------------------------------------------------------------------

    async def __aenter__(self) -> FakeOkServer:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/graph/{path:.*}", self._graph)
        app.router.add_post("/upload/{kind}/{token}", self._upload)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"
        self._http = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # --- what tests set up and read -----------------------------------------------------------

    def set_name(self, user: int | str, name: str) -> None:
        self.names[f"user:{user}"] = name

    def allow(self, user: int | str) -> None:
        self.allowed.add(f"user:{user}")

    def forbid(self, user: int | str) -> None:
        self.allowed.discard(f"user:{user}")

    def fail_next(self, kind: str, value: Any = None, times: int = 1) -> None:
        """kind "status" (HTTP status; value may be (status, retry_after)), "error" (an OK
        error code) or "garbage" (a body that is not JSON)."""
        self._failures.extend([(kind, value)] * times)

    @staticmethod
    def chat_of(user: int | str) -> str:
        return f"chat:C{int(user):x}"

    def sent_to(self, user: int | str) -> list[SentMessage]:
        return [m for m in self.sent if m.user_id == f"user:{user}"]

    def group(self, group_id: str | None = None) -> Group:
        if group_id is None:
            return next(iter(self.groups.values()))
        return next(g for g in self.groups.values() if g.group_id == group_id)

    # --- webhook bodies, as OK sends them -----------------------------------------------------

    def message_created(
        self,
        user: int | str,
        text: str = "",
        *,
        attachments: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        number = next(self._ids)
        self.allow(user)
        chat = self.chat_of(user)
        message: dict[str, Any] = {
            "text": text,
            "seq": 98211023614189660 + number,
            "mid": f"mid:{chat[5:]}.{number:x}",
        }
        if attachments:
            message["attachments"] = attachments
        sender: dict[str, Any] = {"user_id": f"user:{user}"}
        if f"user:{user}" in self.names:
            sender["name"] = self.names[f"user:{user}"]
        return {
            "webhookType": "MESSAGE_CREATED",
            "sender": sender,
            "recipient": {"chat_id": chat},
            "message": message,
            "timestamp": 1498581292941 + number,
        }

    def callback(self, user: int | str, payload: str, *, mid: str | None = None) -> dict[str, Any]:
        number = next(self._ids)
        chat = self.chat_of(user)
        callback_id = f"cb{number}"
        self.callbacks[callback_id] = chat
        sender: dict[str, Any] = {"user_id": f"user:{user}"}
        if f"user:{user}" in self.names:
            sender["name"] = self.names[f"user:{user}"]
        body: dict[str, Any] = {
            "webhookType": "MESSAGE_CALLBACK",
            "callbackId": callback_id,
            "payload": payload,
            "sender": sender,
            "recipient": {"chat_id": chat},
            "timestamp": 1498581292941 + number,
        }
        if mid is not None:
            body["message"] = {"mid": mid}
        return body

    async def push(self, body: Any, *, group_id: str | None = None) -> list[int]:
        """POST a webhook body (or raw bytes) to every URL the group subscribed."""
        assert self._http is not None
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        statuses = []
        for subscription in self.group(group_id).subscriptions:
            async with self._http.post(
                subscription["url"], data=data, headers={"Content-Type": JSON_TYPE}
            ) as response:
                await response.read()
                statuses.append(response.status)
        return statuses

    # --- the API ------------------------------------------------------------------------------

    @staticmethod
    def _error(code: int, message: str) -> web.Response:
        body = {"error_code": code, "error_msg": message, "error_data": None}
        return web.json_response(body, headers={"invocation-error": str(code)})

    async def _graph(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        self.calls.append((request.method, path))
        if self._failures:
            kind, value = self._failures.pop(0)
            if kind == "status":
                status, wait = value if isinstance(value, tuple) else (value, None)
                headers = {"Retry-After": str(wait)} if wait is not None else {}
                return web.Response(status=status, text="fail", headers=headers)
            if kind == "error":
                return self._error(int(value), "injected")
            return web.Response(text="<html>garbage</html>", content_type="text/html")
        group = self.groups.get(request.query.get("access_token", ""))
        if group is None:
            return self._error(102, "PARAM_SESSION_EXPIRED : Session expired")
        body: dict[str, Any] = {}
        if request.method == "POST":
            if not request.content_type.startswith(JSON_TYPE):
                return self._error(100, "PARAM : Content-Type must be application/json")
            try:
                body = json.loads(await request.text())
            except ValueError:
                return self._error(100, "PARAM : body is not JSON")
            if not isinstance(body, dict):
                return self._error(100, "PARAM : body is not an object")
        route = (request.method, path)
        if route == ("GET", "me/info"):
            return web.json_response({"name": group.name, "group_id": f"group:{group.group_id}"})
        if route == ("GET", "me/subscriptions"):
            return web.json_response({"subscriptions": list(group.subscriptions)})
        if route == ("POST", "me/subscribe"):
            url = body.get("url")
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                return self._error(100, "PARAM : url")
            if all(s["url"] != url for s in group.subscriptions):
                group.subscriptions.append({"time": 1498577751487, "url": url})
            return web.json_response({"success": True})
        if route == ("POST", "me/unsubscribe"):
            before = len(group.subscriptions)
            group.subscriptions = [s for s in group.subscriptions if s["url"] != body.get("url")]
            return web.json_response({"success": len(group.subscriptions) < before})
        if route == ("GET", "me/fileUploadUrl"):
            kind = request.query.get("type", "FILE").upper()
            if kind not in ("FILE", "IMAGE", "VIDEO", "AUDIO"):
                return self._error(100, "PARAM : type")
            token = f"{kind.lower()}tok{next(self._ids)}"
            answer: dict[str, Any] = {"url": f"{self.base_url}/upload/{kind}/{token}"}
            if kind == "IMAGE":
                answer["file_id"] = token
            else:
                answer["token"] = token
            return web.json_response(answer)
        if request.method == "POST" and path.startswith("me/messages"):
            return self._messages(group, path[len("me/messages") :].strip("/"), body)
        if request.method == "POST" and path.endswith("/answer"):
            return self._answer(
                group, path[: -len("/answer")], request.query.get("callbackId"), body
            )
        return self._error(3, f"METHOD : {request.method} {path}")

    def _check_message(self, message: Any) -> str | None:
        if not isinstance(message, dict):
            return "message must be an object"
        text = message.get("text", "")
        if not isinstance(text, str) or len(text) > 4000:
            return "text"
        items = message.get("attachments")
        if items is None and message.get("attachment") is not None:
            items = [message["attachment"]]
        for item in items or []:
            if not isinstance(item, dict) or item.get("type") not in (
                "IMAGE",
                "FILE",
                "INLINE_KEYBOARD",
            ):
                return "attachment"
            payload = item.get("payload")
            if not isinstance(payload, dict):
                return "attachment payload"
            if item["type"] == "INLINE_KEYBOARD":
                rows = payload.get("keyboard", {}).get("buttons")
                if not isinstance(rows, list) or not rows:
                    return "keyboard"
                for row in rows:
                    for button in row:
                        if button.get("type") == "CALLBACK":
                            if not isinstance(button.get("payload"), str) or not button.get("text"):
                                return "callback button"
                        elif button.get("type") == "LINK":
                            if not str(button.get("url", "")).startswith(("http://", "https://")):
                                return "link button"
                        else:
                            return "button type"
            elif not (payload.get("token") or payload.get("url")):
                return "attachment token"
        if not text and not items:
            return "empty message"
        return None

    def _record(
        self, group: Group, user: str | None, chat: str, message: dict[str, Any]
    ) -> SentMessage:
        items = message.get("attachments")
        if items is None and message.get("attachment") is not None:
            items = [message["attachment"]]
        sent = SentMessage(
            group.group_id,
            user,
            chat,
            f"mid:{chat[5:]}.b{next(self._ids):x}",
            message.get("text", ""),
            list(items or []),
        )
        self.sent.append(sent)
        return sent

    def _messages(self, group: Group, chat_in_path: str, body: dict[str, Any]) -> web.Response:
        recipient = body.get("recipient")
        if not isinstance(recipient, dict):
            return self._error(100, "PARAM : recipient")
        problem = self._check_message(body.get("message"))
        if problem is not None:
            return self._error(100, f"PARAM : {problem}")
        message = body["message"]
        if "user_ids" in recipient:
            users = recipient["user_ids"]
            if not isinstance(users, list) or not users:
                return self._error(100, "PARAM : user_ids")
            results, chats = [], []
            for user in users:
                full = user if str(user).startswith("user:") else f"user:{user}"
                if full in self.allowed:
                    chat = self.chat_of(full[5:])
                    self._record(group, full, chat, message)
                    results.append(True)
                    chats.append(chat)
                else:
                    results.append(False)
                    chats.append(None)
            return web.json_response({"success": results, "chat_ids": chats})
        if "user_id" in recipient:
            user = str(recipient["user_id"])
            full = user if user.startswith("user:") else f"user:{user}"
            if full not in self.allowed:
                return web.json_response({"success": False})
            sent = self._record(group, full, self.chat_of(full[5:]), message)
            return web.json_response({"success": True, "message_id": sent.mid})
        chat = recipient.get("chat_id")
        if not isinstance(chat, str) or not chat.startswith("chat:") or chat != chat_in_path:
            return self._error(100, "PARAM : chat_id")
        owner = next((u for u in self.allowed if self.chat_of(u[5:]) == chat), None)
        sent = self._record(group, owner, chat, message)
        return web.json_response({"success": True, "message_id": sent.mid})

    def _answer(
        self, group: Group, chat: str, callback_id: str | None, body: dict[str, Any]
    ) -> web.Response:
        if not callback_id or self.callbacks.get(callback_id) != chat:
            return self._error(100, "PARAM : callbackId")
        message = body.get("message")
        if not isinstance(message, dict):
            return self._error(100, "PARAM : message")
        if message.get("text") or message.get("attachments") or message.get("attachment"):
            problem = self._check_message(message)
            if problem is not None:
                return self._error(100, f"PARAM : {problem}")
        del self.callbacks[callback_id]
        self.answers.append(Answer(callback_id, chat, message))
        if message.get("text") or message.get("attachments") or message.get("attachment"):
            # The answer is a message in the chat, as the person sees it.
            owner = next((u for u in self.allowed if self.chat_of(u[5:]) == chat), None)
            self._record(group, owner, chat, message)
        return web.json_response({"success": True})

    async def _upload(self, request: web.Request) -> web.Response:
        kind, token = request.match_info["kind"], request.match_info["token"]
        if not request.content_type.startswith("multipart/"):
            return web.Response(status=400, text="multipart expected")
        reader = await request.multipart()
        part = await reader.next()
        if part is None or isinstance(part, aiohttp.MultipartReader):
            return web.Response(status=400, text="no file")
        content = await part.read()
        self.uploads.append((kind, bytes(content)))
        if kind == "IMAGE":
            return web.json_response({"photos": {token: {"token": f"img-{token}"}}})
        return web.json_response({"success": True})
