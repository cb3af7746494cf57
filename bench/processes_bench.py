"""Several `python bot.py` processes on one PostgreSQL database: throughput and hand-over.

    .venv/bin/python -m bench processes_bench
    .venv/bin/python bench/processes_bench.py [--updates 1500] [--rounds 1] [--in-flight 32]
                                              [--database-url URL] [--keep-logs DIR]

Each bot is `python bot.py` as production runs it (tests/support/processes.py: settings in
its environment, its log in a file), in webhook mode on 127.0.0.1 with a port of its own,
one shared TELEGRAM_WEBHOOK_SECRET and TELEGRAM_WEBHOOK_URL, as behind one reverse proxy. The
fake Bot API (tests/fakes/telegram_server.py) and the fake VK (tests/fakes/vk_server.py) run
in processes of their own (bench/_server_process.py), as the platforms are other machines.

1. Throughput: this process posts Telegram updates (each person sends /start, then /help;
   every person is new) round-robin to the bots' webhooks, `--in-flight` requests at a time
   per bot. A webhook answers 200 once the update is handled, so updates per second run from
   the first POST to the last 200. One bot, then two, `--rounds` times; printed: both rates,
   two/one, and the CPU seconds per 1000 updates (/proc/<pid>/stat) of the bots, of
   PostgreSQL's backends for this database (sampled every 0.1 s), of the fake Bot API and of
   this load generator, and how many cores were busy (/proc/stat), with the part none of
   those used: other work on the machine, which makes a run worthless. Every process shares
   the machine's cores: on 2 cores two bots cannot reach 2x. Each person must get exactly
   two replies.
2. Hand-over: two bots, both also polling one VK community. `kill -9` the holder of the
   lease "poll:vk:<group>", push a VK message at once, and time until it is answered (by the
   survivor: the killed one is gone). A replacement bot is started, then the holder of
   "outbox:telegram" is killed while its claimed messages hang in sendMessage (the fake Bot
   API delays them); time until the survivor has delivered them all. Also printed: when each
   other lease the killed process held changed hands. Expected near the leases' TTLs (poll
   10 s, outbox 10 s, scheduler 15 s) plus a renewal period (TTL/3). A VK person or an
   outbox message answered twice is printed as odd.

The database (`--database-url`, else BENCH_DATABASE_URL if it is PostgreSQL, else
postgresql+asyncpg://postgres@127.0.0.1:5432/bench_procs, created if missing) is WIPED and
migrated at the start. Without PostgreSQL the benchmark prints why and does nothing (on
SQLite only one process may run). Every process started here is killed at the end, errors
included. The bots' logs are scanned for errors; `--keep-logs` keeps them. About a minute
with the defaults.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from sqlalchemy import select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker  # noqa: E402

from bench._server_process import ServerProcess  # noqa: E402
from bot.core.replies import Reply  # noqa: E402
from domain import clock  # noqa: E402
from storage.db import create_engine  # noqa: E402
from storage.models import OutboxKind, User  # noqa: E402
from storage.uow import UnitOfWork  # noqa: E402
from tests.fakes.telegram_server import FakeTelegramServer  # noqa: E402
from tests.fakes.vk_server import FakeVkServer  # noqa: E402
from tests.support.processes import BOT, bot_env, bot_process, free_port  # noqa: E402

DEFAULT_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/bench_procs"
TOKEN = "123456:BENCH-token-processes"
SECRET = "one-secret-for-every-process"
VK_GROUP = 1001
VK_TOKEN = "vk-bench-token"
WEBHOOK_PATH = "/telegram/webhook"
START_TIMEOUT = 60.0
HANDOVER_TIMEOUT = 60.0
OUTBOX_MESSAGES = 20
OUTBOX_MARKER = "bench-outbox"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
ERROR_LINE = re.compile(r"\b(ERROR|CRITICAL)\b|Traceback")


# --- the fake platforms, each in a process of its own -------------------------------------


def _serve_telegram(conn: Connection) -> None:
    asyncio.run(_telegram_commands(conn))


async def _telegram_commands(conn: Connection) -> None:
    server = FakeTelegramServer(token=TOKEN)
    await server.start()
    conn.send(server.base_url)
    while True:
        command, *args = await asyncio.to_thread(conn.recv)
        if command == "updates":
            first, people = args
            # Updates are made here: the fake remembers each person's chat, so the bot's
            # answers to it are accepted. Each person: /start, then /help.
            made = [server.user_message(first + n, "/start") for n in range(people)]
            made += [server.user_message(first + n, "/help") for n in range(people)]
            server.forget_updates()  # a webhook bot never fetches them
            conn.send(made)
        elif command == "counts":
            conn.send(
                {
                    "sent": server.sent_count,
                    "setWebhook": len(server.calls("setWebhook")),
                    "sendMessage": len(server.calls("sendMessage")),
                    "errors": len(server.errors),
                }
            )
        elif command == "per_chat":
            first, people = args
            conn.send(
                Counter(
                    int(record["chat_id"])
                    for record in server.sent
                    if first <= int(record["chat_id"]) < first + people
                )
            )
        elif command == "marked":
            conn.send(
                Counter(
                    int(record["chat_id"])
                    for record in server.sent
                    if OUTBOX_MARKER in (record.get("plain_text") or "")
                )
            )
        elif command == "hang_sends":
            # The calls wait before doing anything, longer than the run: a killed sender's
            # messages stay claimed and undelivered, as if Telegram never answered.
            server.delay_next("sendMessage", 3600.0, times=None)
            conn.send(None)
        elif command == "clear":
            server.clear_failures()
            conn.send(None)
        elif command == "stop":
            await server.stop()
            conn.send(None)
            return


def _serve_vk(conn: Connection) -> None:
    server = FakeVkServer(group_id=VK_GROUP, token=VK_TOKEN).start_in_thread()
    conn.send(server.base_url)
    while True:
        command, *args = conn.recv()
        if command == "message":
            server.message_new(*args)
            conn.send(None)
        elif command == "answered":
            conn.send(Counter(message.peer_id for message in server.sent))
        elif command == "sends":
            conn.send(len(server.calls_of("messages.send")))
        elif command == "stop":
            server.stop()
            conn.send(None)
            return


class Platform(ServerProcess):
    """A fake platform's process, asked from the event loop without blocking it."""

    async def call(self, *command: Any) -> Any:
        return await asyncio.to_thread(self.ask, *command)


# --- CPU time from /proc ---------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far; 0 when it is gone or unreadable."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    # The command name (field 2) may hold spaces: count fields from after its ')'.
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine_busy() -> float:
    """CPU seconds all the machine's cores have been busy (/proc/stat: not idle, not
    waiting for I/O): what the processes measured one by one leave out shows here."""
    ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / CLOCK_TICKS


def cpu_of(pids: Iterable[int]) -> dict[int, float]:
    return {pid: cpu_seconds(pid) for pid in pids}


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    # A PostgreSQL backend that appeared during the run counts from zero.
    return sum(after[pid] - before.get(pid, 0.0) for pid in after)


async def backend_pids(engine: AsyncEngine) -> list[int]:
    """PostgreSQL's server processes for this database (the bots' pooled connections)."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        return [int(pid) for (pid,) in rows]


async def sample_backends(engine: AsyncEngine, seen: dict[int, float], done: asyncio.Event) -> None:
    """Keep each backend's latest CPU time in `seen` until `done`, then sample once more.
    Sampled, as the bots' pools close their overflow connections (and those backends exit)
    during a run; one that lives less than a period is missed."""
    while True:
        finished = done.is_set()
        for pid in await backend_pids(engine):
            seen[pid] = max(seen.get(pid, 0.0), cpu_seconds(pid))
        if finished:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), 0.1)


# --- the bots --------------------------------------------------------------------------


@dataclass
class Bot:
    process: asyncio.subprocess.Process
    port: int
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process.returncode is None


class Fleet:
    """The bots started in one part of the benchmark, all reaped when it ends."""

    def __init__(self, database_url: str, folder: Path, api_url: str) -> None:
        self.database_url = database_url
        self.folder = _mkdir(folder)
        self.api_url = api_url
        self.vk_url: str | None = None
        self.bots: list[Bot] = []
        self.stack = AsyncExitStack()
        self.http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        self.exit_codes: list[tuple[int, int | None]] = []

    async def __aenter__(self) -> Fleet:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        try:
            await self.stack.aclose()  # kills whatever is still running
        finally:
            await self.http.close()

    def settings(self, port: int) -> dict[str, str]:
        settings = {
            "telegram_token": TOKEN,
            "telegram_api_url": self.api_url,
            "telegram_webhook_url": "https://bot.example.org",
            "telegram_webhook_secret": SECRET,
            "webhook_host": "127.0.0.1",
            "webhook_port": str(port),
        }
        if self.vk_url is not None:
            settings.update(vk_tokens=VK_TOKEN, vk_api_url=self.vk_url)
        return settings

    async def start(self, count: int, telegram: Platform) -> list[Bot]:
        """Start `count` bots and wait until each serves its webhook."""
        webhooks = (await telegram.call("counts"))["setWebhook"]
        new = []
        for _ in range(count):
            port = free_port()
            log = self.folder / f"bot-{len(self.bots) + 1}.log"
            process = await self.stack.enter_async_context(
                bot_process(self.database_url, log, **self.settings(port))
            )
            bot = Bot(process, port, log)
            self.bots.append(bot)
            new.append(bot)
        deadline = time.monotonic() + START_TIMEOUT
        for bot in new:
            await self._wait_healthy(bot, deadline)
        # Each bot registers the (shared) webhook address once its route is up.
        while (await telegram.call("counts"))["setWebhook"] < webhooks + count:
            if time.monotonic() > deadline:
                raise TimeoutError("the bots did not all register their webhook")
            await asyncio.sleep(0.1)
        return new

    async def _wait_healthy(self, bot: Bot, deadline: float) -> None:
        while True:
            if not bot.alive:
                raise RuntimeError(f"bot.py exited with {bot.process.returncode}: see {bot.log}")
            with contextlib.suppress(aiohttp.ClientError):
                async with self.http.get(f"http://127.0.0.1:{bot.port}/healthz") as response:
                    if response.status == 200:
                        return
            if time.monotonic() > deadline:
                raise TimeoutError(f"port {bot.port} never answered /healthz")
            await asyncio.sleep(0.1)

    def alive(self) -> list[Bot]:
        return [bot for bot in self.bots if bot.alive]

    def by_holder(self, holder: str) -> Bot | None:
        # A lease's holder is "<host>:<pid>:<random>" (bot/delivery/outbox.py, intake.py).
        return next((bot for bot in self.bots if f":{bot.pid}:" in f"{holder}:"), None)

    async def kill(self, bot: Bot) -> None:
        bot.process.kill()  # kill -9: no `finally`, no lease given back
        await bot.process.wait()

    async def stop_all(self, timeout: float = 15.0) -> None:
        """SIGTERM every live bot, as a supervisor stops them; exit codes are kept."""
        bots = self.alive()
        for bot in bots:
            bot.process.send_signal(signal.SIGTERM)
        for bot in bots:
            code = None
            with contextlib.suppress(TimeoutError):
                code = await asyncio.wait_for(bot.process.wait(), timeout)
            self.exit_codes.append((bot.pid, code))

    async def post(self, bot: Bot, body: bytes) -> int:
        async with self.http.post(
            f"http://127.0.0.1:{bot.port}{WEBHOOK_PATH}",
            data=body,
            headers={
                "Content-Type": "application/json",
                "X-Telegram-Bot-Api-Secret-Token": SECRET,
            },
        ) as response:
            await response.read()
            return response.status


# --- 1. throughput ------------------------------------------------------------------------


@dataclass
class Throughput:
    bots: int
    updates: int
    seconds: float
    statuses: Counter[str]
    bot_cpu: float
    postgres_cpu: float
    fake_cpu: float
    own_cpu: float
    machine_cpu: float
    answers: Counter[int]

    @property
    def rate(self) -> float:
        return self.updates / self.seconds

    @property
    def outside(self) -> float:
        """CPU seconds the machine spent on other work (other programs, the kernel,
        PostgreSQL's own background processes): a large share means a disturbed run."""
        measured = self.bot_cpu + self.postgres_cpu + self.fake_cpu + self.own_cpu
        return max(0.0, self.machine_cpu - measured)


class People:
    """Fresh Telegram user ids for each run, so every run meets only new people."""

    def __init__(self, first: int = 100_000) -> None:
        self.next = first

    def take(self, count: int) -> int:
        first, self.next = self.next, self.next + count
        return first


async def post_all(
    fleet: Fleet, bots: Sequence[Bot], bodies: Sequence[bytes], in_flight: int
) -> tuple[float, Counter[str]]:
    """Post the updates round-robin, `in_flight` at a time per bot; seconds from the first
    POST to the last answer, and the answers by status."""
    statuses: Counter[str] = Counter()

    async def worker(bot: Bot, queue: list[bytes]) -> None:
        while queue:
            body = queue.pop()
            try:
                statuses[str(await fleet.post(bot, body))] += 1
            except aiohttp.ClientError as exc:
                statuses[type(exc).__name__] += 1

    # Each bot's share in its original order (popped from the end, so reversed).
    shares = [list(reversed(bodies[index :: len(bots)])) for index in range(len(bots))]
    started = time.perf_counter()
    await asyncio.gather(
        *(
            worker(bot, share)
            for bot, share in zip(bots, shares, strict=True)
            for _ in range(in_flight)
        )
    )
    return time.perf_counter() - started, statuses


async def run_throughput(
    bot_count: int,
    updates: int,
    in_flight: int,
    people: People,
    database_url: str,
    folder: Path,
    engine: AsyncEngine,
    telegram: Platform,
) -> Throughput:
    async with Fleet(database_url, folder, telegram.base_url) as fleet:
        bots = await fleet.start(bot_count, telegram)
        # Warm-up, not timed: connections opened, first-call paths taken.
        warm = await telegram.call("updates", people.take(in_flight), in_flight)
        await post_all(fleet, bots, [_body(u) for u in warm], in_flight)

        pairs = max(1, updates // 2)
        first = people.take(pairs)
        bodies = [_body(u) for u in await telegram.call("updates", first, pairs)]
        pg_before = cpu_of(await backend_pids(engine))
        bots_before = cpu_of(bot.pid for bot in bots)
        fake_before, own_before = cpu_seconds(telegram.process.pid), time.process_time()
        busy_before = machine_busy()
        pg_seen, done = dict(pg_before), asyncio.Event()
        sampler = asyncio.create_task(sample_backends(engine, pg_seen, done))
        try:
            seconds, statuses = await post_all(fleet, bots, bodies, in_flight)
        finally:
            done.set()
        await sampler  # its last sample is taken after the run
        busy = machine_busy() - busy_before
        own_cpu = time.process_time() - own_before
        fake_cpu = cpu_seconds(telegram.process.pid) - fake_before
        bot_cpu = cpu_used(bots_before, cpu_of(bot.pid for bot in bots))
        postgres_cpu = cpu_used(pg_before, pg_seen)
        answers = await telegram.call("per_chat", first, pairs)
        await fleet.stop_all()
        _report_exits(fleet)
    return Throughput(
        bot_count,
        len(bodies),
        seconds,
        statuses,
        bot_cpu,
        postgres_cpu,
        fake_cpu,
        own_cpu,
        busy,
        Counter({first + n: answers.get(first + n, 0) for n in range(pairs)}),
    )


def _body(update: dict[str, Any]) -> bytes:
    return json.dumps(update).encode()


def print_throughput(runs: list[Throughput]) -> None:
    print(f"machine: {os.cpu_count()} cores, shared by the bots, PostgreSQL, the fake Bot API")
    print("         and this load generator: two bots cannot reach 2x here")
    for run in runs:
        per_k = 1000 / run.updates
        bad = {status: n for status, n in run.statuses.items() if status != "200"}
        wrong = sum(1 for n in run.answers.values() if n != 2)
        print(
            f"{run.bots} bot{'s' if run.bots > 1 else ' '}: {run.rate:7.1f} updates/s"
            f" ({run.updates} in {run.seconds:.2f} s); CPU s per 1000 updates:"
            f" bots {run.bot_cpu * per_k:.2f}, PostgreSQL {run.postgres_cpu * per_k:.2f},"
            f" fake Bot API {run.fake_cpu * per_k:.2f}, load generator {run.own_cpu * per_k:.2f};"
            f" cores busy {run.machine_cpu / run.seconds:.2f} of {os.cpu_count()}"
            f" ({run.outside / run.seconds:.2f} outside those)"
        )
        if bad or wrong:
            print(f"  odd: answers {dict(bad)}; people without exactly 2 replies: {wrong}")
    one = statistics.median(run.rate for run in runs if run.bots == 1)
    two = statistics.median(run.rate for run in runs if run.bots == 2)
    rounds = sum(run.bots == 1 for run in runs)
    median = f" (medians of {rounds})" if rounds > 1 else ""
    print(f"one bot {one:.1f}, two bots {two:.1f} updates/s{median}: two/one {two / one:.2f}")


# --- 2. hand-over ----------------------------------------------------------------------


async def leases(engine: AsyncEngine) -> dict[str, str]:
    """The live leases: name -> holder."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT name, holder FROM leases WHERE expires_at > :now"),
            {"now": clock.now()},
        )
        return {name: holder for name, holder in rows}


async def held_by(engine: AsyncEngine, fleet: Fleet, bot: Bot) -> list[str]:
    return sorted(name for name, h in (await leases(engine)).items() if fleet.by_holder(h) is bot)


async def holder_of(engine: AsyncEngine, fleet: Fleet, name: str) -> Bot:
    """The live bot holding lease `name` (waits for one, e.g. while a dead one's lapses)."""
    deadline = time.monotonic() + HANDOVER_TIMEOUT
    while True:
        holder = (await leases(engine)).get(name)
        bot = fleet.by_holder(holder) if holder else None
        if bot is not None and bot.alive:
            return bot
        if time.monotonic() > deadline:
            raise TimeoutError(f"no live bot holds {name}")
        await asyncio.sleep(0.1)


async def until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    deadline = time.monotonic() + HANDOVER_TIMEOUT
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not within {HANDOVER_TIMEOUT:.0f} s: {what}")
        await asyncio.sleep(0.02)


async def watch_takeovers(
    engine: AsyncEngine,
    fleet: Fleet,
    victim: Bot,
    names: list[str],
    started: float,
    taken: dict[str, float],
) -> None:
    """Note in `taken` the seconds from `started` until each lease of `names` is held by
    another bot than the killed one; returns when all are."""
    while len(taken) < len(names):
        now = await leases(engine)
        for name in names:
            holder = now.get(name)
            if name not in taken and holder and fleet.by_holder(holder) is not victim:
                taken[name] = time.monotonic() - started
        await asyncio.sleep(0.05)


async def run_handover(
    database_url: str, folder: Path, engine: AsyncEngine, people: People, telegram: Platform
) -> list[str]:
    lines: list[str] = []
    with Platform(_serve_vk) as vk:
        async with Fleet(database_url, folder, telegram.base_url) as fleet:
            fleet.vk_url = vk.base_url
            first, second = await fleet.start(2, telegram)
            # Telegram people who have met the bot: the outbox's recipients later.
            tg_first = people.take(OUTBOX_MESSAGES)
            made = await telegram.call("updates", tg_first, OUTBOX_MESSAGES)
            await post_all(fleet, [first, second], [_body(u) for u in made[:OUTBOX_MESSAGES]], 8)
            # VK is polled (one message answered proves it), then the poller dies.
            vk_person = 5_000
            await vk.call("message", vk_person, "/start")
            await until(lambda: _answered(vk, vk_person), "the first VK message answered")
            lease = f"poll:vk:{VK_GROUP}"
            victim = await holder_of(engine, fleet, lease)
            held = await held_by(engine, fleet, victim)
            await fleet.kill(victim)
            started = time.monotonic()
            await vk.call("message", vk_person + 1, "/start")
            taken: dict[str, float] = {}
            watcher = asyncio.create_task(
                watch_takeovers(engine, fleet, victim, held, started, taken)
            )
            await until(lambda: _answered(vk, vk_person + 1), "the VK message after the kill")
            answered_in = time.monotonic() - started
            lines.append(
                f"VK poller killed (-9): its next message answered by the survivor after"
                f" {answered_in:.1f} s"
            )
            lines.append(await _takeovers(watcher, held, taken))

            # A replacement, as systemd would restart it; then the outbox's sender dies.
            await fleet.start(1, telegram)
            victim = await holder_of(engine, fleet, "outbox:telegram")
            held = await held_by(engine, fleet, victim)
            await telegram.call("hang_sends")
            sends = (await telegram.call("counts"))["sendMessage"]
            await queue_outbox(engine, tg_first, OUTBOX_MESSAGES)
            # The holder has claimed them and is waiting on Telegram for each.
            await until(
                lambda: _sends_beyond(telegram, sends + OUTBOX_MESSAGES),
                "the outbox holder sending",
            )
            await fleet.kill(victim)
            started = time.monotonic()
            await telegram.call("clear")
            taken: dict[str, float] = {}
            watcher = asyncio.create_task(
                watch_takeovers(engine, fleet, victim, held, started, taken)
            )
            await until(
                lambda: _all_marked(telegram, OUTBOX_MESSAGES), "the outbox delivered after kill"
            )
            delivered_in = time.monotonic() - started
            lines.append(
                f"outbox sender killed (-9) with {OUTBOX_MESSAGES} messages claimed: all"
                f" delivered by the survivor after {delivered_in:.1f} s"
            )
            lines.append(await _takeovers(watcher, held, taken))
            marked = await telegram.call("marked")
            twice = {chat: n for chat, n in marked.items() if n != 1}
            if twice:
                lines.append(f"  odd: outbox messages delivered more than once: {twice}")
            await fleet.stop_all()
            _report_exits(fleet)
            # Checked last: an update the killed poller had answered but not yet marked done
            # is handed over and may be answered again by the survivor.
            answered = await vk.call("answered")
            duplicates = {p: n for p, n in answered.items() if n != 1}
            if duplicates:
                lines.append(f"  odd: VK people answered more than once: {duplicates}")
            # A reply sent again after the hand-over carries its first random_id, and VK
            # (like the fake) drops it: calls beyond the messages delivered are those.
            sends = await vk.call("sends")
            lines.append(
                f"  VK: {sends} messages.send calls, {sum(answered.values())} messages delivered"
                f" ({sends - sum(answered.values())} repeats dropped by random_id)"
            )
    return lines


async def _answered(vk: Platform, person: int) -> bool:
    return (await vk.call("answered")).get(person, 0) > 0


async def _sends_beyond(telegram: Platform, count: int) -> bool:
    return (await telegram.call("counts"))["sendMessage"] >= count


async def _all_marked(telegram: Platform, count: int) -> bool:
    return len(await telegram.call("marked")) >= count


async def _takeovers(watcher: asyncio.Task[None], held: list[str], taken: dict[str, float]) -> str:
    # The leases not yet taken over get some more time (the scheduler's TTL is the longest);
    # one never taken over is shown as "-".
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(watcher, 25)
    parts = [f"{name} {taken[name]:.1f} s" if name in taken else f"{name} -" for name in held]
    return "  its leases taken over after: " + ", ".join(parts)


async def queue_outbox(engine: AsyncEngine, first: int, count: int) -> None:
    """One notification each to `count` Telegram people, written as the bot's services do
    (tests/support/outbox.py): due at once, for whichever process holds the outbox."""
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session, session.begin():
        ids = [str(first + n) for n in range(count)]
        stmt = select(User).where(User.platform == "telegram", User.external_id.in_(ids))
        users = list(await session.scalars(stmt))
        if len(users) != count:
            raise RuntimeError(f"{len(users)} of {count} Telegram people in the database")
        outbox = UnitOfWork(session).outbox
        for user in users:
            reply = Reply(f"{OUTBOX_MARKER} {user.external_id}", [])
            await outbox.enqueue(user, reply, OutboxKind.NOTIFICATION)


# --- set-up and the report ---------------------------------------------------------------

EXIT_NOTES: list[str] = []


def _report_exits(fleet: Fleet) -> None:
    for pid, code in fleet.exit_codes:
        if code != 0:
            EXIT_NOTES.append(f"bot.py (pid {pid}) stopped with SIGTERM exited with {code}")


async def prepare_database(url: str, folder: Path) -> str | None:
    """Wipe and migrate the database; the reason to skip when PostgreSQL is not there."""
    if not url.startswith("postgresql"):
        return "the database is not PostgreSQL (several processes need it)"
    try:
        await _wipe(url)
    except Exception as exc:
        if "does not exist" not in str(exc):
            return f"PostgreSQL not reachable at {make_url(url).host}: {exc}"
        try:
            await _create(url)
            await _wipe(url)
        except Exception as exc2:
            return f"cannot create the database: {exc2}"
    # bot.py migrates at every start; done once here so two bots never race to migrate.
    env = bot_env(url, folder / "migrate.log")
    migrate = await asyncio.create_subprocess_exec(
        sys.executable,
        str(BOT),
        "migrate",
        env=env,
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, stderr = await migrate.communicate()
    if migrate.returncode != 0:
        return f"bot.py migrate exited with {migrate.returncode}: {stderr.decode()[-500:]}"
    return None


async def _wipe(url: str) -> None:
    engine = create_engine(url)
    try:
        async with asyncio.timeout(10), engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


async def _create(url: str) -> None:
    parsed = make_url(url)
    engine = create_engine(parsed.set(database="postgres").render_as_string(False))
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        await engine.dispose()


def scan_logs(folder: Path) -> list[str]:
    """Error lines in the bots' logs (the first few of each log)."""
    found = []
    for log in sorted(folder.glob("*.log")):
        lines = [line.rstrip() for line in log.read_text(errors="replace").splitlines()]
        errors = [line for line in lines if ERROR_LINE.search(line)]
        if errors:
            found.append(f"{log.name}: {len(errors)} error lines, e.g. {errors[0][:200]}")
    return found


async def run(args: argparse.Namespace) -> None:
    # SIGTERM's default would end this process at once and leave the bots running: it
    # cancels the run instead, as Ctrl+C does, so every `finally` below reaps them.
    main_task = asyncio.current_task()
    assert main_task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main_task.cancel)
    folder = Path(tempfile.mkdtemp(prefix="processes-bench-"))
    try:
        reason = await prepare_database(args.database_url, folder)
        if reason is not None:
            print(f"skipped: {reason}")
            return
        engine = create_engine(args.database_url)
        people = People()
        # One fake Bot API for the whole run: its update ids keep growing, as Telegram's do
        # (a second fake starting again at 1 had its updates taken as repeats and skipped).
        telegram = Platform(_serve_telegram).__enter__()
        try:
            runs = []
            for _ in range(args.rounds):
                for count in (1, 2):
                    runs.append(
                        await run_throughput(
                            count,
                            args.updates,
                            args.in_flight,
                            people,
                            args.database_url,
                            folder / f"throughput-{len(runs)}",
                            engine,
                            telegram,
                        )
                    )
            print(f"webhook updates (/start and /help, each from a new person), {args.in_flight}")
            print("in flight per bot, posted round-robin; PostgreSQL, fake Bot API in a process")
            print_throughput(runs)
            if not args.no_handover:
                await _reset_leases(engine)
                for line in await run_handover(
                    args.database_url, _mkdir(folder / "handover"), engine, people, telegram
                ):
                    print(line)
        finally:
            telegram.__exit__()
            await engine.dispose()
        for note in EXIT_NOTES:
            print(f"odd: {note}")
        for line in scan_logs_all(folder):
            print(f"log: {line}")
    finally:
        if args.keep_logs is not None:
            shutil.copytree(folder, args.keep_logs, dirs_exist_ok=True)
        shutil.rmtree(folder, ignore_errors=True)


async def _reset_leases(engine: AsyncEngine) -> None:
    # Every bot of the throughput runs stopped (and gave its leases back) or was killed; a
    # killed one's lease must not delay the hand-over's start.
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM leases"))


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def scan_logs_all(folder: Path) -> list[str]:
    return [line for sub in sorted(folder.iterdir()) if sub.is_dir() for line in scan_logs(sub)]


def default_database_url() -> str:
    # BENCH_DATABASE_URL is the benchmarks' PostgreSQL database, theirs to empty (README).
    url = os.environ.get("BENCH_DATABASE_URL", "").strip()
    return url if url.startswith("postgresql") else DEFAULT_DATABASE_URL


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=1500, help="per run (default 1500)")
    parser.add_argument("--rounds", type=int, default=1, help="one bot, then two (default 1)")
    parser.add_argument("--in-flight", type=int, default=32, help="requests per bot (32)")
    parser.add_argument(
        "--database-url",
        default=default_database_url(),
        help="PostgreSQL; it is WIPED first (default: %(default)s)",
    )
    parser.add_argument("--no-handover", action="store_true", help="throughput only")
    parser.add_argument("--keep-logs", type=Path, help="copy the bots' logs to this folder")
    # No arguments when run by `python -m bench` (its argv names the benchmarks).
    args = parser.parse_args(argv or [])
    try:
        asyncio.run(run(args))
    except asyncio.CancelledError:
        print("stopped by SIGTERM; the processes it started were killed", file=sys.stderr)
        raise SystemExit(128 + signal.SIGTERM) from None


if __name__ == "__main__":
    main(sys.argv[1:])
