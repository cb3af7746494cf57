"""Logging set-up: where the log goes, in which format, and with no secret in it.

* LOG_FORMAT=text (default): one readable line per record, for people.
* LOG_FORMAT=json: one JSON object per line (`time`, `level`, `logger`, `message`, and
  `exception` when there is one), for log collectors (Docker, journald, Loki, ELK...).

Whatever the format, `SecretMask` replaces the configured tokens (TELEGRAM_TOKEN, VK_TOKENS,
TELEGRAM_WEBHOOK_SECRET) with `***` in every record that reaches a handler: aiogram puts the
bot token into its request URLs and vk_api the access token into its request parameters, and
either may end up in a warning or a traceback.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from pythonjsonlogger.json import JsonFormatter

from bot.settings import Settings

CONSOLE_LOG = Path("data/console.log")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "***"
# Shorter values are not masked: replacing, say, "1" everywhere would garble the log while
# protecting nothing (real tokens are dozens of characters long).
MIN_SECRET_LENGTH = 6

# The attributes every LogRecord has; anything else on a record came from `extra=` and is
# masked too (the JSON format prints extras).
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
}


def secrets_of(settings: Settings) -> list[str]:
    """The secret values the settings hold."""
    values = [token.get_secret_value() for token in settings.vk_tokens]
    for secret in (settings.telegram_token, settings.telegram_webhook_secret):
        if secret is not None:
            values.append(secret.get_secret_value())
    return values


def _variants(values: Iterable[str]) -> list[str]:
    # A token inside a URL may be percent-encoded (":" in a Telegram token becomes %3A).
    # Longest first, so a secret that contains another is masked whole.
    found: set[str] = set()
    for value in values:
        if len(value) < MIN_SECRET_LENGTH:
            continue
        found.update({value, quote(value, safe=""), quote_plus(value)})
    return sorted(found, key=len, reverse=True)


class SecretMask(logging.Filter):
    """Replaces secret values with `***` in a record's message, arguments, extras, exception
    and stack. Put on handlers (not loggers): a logger's filter misses the records its
    children propagate."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = _variants(secrets)

    def mask(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        # The message is rendered here once so a token passed as an argument
        # (log.warning("GET %s", url)) is caught as well as one in the format string.
        try:
            message = record.getMessage()
        except Exception:
            # Arguments that do not fit the format: shown beside it, masked, rather than
            # raised at the call site or printed raw by logging's own error report.
            record.msg, record.args = f"{record.msg} {record.args!r}", ()
            message = record.msg
        masked = self.mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and record.exc_info[0] is not None:
            # Formatters print exc_text when exc_info is gone (the standard one and
            # python-json-logger both do), so the traceback is formatted and masked here.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self.mask(record.stack_info)
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_ATTRS and isinstance(value, str):
                setattr(record, key, self.mask(value))
        return True


class JsonLineFormatter(JsonFormatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, exception."""

    def __init__(self) -> None:
        super().__init__(
            ["levelname", "name", "message"],
            rename_fields={
                "levelname": "level",
                "name": "logger",
                "exc_info": "exception",
                "stack_info": "stack",
            },
            timestamp="time",
            json_ensure_ascii=False,  # Russian texts stay readable
        )

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        # `time` first: easier to read in a terminal, and sorts lines when grepped.
        return {"time": log_data.pop("time", None), **log_data}


def make_formatter(log_format: str) -> logging.Formatter:
    return JsonLineFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)


def configure_logging(settings: Settings, *, console: bool) -> None:
    """The log at LOG_LEVEL on stderr, and in LOG_FILE when set, in LOG_FORMAT, masked.

    The console chat prints the conversation only: its log goes to a file (data/console.log
    unless LOG_FILE says otherwise) and stderr shows warnings and errors alone."""
    handlers: list[logging.Handler] = []
    log_file = settings.log_file or (CONSOLE_LOG if console else None)
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    stderr = logging.StreamHandler(sys.stderr)
    if console:
        stderr.setLevel(logging.WARNING)
    handlers.append(stderr)
    formatter = make_formatter(settings.log_format)
    mask = SecretMask(secrets_of(settings))
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(mask)
    logging.basicConfig(level=settings.log_level, handlers=handlers, force=True)
    if not console:
        logging.getLogger("aiogram.event").setLevel(logging.WARNING)
