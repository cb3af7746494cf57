"""What a handler gets: the event, the user, their language, the database, the dialog."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.core.events import Incoming
from bot.core.replies import Button, Document, FileRef, Photo, Reply
from bot.core.roles import CommandInfo
from bot.settings import Settings
from bot.texts import Texts, Translator
from domain import clock
from storage.models import DialogState, Organizer, OutboxKind, User
from storage.uow import UnitOfWork


class Dialog:
    """The user's current multi-step form, persisted with the update's transaction."""

    def __init__(self, uow: UnitOfWork, user_id: int, state: DialogState | None = None) -> None:
        self._uow = uow
        self._user_id = user_id
        # The row behind the form once loaded (None: known not to exist), so saving does not
        # look it up again; `_loaded` False means nothing is known yet.
        self._state = state
        self._loaded = state is not None
        self.name: str | None = None
        self.step: str | None = None
        self.data: dict[str, Any] = {}
        if state is not None:
            self._take(state)

    @classmethod
    def loaded(cls, uow: UnitOfWork, user_id: int, state: DialogState | None) -> Dialog:
        """The dialog as read along with the user (`UserRepository.arrive`): no query."""
        dialog = cls(uow, user_id, state)
        dialog._loaded = True
        return dialog

    async def load(self) -> None:
        self._state = await self._uow.dialogs.get(self._user_id)
        self._loaded = True
        if self._state is not None:
            self._take(self._state)

    def _take(self, state: DialogState) -> None:
        self.name, self.step, self.data = state.dialog, state.step, dict(state.data)

    @property
    def active(self) -> bool:
        return self.name is not None

    async def start(self, name: str, step: str, data: dict[str, Any] | None = None) -> None:
        self.name, self.step, self.data = name, step, dict(data or {})
        await self._save()

    async def goto(self, step: str, **updates: Any) -> None:
        if self.name is None:
            raise RuntimeError("no dialog to continue")
        self.step = step
        self.data.update(updates)
        await self._save()

    async def update(self, **updates: Any) -> None:
        """Keep what the user entered without moving on."""
        assert self.step is not None
        await self.goto(self.step, **updates)

    async def finish(self) -> None:
        self.name, self.step, self.data = None, None, {}
        await self._uow.dialogs.clear(self._user_id)
        self._state, self._loaded = None, True

    async def _save(self) -> None:
        assert self.name is not None and self.step is not None
        self._state = await self._uow.dialogs.save(
            self._user_id,
            self.name,
            self.step,
            self.data,
            state=self._state,
            known_absent=self._loaded and self._state is None,
        )
        self._loaded = True


AfterCommit = Callable[[UnitOfWork], Awaitable[None]]


@dataclass
class Context:
    event: Incoming
    uow: UnitOfWork
    user: User
    organizer: Organizer | None
    is_admin: bool
    texts: Texts
    settings: Settings
    dialog: Dialog
    # The routing table as handlers may read it: commands (for /help) and deep links.
    commands: Mapping[str, CommandInfo]
    links: Mapping[str, LinkHandler]
    # True on the very first update from this person: invite links count only then.
    first_contact: bool = False
    # The command's arguments (typed after it, or carried by a command button).
    args: str = ""
    replies: list[Reply] = field(default_factory=list)
    # Work for after the commit (see `after_commit`).
    afterwards: list[AfterCommit] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.user.language

    @property
    def t(self) -> Translator:
        return self.texts.translator(self.user.language)

    def now(self) -> datetime:
        return clock.now()

    def answer(
        self,
        text: str,
        buttons: list[list[Button]] | None = None,
        *,
        photo: Photo | None = None,
        document: Document | None = None,
        edit: bool = False,
        file: FileRef | None = None,
    ) -> None:
        """Reply in the chat the update came from (sent right after the update commits)."""
        self.replies.append(
            Reply(
                text=text,
                buttons=buttons or [],
                photo=photo,
                document=document,
                edit=edit,
                file=file,
            )
        )

    def say(self, key: str, buttons: list[list[Button]] | None = None, **args: Any) -> None:
        """`answer` with a text key in the user's language."""
        self.answer(self.t(key, **args), buttons)

    def after_commit(self, work: AfterCommit) -> None:
        """Run `work` once this update's transaction has committed, before its replies go out,
        in a transaction of its own (given as the unit of work; nothing is begun before its
        first statement). For calls to a platform: made inside the update's transaction, they
        would hold SQLite's only write lock for as long as the platform takes to answer, and
        every other writer (the outbox sender, the scheduler) would time out meanwhile.
        Nothing runs if the update fails; a failing `work` is logged and undone alone."""
        self.afterwards.append(work)

    async def notify(
        self,
        recipient: User,
        key: str,
        *,
        kind: OutboxKind = OutboxKind.NOTIFICATION,
        buttons: list[list[Button]] | None = None,
        dedup_key: str | None = None,
        **args: Any,
    ) -> None:
        """Queue a message to another user, in their language, in this transaction."""
        text = self.texts.get(recipient.language, key, **args)
        await self.uow.outbox.enqueue(
            recipient, Reply(text=text, buttons=buttons or []), kind, dedup_key=dedup_key
        )


# Handles `/start <prefix>_<value>` deep links (invite, purchase, affiliate): gets the value.
LinkHandler = Callable[[Context, str], Awaitable[None]]
