"""The outbox sender: delivers what handlers queued (storage/repositories/outbox.py), one
sender per platform, under the platform's rate limits.

Guarantees, and how they are kept:

* Nothing is dropped. Every message ends sent, failed (with the reason) or skipped (no
  consent, or the person is unreachable); until then it stays pending in the database.
* Per chat, in order. Only the oldest pending message of a chat may go out; the next one
  waits until it is sent or finally failed (`OutboxReader.heads`).
* Only an in-flight message can arrive twice (at most one per chat, `concurrency` in all).
  A message is *claimed* before it is sent: one committed update counts the attempt and
  moves `next_attempt_at` to a claim deadline (`claim_ttl`), so nobody picks it up meanwhile.
  The outcome is committed as soon as the platform answers. If the sender dies in between,
  the claim runs out and the message is sent again; messages claimed but not yet started
  are given back at once on a clean stop.
  (VK deduplicates a resend by `random_id`, which the sender derives from the outbox id.)
* One sender per platform drains, even with several processes: it holds the database lease
  "outbox:<platform>" (storage/models.py Lease, `lease_ttl` 10 s), renewed while it runs; a
  dead holder's lease expires and another process (or the restarted one) takes over, and
  gives the dead holder's claims back at once (`take_over`: claims name their sender), so a
  crash delays the rest of a broadcast by the lease's time, not the claims'.
* Rate limits (bot/delivery/ratelimit.py): the platform's shared pace and per-chat limits
  before each call. Flood control (RetryAfter, a 429) pauses the whole bot identity (the
  Telegram bot, a VK community token) for the time asked and puts the message back without
  counting an attempt. Temporary failures back off exponentially with jitter up to `max_attempts`.
* Consent (`consent_refusal`): notifications, reminders and broadcasts reach only people who
  allow notifications and can be reached; answers to a person's own actions always go,
  unless the platform told us the person cannot be reached.
* Broadcasts report progress to their author at most every 10 % and 30 s, and a delivery
  report (sent, not allowed, blocked, failed) when the last message is settled, through the
  outbox as answers (dedup keys make each report happen once, whichever sender sees it).

`Sender.run()` is the long-running worker (bot/app.py starts one per platform transport);
`Sender.drain()` delivers whatever is due now and returns (the console, tests).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.events import Incoming
from bot.core.replies import Reply
from bot.core.transport import (
    DeliveryError,
    MessagesNotAllowed,
    PermanentFailure,
    RecipientUnreachable,
    RetryAfter,
    TemporaryFailure,
    Transport,
)
from bot.delivery.ratelimit import DeliveryLimits
from bot.texts import Texts, Translator
from domain import clock
from storage.models import OutboxKind, User
from storage.repositories.outbox import SKIP_NOT_ALLOWED, SKIP_UNREACHABLE
from storage.repositories.tasks import lease_holder
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

LEASE_PREFIX = "outbox:"
PROGRESS_STEPS = 10  # a progress message at most every 10 %


# --- rules ------------------------------------------------------------------------------------


async def leave_to_outbox(
    session_factory: async_sessionmaker[AsyncSession],
    event: Incoming,
    index: int,
    reply: Reply,
    error: DeliveryError | None = None,
) -> None:
    """Hand reply `index` of `event`, which cannot go out now (`error`: flood control, a
    platform down), or one behind such a reply, to this outbox, in a transaction of its own
    (the event's has committed). After flood control it is due when the wait is over; the
    sender's retries take it from there. The dedup key makes handing it twice harmless (an
    update answered again after a restart)."""
    chat_id = event.chat.external_id
    if reply.document is not None:
        # Documents are made on request and the outbox keeps no files: asking again makes
        # a fresh one.
        log.warning(
            "%s: document to %s not sent: %s",
            event.platform,
            chat_id,
            error or "an earlier reply waits in the outbox",
        )
        return
    not_before = None
    if isinstance(error, RetryAfter):
        not_before = clock.now() + timedelta(seconds=error.seconds)
    try:
        async with session_factory() as session, session.begin():
            await UnitOfWork(session).outbox.enqueue_to_chat(
                platform=event.platform,
                bot_key=event.bot_key,
                chat_id=chat_id,
                recipient_id=None,
                reply=reply,
                kind=OutboxKind.ANSWER,
                dedup_key=f"reply:{event.platform}:{event.bot_key}:{event.update_id}:{index}",
                not_before=not_before,
            )
    except Exception:
        log.exception("%s: reply %s of update %s lost", event.platform, index, event.update_id)
        return
    log.info(
        "%s: reply %s of update %s to %s left to the outbox (%s)",
        event.platform,
        index,
        event.update_id,
        chat_id,
        error or "after an earlier reply",
    )


def consent_refusal(kind: OutboxKind, user: User | None) -> str | None:
    """Why a message of this kind must not go to this person; None when it may.

    No user (a community post, a chat without a person) means no consent to ask.
    """
    if user is None:
        return None
    if not user.reachable:
        return f"{SKIP_UNREACHABLE}: {user.unreachable_reason or 'delivery refused before'}"
    if kind is OutboxKind.ANSWER:
        return None
    if not user.notifications_allowed:
        return f"{SKIP_NOT_ALLOWED}: notifications are off"
    if not user.messages_allowed:
        return f"{SKIP_NOT_ALLOWED}: the person does not allow messages from the community"
    return None


@dataclass(frozen=True, slots=True)
class Reach:
    """Who of a message's recipients will get it, by `consent_refusal`, and who will not and
    why: the one count every "notified N" / "send (N)" shows, so no screen promises a
    message the sender will skip."""

    reached: list[User]
    muted: list[User]  # notifications (or the community's messages) not allowed
    unreachable: list[User]  # blocked the bot, or the platform refused them before

    @classmethod
    def of(cls, kind: OutboxKind, users: Sequence[User]) -> Reach:
        reached: list[User] = []
        muted: list[User] = []
        unreachable: list[User] = []
        for user in users:
            refusal = consent_refusal(kind, user)
            if refusal is None:
                reached.append(user)
            elif refusal.startswith(SKIP_UNREACHABLE):
                unreachable.append(user)
            else:
                muted.append(user)
        return cls(reached, muted, unreachable)

    def not_reached_lines(self, t: Translator) -> list[str]:
        """ "1 покупатель не получит: уведомления выключены", one line per reason."""
        lines = []
        if self.muted:
            lines.append(t("small-reach-muted", count=len(self.muted)))
        if self.unreachable:
            lines.append(t("small-reach-unreachable", count=len(self.unreachable)))
        return lines


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Seconds before retry number `attempt` (1, 2, ...): doubling from `base`, capped, with
    jitter so that many messages failed together do not come back together."""
    ceiling = min(cap, base * 2 ** max(0, attempt - 1))
    return ceiling * (0.5 + 0.5 * rng.random())


# --- what moves between the database and the transport ------------------------------------------


@dataclass(frozen=True, slots=True)
class Claimed:
    """A message this sender has claimed: the row's data, detached from its session."""

    id: int
    bot_key: str
    chat_id: str
    recipient_id: int | None
    kind: OutboxKind
    body: dict[str, Any]
    broadcast_id: int | None
    attempts: int  # including this one
    deadline: float  # monotonic time after which the claim may have run out

    @property
    def chat(self) -> tuple[str, str]:
        return (self.bot_key, self.chat_id)


@dataclass(frozen=True, slots=True)
class Outcome:
    message: Claimed
    error: DeliveryError | None  # None: sent


@dataclass(slots=True)
class _Progress:
    since: float  # monotonic time of the last progress message (or of first sight)
    step: int = 0


class _GroupCommit:
    """Records outcomes as soon as they are known, many in one transaction.

    Each caller waits until its own outcomes are committed. Whoever gets the lock writes
    everything queued so far, so under load one commit covers many messages, and a message is
    never reported done before its row says so.
    """

    def __init__(self, write: Callable[[list[Outcome]], Awaitable[None]]) -> None:
        self._write = write
        self._queued: list[tuple[list[Outcome], asyncio.Future[None]]] = []
        self._lock = asyncio.Lock()

    async def record(self, outcomes: list[Outcome]) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queued.append((outcomes, future))
        async with self._lock:
            if not future.done():
                batch, self._queued = self._queued, []
                try:
                    await self._write([outcome for items, _ in batch for outcome in items])
                except BaseException as exc:
                    for _items, waiter in batch:
                        if waiter is future:
                            continue
                        # The others try again themselves (their future still pending would
                        # hang them): hand the error over.
                        if not waiter.done():
                            waiter.set_exception(
                                exc if isinstance(exc, Exception) else RuntimeError("cancelled")
                            )
                    raise
                for _, waiter in batch:
                    if not waiter.done():
                        waiter.set_result(None)
        await future


# --- the sender -------------------------------------------------------------------------------


class Sender:
    """Delivers one platform's outbox through its transport (see the module docstring)."""

    def __init__(
        self,
        transport: Transport,
        session_factory: async_sessionmaker[AsyncSession],
        texts: Texts,
        *,
        limits: DeliveryLimits | None = None,
        max_attempts: int = 8,
        monotonic: Callable[[], float] = time.monotonic,
        holder: str | None = None,
        batch_size: int = 200,
        concurrency: int = 32,
        poll_interval: float = 1.0,
        lease_ttl: float = 10.0,
        claim_ttl: float = 120.0,
        send_timeout: float = 60.0,
        backoff_base: float = 2.0,
        backoff_max: float = 900.0,
        progress_interval: float = 30.0,
        report_interval: float = 1.0,
        db_retry_delay: float = 1.0,
        rng: random.Random | None = None,
    ) -> None:
        """Times are seconds. `claim_ttl` must exceed `send_timeout`: a claim must not run out
        while its message may still be on the way. `holder` names this sender in the lease
        (host, process and a random part by default)."""
        if claim_ttl <= send_timeout:
            raise ValueError("claim_ttl must be longer than send_timeout")
        self.transport = transport
        self.platform = transport.platform
        self.session_factory = session_factory
        self.texts = texts
        self.limits = limits or DeliveryLimits.of(transport.limits, clock=monotonic)
        self.max_attempts = max_attempts
        self.monotonic = monotonic
        self.holder = holder or lease_holder()
        self.lease_name = LEASE_PREFIX + self.platform
        self.batch_size = batch_size
        self.concurrency = concurrency
        self.poll_interval = poll_interval
        self.lease_ttl = lease_ttl
        self.claim_ttl = claim_ttl
        self.send_timeout = send_timeout
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.progress_interval = progress_interval
        self.report_interval = report_interval
        self.db_retry_delay = db_retry_delay
        self.rng = rng or random.Random()
        self.batch_limit = max(1, transport.limits.recipients_per_call)
        # What happened, for logs, benchmarks and tests.
        self.stats: Counter[str] = Counter()

        self._queue: asyncio.Queue[list[Claimed]] = asyncio.Queue()
        self._held: dict[tuple[str, str], Claimed] = {}  # claimed, not yet recorded
        self._sending: set[int] = set()  # ids whose API call has started
        self._paused_until: dict[str, float] = {}
        self._lease_valid_until = float("-inf")
        self._lease_renew_at = float("-inf")
        self._wake = asyncio.Event()
        self._dirty_broadcasts: set[int] = set()
        self._progress: dict[int, _Progress] = {}
        self._next_report_check = float("-inf")
        self._commits = _GroupCommit(self._write)

    # --- running ------------------------------------------------------------------------------

    def wake(self) -> None:
        """Look for new messages now instead of at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        """Deliver until cancelled. Several processes may run one each: the lease lets one
        drain at a time, the others wait to take over."""
        workers = [
            asyncio.create_task(self._work(), name=f"outbox-{self.platform}-{n}")
            for n in range(self.concurrency)
        ]
        try:
            while True:
                found = 0
                if await self._guarded(self._hold_lease(), False):
                    if self._queue.qsize() < max(1, self.batch_size // 2):
                        found = await self._guarded(self._top_up(), 0)
                    await self._guarded(self._report_broadcasts(), 0)
                else:
                    self._forget_queue()
                # Busy: come back as soon as the workers want more. Idle: poll.
                await self._sleep(self.poll_interval if not found else self.poll_interval / 4)
        finally:
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            await asyncio.shield(self._shutdown())

    async def drain(self) -> int:
        """Deliver everything that is due now, then return how many messages were settled or
        tried. Not to be mixed with `run()` on the same sender."""
        handled = 0
        while await self._hold_lease():
            claimed, skipped = await self._claim(self.batch_size)
            handled += len(claimed) + skipped
            if claimed:
                gate = asyncio.Semaphore(self.concurrency)
                await asyncio.gather(
                    *(self._deliver_under(gate, unit) for unit in self._units(claimed))
                )
            elif not skipped and not await self._report_broadcasts(force=True):
                break
        return handled

    async def _deliver_under(self, gate: asyncio.Semaphore, unit: list[Claimed]) -> None:
        async with gate:
            await self._deliver(unit)

    async def stop_lease(self) -> None:
        """Let another process take over at once (called on a clean stop)."""
        async with self.session_factory() as session, session.begin():
            await UnitOfWork(session).leases.release(self.lease_name, self.holder)
        self._lease_valid_until = self._lease_renew_at = float("-inf")

    async def _sleep(self, seconds: float) -> None:
        try:
            async with asyncio.timeout(seconds):
                await self._wake.wait()
        except TimeoutError:
            pass
        self._wake.clear()

    async def _guarded(self, step: Awaitable[Any], default: Any) -> Any:
        # The database may be down for a while: log, wait for the next round, never die.
        try:
            return await step
        except Exception:
            log.exception("outbox %s: database step failed", self.platform)
            return default

    async def _shutdown(self) -> None:
        unstarted = [m.id for m in self._held.values() if m.id not in self._sending]
        try:
            if unstarted:
                async with self.session_factory() as session, session.begin():
                    await UnitOfWork(session).delivery.release(unstarted, clock.now())
                log.info("outbox %s: %d claimed messages given back", self.platform, len(unstarted))
            if self._lease_valid_until > self.monotonic():
                await self.stop_lease()
        except Exception:
            # Claims and the lease run out by themselves; nothing is lost, only delayed.
            log.exception("outbox %s: clean stop failed", self.platform)
        self._held.clear()
        self._sending.clear()

    # --- the lease ----------------------------------------------------------------------------

    async def _hold_lease(self) -> bool:
        now = self.monotonic()
        if now < self._lease_renew_at:
            return True
        taking_over = not self._leading()
        async with self.session_factory() as session, session.begin():
            uow = UnitOfWork(session)
            held = await uow.leases.acquire(
                self.lease_name, self.holder, clock.now(), timedelta(seconds=self.lease_ttl)
            )
            if held and taking_over:
                # Whoever held the lease before has stopped sending (or is dead): its claims
                # come back now instead of when they run out (`claim_ttl`).
                returned = await uow.delivery.take_over(self.platform, self.holder, clock.now())
                if returned:
                    log.info("outbox %s: %d claims taken over", self.platform, returned)
        if held:
            # Renew well before expiry; stop sending a little before it could expire.
            self._lease_renew_at = now + self.lease_ttl / 3
            self._lease_valid_until = now + self.lease_ttl * 0.8
        else:
            self._lease_renew_at = self._lease_valid_until = float("-inf")
        return held

    def _leading(self) -> bool:
        return self.monotonic() < self._lease_valid_until

    def _forget_queue(self) -> None:
        # Another process leads: what we claimed is left to run out and be taken by it.
        while not self._queue.empty():
            for message in self._queue.get_nowait():
                self._held.pop(message.chat, None)

    # --- claiming -----------------------------------------------------------------------------

    async def _top_up(self) -> int:
        claimed, skipped = await self._claim(self.batch_size - self._queue.qsize())
        for unit in self._units(claimed):
            self._queue.put_nowait(unit)
        return len(claimed) + skipped

    async def _claim(self, limit: int) -> tuple[list[Claimed], int]:
        """Claim up to `limit` due messages (one per chat); skip those without consent."""
        if limit <= 0:
            return [], 0
        now = clock.now()
        until = now + timedelta(seconds=self.claim_ttl)
        skipped = 0
        async with self.session_factory() as session, session.begin():
            delivery = UnitOfWork(session).delivery
            rows = await delivery.heads(self.platform, now, limit=limit, busy_chats=set(self._held))
            if not rows:
                return [], 0
            people = await delivery.users({r.recipient_id for r in rows if r.recipient_id})
            sendable = []
            for row in rows:
                person = people.get(row.recipient_id) if row.recipient_id else None
                reason = consent_refusal(row.kind, person)
                if reason is None and row.attempts < self.max_attempts:
                    sendable.append(row)
                    continue
                if reason is None:
                    # Claimed that often without an outcome: each try ended with its sender
                    # dying (a message that crashes the process?). Stop trying.
                    await delivery.mark_failed(
                        row.id, f"gave up after {row.attempts} attempts without an answer"
                    )
                else:
                    await delivery.mark_skipped(row.id, reason)
                skipped += 1
                if row.broadcast_id is not None:
                    self._dirty_broadcasts.add(row.broadcast_id)
            attempts = await delivery.claim(
                [row.id for row in sendable], now, until, holder=self.holder
            )
            deadline = self.monotonic() + self.claim_ttl * 0.9
            claimed = [
                Claimed(
                    id=row.id,
                    bot_key=row.bot_key,
                    chat_id=row.chat_id,
                    recipient_id=row.recipient_id,
                    kind=OutboxKind(row.kind),
                    body=dict(row.body),
                    broadcast_id=row.broadcast_id,
                    attempts=attempts[row.id],
                    deadline=deadline,
                )
                for row in sendable
                if row.id in attempts
            ]
        self.stats["skipped"] += skipped
        for message in claimed:
            self._held[message.chat] = message
        return claimed, skipped

    def _units(self, claimed: Sequence[Claimed]) -> list[list[Claimed]]:
        """What goes out in one API call: one message, or up to `batch_limit` messages of
        one broadcast with the same body (VK sends those in one messages.send)."""
        if self.batch_limit <= 1:
            return [[message] for message in claimed]
        units: list[list[Claimed]] = []
        groups: dict[tuple[str, int, str], list[Claimed]] = {}
        for message in claimed:
            if message.kind is not OutboxKind.BROADCAST or message.broadcast_id is None:
                units.append([message])
                continue
            key = (message.bot_key, message.broadcast_id, json.dumps(message.body, sort_keys=True))
            group = groups.setdefault(key, [])
            group.append(message)
            if len(group) == self.batch_limit:
                units.append(groups.pop(key))
        units.extend(groups.values())
        return units

    # --- sending ------------------------------------------------------------------------------

    async def _work(self) -> None:
        while True:
            unit = await self._queue.get()
            if self._queue.qsize() < max(1, self.batch_size // 2):
                self._wake.set()
            try:
                await self._deliver(unit)
            except Exception:
                # A bug here must not stop this worker; the claims run out and the messages
                # are tried again.
                log.exception("outbox %s: delivery failed unexpectedly", self.platform)
                for message in unit:
                    self._held.pop(message.chat, None)
                    self._sending.discard(message.id)

    async def _deliver(self, unit: list[Claimed]) -> None:
        bot_key = unit[0].bot_key
        await self._wait_if_paused(bot_key)
        await self.limits.acquire(bot_key, unit[0].chat_id if len(unit) == 1 else "")
        await self._wait_if_paused(bot_key)
        if not self._leading() or self.monotonic() > min(m.deadline for m in unit):
            # Lost the lease, or waited so long (flood control) that the claim may have run
            # out: sending now could race whoever takes the message next. Give it back.
            await self._guarded(self._give_back(unit), None)
            return
        self._sending.update(m.id for m in unit)
        results = await self._send(unit)
        for error in results.values():
            if isinstance(error, RetryAfter):
                self._pause(bot_key, error.seconds)
        outcomes = [
            Outcome(m, results.get(m.chat_id, TemporaryFailure("no result from the transport")))
            for m in unit
        ]
        while True:
            try:
                await self._commits.record(outcomes)
                break
            except Exception:
                log.exception("outbox %s: outcome not recorded, retrying", self.platform)
                await asyncio.sleep(self.db_retry_delay)
        for message in unit:
            self._held.pop(message.chat, None)
            self._sending.discard(message.id)

    async def _send(self, unit: list[Claimed]) -> dict[str, DeliveryError | None]:
        first = unit[0]
        chats = [m.chat_id for m in unit]
        try:
            reply = Reply.from_json(first.body)
        except (KeyError, TypeError, ValueError) as exc:
            return dict.fromkeys(chats, PermanentFailure(f"unreadable message body: {exc}"))
        try:
            async with asyncio.timeout(self.send_timeout):
                if len(unit) == 1:
                    await self.transport.send(
                        first.chat_id,
                        reply,
                        bot_key=first.bot_key,
                        message_key=f"outbox:{first.id}",
                    )
                    return {first.chat_id: None}
                return dict(
                    await self.transport.send_many(
                        chats,
                        reply,
                        bot_key=first.bot_key,
                        message_key=f"broadcast:{first.broadcast_id}",
                    )
                )
        except DeliveryError as exc:
            return dict.fromkeys(chats, exc)
        except TimeoutError:
            return dict.fromkeys(chats, TemporaryFailure(f"no answer in {self.send_timeout}s"))
        except Exception as exc:
            # A bug in a transport must not stop delivery: retried, then failed with a reason.
            log.exception("outbox %s: transport failed unexpectedly", self.platform)
            return dict.fromkeys(chats, TemporaryFailure(f"{type(exc).__name__}: {exc}"))

    def _pause(self, bot_key: str, seconds: float) -> None:
        until = self.monotonic() + max(0.0, seconds)
        if until > self._paused_until.get(bot_key, float("-inf")):
            log.warning("outbox %s: flood control, pausing %.2fs", self.platform, seconds)
            self._paused_until[bot_key] = until

    async def _wait_if_paused(self, bot_key: str) -> None:
        # A deadline that may move later while waiting (another 429): re-check after sleeping.
        while (wait := self._paused_until.get(bot_key, 0.0) - self.monotonic()) > 0:  # noqa: ASYNC110
            await asyncio.sleep(wait)

    async def _give_back(self, unit: list[Claimed]) -> None:
        async with self.session_factory() as session, session.begin():
            await UnitOfWork(session).delivery.release([m.id for m in unit], clock.now())
        for message in unit:
            self._held.pop(message.chat, None)

    # --- recording ----------------------------------------------------------------------------

    async def _write(self, outcomes: list[Outcome]) -> None:
        now = clock.now()
        tally: Counter[str] = Counter()
        touched: set[int] = set()
        async with self.session_factory() as session, session.begin():
            delivery = UnitOfWork(session).delivery
            sent = [o.message.id for o in outcomes if o.error is None]
            await delivery.mark_sent(sent, now)
            tally["sent"] += len(sent)
            for outcome in outcomes:
                message, error = outcome.message, outcome.error
                if message.broadcast_id is not None:
                    touched.add(message.broadcast_id)
                if error is None:
                    continue
                if isinstance(error, RetryAfter):
                    at = now + timedelta(seconds=error.seconds)
                    await delivery.retry_at(message.id, at, error.reason, count_attempt=False)
                    tally["rate_limited"] += 1
                elif isinstance(error, MessagesNotAllowed):
                    await delivery.mark_skipped(message.id, f"{SKIP_NOT_ALLOWED}: {error.reason}")
                    if message.recipient_id is not None:
                        await delivery.mark_messages_denied(message.recipient_id)
                    tally["not_allowed"] += 1
                elif isinstance(error, RecipientUnreachable):
                    await delivery.mark_skipped(message.id, f"{SKIP_UNREACHABLE}: {error.reason}")
                    if message.recipient_id is not None:
                        await delivery.mark_unreachable(message.recipient_id, error.reason)
                    tally["unreachable"] += 1
                elif isinstance(error, PermanentFailure):
                    await delivery.mark_failed(message.id, error.reason)
                    tally["failed"] += 1
                elif message.attempts >= self.max_attempts:
                    reason = f"{error.reason} (gave up after {message.attempts} attempts)"
                    await delivery.mark_failed(message.id, reason)
                    tally["failed"] += 1
                else:
                    delay = backoff_delay(
                        message.attempts, self.backoff_base, self.backoff_max, self.rng
                    )
                    await delivery.retry_at(
                        message.id, now + timedelta(seconds=delay), error.reason
                    )
                    tally["retried"] += 1
        self.stats.update(tally)
        self._dirty_broadcasts |= touched

    # --- broadcast progress and reports -------------------------------------------------------

    async def _report_broadcasts(self, *, force: bool = False) -> int:
        """Queue progress messages and final reports of broadcasts touched lately."""
        now = self.monotonic()
        if not self._dirty_broadcasts or (not force and now < self._next_report_check):
            return 0
        self._next_report_check = now + self.report_interval
        dirty, self._dirty_broadcasts = self._dirty_broadcasts, set()
        queued = 0
        for broadcast_id in sorted(dirty):
            try:
                queued += await self._report(broadcast_id, now)
            except Exception:
                log.exception("outbox %s: broadcast %s report failed", self.platform, broadcast_id)
                self._dirty_broadcasts.add(broadcast_id)
        return queued

    async def _report(self, broadcast_id: int, now: float) -> int:
        progress = self._progress.setdefault(broadcast_id, _Progress(since=now))
        async with self.session_factory() as session, session.begin():
            uow = UnitOfWork(session)
            counts = await uow.delivery.broadcast_counts(broadcast_id)
            broadcast = await uow.broadcasts.get(broadcast_id)
            if broadcast is None or counts.total == 0:
                return 0
            author = await uow.users.get(broadcast.author_id)
            if author is None:
                return 0
            title = await uow.broadcasts.title(broadcast)
            t = self.texts.translator(author.language)
            if counts.pending == 0:
                self._progress.pop(broadcast_id, None)
                if not await uow.broadcasts.claim_report(broadcast_id):
                    return 0
                text = t(
                    "broadcast-report",
                    title=title,
                    total=counts.total,
                    sent=counts.sent,
                    not_allowed=counts.not_allowed,
                    blocked=counts.blocked,
                    failed=counts.failed,
                )
                key = f"broadcast:{broadcast_id}:report"
            else:
                step = counts.done * PROGRESS_STEPS // counts.total
                if step <= progress.step or now - progress.since < self.progress_interval:
                    return 0
                progress.step, progress.since = step, now
                text = t(
                    "broadcast-progress",
                    title=title,
                    done=counts.done,
                    total=counts.total,
                    sent=counts.sent,
                )
                key = f"broadcast:{broadcast_id}:progress:{step}"
            queued = await uow.outbox.enqueue(author, Reply(text), OutboxKind.ANSWER, dedup_key=key)
        return 0 if queued is None else 1
