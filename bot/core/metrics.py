"""What /metrics (bot/web.py) serves, in Prometheus' text format.

Counted as it happens (the dispatcher calls `observe_update` from `feed`):

    bot_updates_total{platform, outcome}       handled, refused, duplicate, failed, ignored
    bot_update_handling_seconds{platform}      time in the dispatcher, a histogram

Read at scrape time (the web server fills a `Snapshot` from the database and the running
parts, then renders): nothing is kept up to date between scrapes that nobody reads.

    bot_outbox_sends_total{platform, result}   sent, retry, failed, skipped
    bot_outbox_backlog{platform}               pending messages
    bot_outbox_oldest_pending_age_seconds{platform}
    bot_outbox_leader{platform}                1 when this process' sender holds the lease
    bot_scheduler_leader                       1 when this process runs the scheduled tasks
    bot_database_up                            1 when the database answered the scrape
    bot_platform_last_ok_timestamp_seconds{platform}

Each `Metrics` has its own registry, so many apps in one process (the tests) never share or
collide; nothing goes to prometheus_client's global registry.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest

# An update takes a few milliseconds; seconds mean the database is struggling.
HANDLING_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass(slots=True)
class Backlog:
    pending: int
    oldest_age_seconds: float


@dataclass(slots=True)
class Snapshot:
    """What is true at scrape time; None where it could not be found out (database down)."""

    database_up: bool = False
    backlog: dict[str, Backlog] = field(default_factory=dict)
    # Updates a platform sent that could not be read (table refused_updates), by platform.
    refused_updates: dict[str, int] = field(default_factory=dict)
    sends: dict[tuple[str, str], int] = field(default_factory=dict)  # (platform, result)
    scheduler_leader: bool | None = None
    outbox_leaders: dict[str, bool] = field(default_factory=dict)
    last_ok: dict[str, float] = field(default_factory=dict)  # platform -> Unix time


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._updates = Counter(
            "bot_updates",
            "Updates fed to the dispatcher, by outcome",
            ["platform", "outcome"],
            registry=self.registry,
        )
        self._handling = Histogram(
            "bot_update_handling_seconds",
            "Time an update spent in the dispatcher (transaction, handler, after-commit work)",
            ["platform"],
            buckets=HANDLING_BUCKETS,
            registry=self.registry,
        )
        # prometheus_client looks a labelled child up under a lock on every `labels()`;
        # an update is counted once per call, so the children are kept at hand instead.
        self._children: dict[tuple[str, str], tuple[Counter, Histogram]] = {}
        self._snapshot = Snapshot()
        # `render` swaps the snapshot in and generates under this lock, so two scrapes at once
        # (from two threads, should a caller ever use one) never mix their snapshots.
        self._render_lock = threading.Lock()
        self.registry.register(_SnapshotCollector(self))

    def observe_update(self, platform: str, outcome: str, seconds: float | None) -> None:
        """Count one update; `seconds` is None for one that was not handled at all."""
        children = self._children.get((platform, outcome))
        if children is None:
            children = (
                self._updates.labels(platform, outcome),
                self._handling.labels(platform),
            )
            self._children[(platform, outcome)] = children
        counter, histogram = children
        counter.inc()
        if seconds is not None:
            histogram.observe(seconds)

    def render(self, snapshot: Snapshot) -> bytes:
        """The text exposition of everything, the scrape-time values taken from `snapshot`."""
        with self._render_lock:
            self._snapshot = snapshot
            return generate_latest(self.registry)


class _SnapshotCollector:
    """The scrape-time metrics, read from the snapshot `render` was given."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    def describe(self) -> list[Metric]:
        # Names only, so the registry can refuse a duplicate; no values at registration.
        return list(self._families(Snapshot()))

    def collect(self) -> Iterator[Metric]:
        return self._families(self._metrics._snapshot)

    @staticmethod
    def _families(snapshot: Snapshot) -> Iterator[Metric]:
        sends = CounterMetricFamily(
            "bot_outbox_sends",
            "Outbox messages by the sender's result (retry: to be tried again later)",
            labels=["platform", "result"],
        )
        for (platform, result), count in sorted(snapshot.sends.items()):
            sends.add_metric([platform, result], count)
        yield sends
        refused = CounterMetricFamily(
            "bot_refused_updates",
            "Updates received that could not be read, recorded and skipped (all processes)",
            labels=["platform"],
        )
        for platform, count in sorted(snapshot.refused_updates.items()):
            refused.add_metric([platform], count)
        yield refused
        backlog = GaugeMetricFamily(
            "bot_outbox_backlog", "Outbox messages not yet delivered", labels=["platform"]
        )
        oldest = GaugeMetricFamily(
            "bot_outbox_oldest_pending_age_seconds",
            "Age of the oldest outbox message not yet delivered",
            labels=["platform"],
        )
        for platform, entry in sorted(snapshot.backlog.items()):
            backlog.add_metric([platform], entry.pending)
            oldest.add_metric([platform], entry.oldest_age_seconds)
        yield backlog
        yield oldest
        leaders = GaugeMetricFamily(
            "bot_outbox_leader",
            "1 when this process' outbox sender holds the platform's lease",
            labels=["platform"],
        )
        for platform, leading in sorted(snapshot.outbox_leaders.items()):
            leaders.add_metric([platform], float(leading))
        yield leaders
        scheduler = GaugeMetricFamily(
            "bot_scheduler_leader", "1 when this process holds the scheduler's lease"
        )
        if snapshot.scheduler_leader is not None:
            scheduler.add_metric([], float(snapshot.scheduler_leader))
        yield scheduler
        yield GaugeMetricFamily(
            "bot_database_up",
            "1 when the database answered this scrape",
            value=float(snapshot.database_up),
        )
        last_ok = GaugeMetricFamily(
            "bot_platform_last_ok_timestamp_seconds",
            "Unix time of the platform's last successful API call",
            labels=["platform"],
        )
        for platform, moment in sorted(snapshot.last_ok.items()):
            last_ok.add_metric([platform], moment)
        yield last_ok
