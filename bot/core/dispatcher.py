"""The platform-neutral dispatcher: one update in, replies out, exactly once.

For every update it opens one transaction that
1. claims the update id (one INSERT ... ON CONFLICT DO NOTHING: a redelivered update is
   acknowledged and ignored; on SQLite it goes in the same trip to the database thread as
   the next query, and its outcome is checked right after that, before any handler),
2. loads or creates the user with their organizer profile and dialog (one query),
3. routes to a handler,
and commits. Replies are returned to the adapter only after the commit succeeded. On SQLite
the updates take turns and those that waited commit together (`storage.group_commit`): the
transaction is then a savepoint, and "committed" means its group committed.

A polite refusal (`UserError`), an outdated button or a bug must undo the handler's changes
but still record the update and the user. Rather than pay a savepoint inside every update's
transaction for the rare failure, the whole transaction is rolled back (on SQLite: its
savepoint) and a second, short one records the update and the user before the error is
answered.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.context import AfterCommit, Context, Dialog
from bot.core.errors import UserError
from bot.core.events import ChatKind, EventKind, Incoming
from bot.core.metrics import Metrics
from bot.core.payloads import CommandPayload, Payload, PayloadError
from bot.core.replies import Reply
from bot.core.router import Role, Router
from bot.settings import Settings
from bot.texts import Texts
from domain import clock
from storage.db import transaction
from storage.group_commit import GroupCommit
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

# Longer texts are refused rather than stored: no field in the product needs more, and it is
# Telegram's own message limit.
MAX_TEXT_LENGTH = 4096
# The console has no accounts; whoever runs it owns the instance, so this user is its admin.
CONSOLE_ADMIN = "admin"
# Updates by which a person shows they are there: writing, pressing a button.
_ACTIVE_KINDS = frozenset({EventKind.MESSAGE, EventKind.BUTTON})


class _Seen(Exception):
    """The update was processed before: roll back and answer nothing."""


class _Refused(Exception):
    """The handler failed: roll its transaction back, then answer with `reply`."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.text)
        self.reply = reply


class Dispatcher:
    def __init__(
        self,
        router: Router,
        session_factory: async_sessionmaker[AsyncSession],
        settings: Settings,
        texts: Texts,
        *,
        metrics: Metrics | None = None,
    ) -> None:
        self.router = router
        self.session_factory = session_factory
        self.settings = settings
        self.texts = texts
        self.metrics = metrics or Metrics()
        # On SQLite the updates' transactions take turns and commit in groups.
        self._writes = GroupCommit(session_factory)

    async def feed(self, event: Incoming) -> list[Reply]:
        if self._ignored(event):
            self.metrics.observe_update(event.platform, "ignored", None)
            return []
        started = time.perf_counter()
        replies, result = await self._feed(event)
        self.metrics.observe_update(event.platform, result, time.perf_counter() - started)
        return replies

    async def _feed(self, event: Incoming) -> tuple[list[Reply], str]:
        """`feed`'s work: the replies, and the outcome it is counted under."""
        lang = self.texts.pick_language(event.sender.language_code)
        try:
            async with self._writes.turn() as turn:
                outcome = await self._handle(turn.sessions, event)
            await turn.committed()
        except Exception:
            # The database itself failed (or the commit did): nothing was recorded, so a
            # redelivery may try again; the person still gets an answer instead of silence.
            log.exception("update %s could not be processed", event.update_id)
            if event.chat.kind is ChatKind.PRIVATE:
                return [Reply(self.texts.get(lang, "error-internal"))], "failed"
            return [], "failed"
        if isinstance(outcome, Reply):
            return [outcome], "refused"
        if outcome is None:
            return [], "duplicate"
        for work in outcome.afterwards:
            await self._after_commit(event, work)
        return outcome.replies, "handled"

    async def close(self) -> None:
        await self._writes.close()

    async def _handle(
        self, sessions: async_sessionmaker[AsyncSession], event: Incoming
    ) -> Context | Reply | None:
        """The update in one transaction: its context, the refusal to answer (after the
        rollback, with the update and the user recorded), or None if it was seen before."""
        try:
            async with transaction(sessions) as session:
                return await self._handle_claimed(session, UnitOfWork(session), event)
        except _Seen:
            log.info("update %s/%s seen before: ignored", event.platform, event.update_id)
            return None
        except _Refused as refused:
            # Everything the handler did is rolled back; record the update and the user
            # alone, so a redelivered failing update is not retried in a loop.
            if not await self._record(sessions, event, refused.reply):
                return None
            return refused.reply

    async def _after_commit(self, event: Incoming, work: AfterCommit) -> None:
        try:
            async with transaction(self.session_factory) as session:
                await work(UnitOfWork(session))
        except Exception:
            # The update itself is committed; its replies still go out.
            log.exception("after-commit work of update %s failed", event.update_id)

    async def _handle_claimed(
        self, session: AsyncSession, uow: UnitOfWork, event: Incoming
    ) -> Context:
        # On SQLite the claim goes in the same trip as the user's query (one trip to the
        # database thread less per update); a redelivered update is still known before any
        # handler runs, and `_Seen` rolls back whatever the look-up wrote.
        claim = await uow.processed.claim_along(
            event.platform, event.bot_key, event.update_id, clock.now()
        )
        ctx = await self._context(uow, event)
        assert claim.rowcount is not None  # the user's query carried it
        if claim.rowcount == 0:
            raise _Seen
        # The language the person had before the handler: a failure undoes any change.
        lang = ctx.user.language
        try:
            await self._route(ctx)
            if ctx.replies:
                await self._keep_replies(uow, event, ctx.replies)
            # Write the handler's changes now, so that a constraint they break is the
            # handler's failure, not the commit's. (Only when there are any: a flush is a
            # greenlet of its own, see storage.db.transaction.)
            if session.new or session.dirty or session.deleted:
                await session.flush()
        except UserError as exc:
            raise _Refused(Reply(self.texts.get(lang, exc.key, **exc.args_))) from exc
        except PayloadError as exc:
            log.warning("bad payload %r from %s: %s", event.payload, event.sender, exc)
            raise _Refused(Reply(self.texts.get(lang, "error-button-outdated"))) from exc
        except Exception as exc:
            log.exception("handler failed on update %s", event.update_id)
            raise _Refused(Reply(self.texts.get(lang, "error-internal"))) from exc
        return ctx

    async def _record(
        self, sessions: async_sessionmaker[AsyncSession], event: Incoming, reply: Reply
    ) -> bool:
        """Record the update, the user and the answer without running the handler; False if
        the update was processed meanwhile (a concurrent redelivery)."""
        async with transaction(sessions) as session:
            uow = UnitOfWork(session)
            if not await self._claim(uow, event):
                return False
            await self._context(uow, event)
            await self._keep_replies(uow, event, [reply])
        return True

    async def _keep_replies(self, uow: UnitOfWork, event: Incoming, replies: list[Reply]) -> None:
        # With the claim, in the same transaction: a process that dies after the commit and
        # before the replies are out can still answer after its restart (bot/core/intake.py).
        await uow.processed.keep_replies(
            event.platform, event.bot_key, event.update_id, [reply.to_json() for reply in replies]
        )

    async def _claim(self, uow: UnitOfWork, event: Incoming) -> bool:
        claimed = await uow.processed.claim(
            event.platform, event.bot_key, event.update_id, clock.now()
        )
        if not claimed:
            log.info("update %s/%s seen before: ignored", event.platform, event.update_id)
        return claimed

    def _ignored(self, event: Incoming) -> bool:
        # In groups and channels only commands addressed to the bot and platform events count.
        if event.kind is not EventKind.MESSAGE or event.chat.kind is ChatKind.PRIVATE:
            return False
        return not (event.command and event.addressed)

    async def _context(self, uow: UnitOfWork, event: Incoming) -> Context:
        now = clock.now()
        arrival = await uow.users.arrive(
            event.platform,
            event.sender.external_id,
            name=event.sender.name,
            username=event.sender.username,
            language=self.texts.pick_language(event.sender.language_code),
            bot_key=event.bot_key,
            now=now,
        )
        user = arrival.user
        if (
            not (user.reachable and user.messages_allowed)
            and event.chat.kind is ChatKind.PRIVATE
            and event.kind in _ACTIVE_KINDS
        ):
            # Marked unreachable after a refused delivery (they had blocked the bot), or
            # "messages not allowed" by VK (error 901, a missed message_deny), but someone
            # writing to the bot in private can be written to again: on VK writing to the
            # community is what allows its messages. A CONSENT event is not enough: it may be
            # the block itself.
            user.reachable = True
            user.unreachable_reason = None
            user.messages_allowed = True
        is_admin = self.settings.is_admin(event.platform, event.sender.external_id) or (
            event.platform == "console" and event.sender.external_id == CONSOLE_ADMIN
        )
        return Context(
            event=event,
            uow=uow,
            user=user,
            organizer=arrival.organizer,
            is_admin=is_admin,
            texts=self.texts,
            settings=self.settings,
            dialog=Dialog.loaded(uow, user.id, arrival.dialog),
            commands=self.router.commands,
            links=self.router.links,
            first_contact=arrival.created,
            args=event.args,
        )

    async def _route(self, ctx: Context) -> None:
        event = ctx.event
        if event.kind is EventKind.BUTTON:
            await self._button(ctx, event.payload or "")
            return
        if event.kind is not EventKind.MESSAGE:
            handler = self.router.events.get(event.kind)
            if handler is not None:
                await handler(ctx)
            return
        if len(event.text) > MAX_TEXT_LENGTH:
            raise UserError("error-text-too-long", limit=MAX_TEXT_LENGTH)
        command = event.command
        if command is None and event.bare_commands and event.text:
            word, _, rest = event.text.strip().partition(" ")
            if self.router.resolve_command(word) is not None:
                command, ctx.args = word, rest.strip()
        if command is not None:
            await self._command(ctx, command)
            return
        if ctx.dialog.active:
            step = self.router.steps.get((ctx.dialog.name or "", ctx.dialog.step or ""))
            if step is None:
                # The form changed in a new release; start over rather than guess. Said, not
                # raised: a refusal would roll back the finish and leave the person stuck.
                await ctx.dialog.finish()
                ctx.say("dialog-expired")
                return
            await step(ctx)
            return
        if self.router.fallback is not None:
            await self.router.fallback(ctx)

    async def _command(self, ctx: Context, name: str) -> None:
        route = self.router.resolve_command(name)
        if route is None:
            raise UserError("unknown-command", command=name[:32])
        if ctx.event.chat.kind is not ChatKind.PRIVATE and not route.in_groups:
            ctx.say("group-use-private")
            return
        self._check_role(ctx, route.role)
        await route.handler(ctx)

    async def _button(self, ctx: Context, raw: str) -> None:
        data = Payload.unpack(raw)
        if isinstance(data, CommandPayload):
            ctx.args = data.args
            await self._command(ctx, data.name)
            return
        route = self.router.buttons.get(Payload.prefix_of(raw))
        if route is None:
            raise PayloadError(f"no handler for {raw!r}")
        self._check_role(ctx, route.role)
        await route.handler(ctx, data)

    @staticmethod
    def _check_role(ctx: Context, role: Role) -> None:
        if role is Role.ORGANIZER and ctx.organizer is None:
            raise UserError("need-organizer")
        if role is Role.ADMIN and not ctx.is_admin:
            raise UserError("need-admin")
