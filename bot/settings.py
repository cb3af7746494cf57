"""All configuration in one place, read from the environment and `.env`.

Names are a public contract (deployment scripts rely on them), see README and `.env.example`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Language = Literal["ru", "en"]

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/bot.sqlite3"


def _split_commas(value: object) -> object:
    # Comma-separated lists are friendlier in .env files than JSON arrays.
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    database_url: str = DEFAULT_DATABASE_URL
    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    vk_tokens: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    vk_api_url: str = "https://api.vk.com"
    # Odnoklassniki group messages (the OK Bot API): one group access token per group.
    ok_tokens: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    ok_api_url: str = "https://api.ok.ru"
    # OK delivers by webhook only (bot/adapters/ok): the public URL that reaches this
    # process; the bot serves its path (one route per group under it) on the web server.
    ok_webhook_url: str | None = None
    # MAX (bot/adapters/max): the token from MAX for business / @MasterBot; long polling
    # unless MAX_WEBHOOK_URL is set (the https address MAX posts to, a subscription).
    max_token: SecretStr | None = None
    max_api_url: str = "https://platform-api.max.ru"
    max_webhook_url: str | None = None
    max_webhook_secret: SecretStr | None = None
    max_webhook_path: str = "/max/webhook"
    admin_ids: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Webhook mode (Telegram): set TELEGRAM_WEBHOOK_URL to the public https address that
    # reaches this process; otherwise the bot uses long polling.
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_path: str = "/telegram/webhook"
    # The bot's one web server (bot/web.py): /healthz, /metrics and every platform's webhook.
    # It runs when WEBHOOK_PORT is set, or on 8080 when a platform's webhook mode needs it.
    # The TELEGRAM_ names are older and still read. 0 binds any free port (tests).
    webhook_host: str = Field(
        default="0.0.0.0",
        validation_alias=AliasChoices("webhook_host", "telegram_webhook_host"),
    )
    webhook_port: int | None = Field(
        default=None,
        ge=0,
        le=65535,
        validation_alias=AliasChoices("webhook_port", "telegram_webhook_port"),
    )

    # Delivery limits (the platforms' published limits; lower them if you see 429s).
    telegram_rate_global: float = Field(default=30.0, gt=0)  # messages per second, all chats
    telegram_rate_private: float = Field(default=1.0, gt=0)  # per private chat, per second
    telegram_rate_group_per_minute: float = Field(default=20.0, gt=0)  # per group, per minute
    vk_rate_per_token: float = Field(default=20.0, gt=0)  # API calls per second per community
    # OK publishes no figure for the Bot API; 10 calls per second per group is our guess.
    ok_rate_per_token: float = Field(default=10.0, gt=0)
    max_rate_per_second: float = Field(default=30.0, gt=0)  # MAX: 30 requests a second per bot
    delivery_max_attempts: int = Field(default=8, ge=1, le=100)

    # Buyer–organizer chat (issue 19): the organizer answers a buyer within
    # CHAT_ANSWER_DAYS, reminded on the CHAT_REMINDER_DAYS of the wait; CHAT_STRIKES_BUYER /
    # CHAT_STRIKES_ORGANIZER blocked messages suspend the person's chats for
    # CHAT_SUSPENSION_HOURS.
    chat_answer_days: int = Field(default=10, ge=1, le=365)
    chat_reminder_days: Annotated[list[int], NoDecode] = Field(default_factory=lambda: [7, 9])
    chat_strikes_buyer: int = Field(default=3, ge=1, le=1000)
    chat_strikes_organizer: int = Field(default=3, ge=1, le=1000)
    chat_suspension_hours: int = Field(default=72, ge=1, le=24 * 365)

    default_language: Language = "ru"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    # json: one JSON object per line (time, level, logger, message, exception), for log
    # collectors; text: for people.
    log_format: Literal["text", "json"] = "text"
    # Where the log goes besides stderr. The console chat owns the terminal: its log goes
    # to this file (data/console.log when unset) and only warnings reach stderr.
    log_file: Path | None = None

    @field_validator("vk_tokens", "ok_tokens", "admin_ids", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        return _split_commas(value)

    @field_validator("chat_reminder_days", mode="before")
    @classmethod
    def _reminder_days(cls, value: object) -> object:
        return _split_commas(value)

    @field_validator("chat_reminder_days")
    @classmethod
    def _reminder_days_shape(cls, value: list[int]) -> list[int]:
        if any(day < 1 for day in value):
            raise ValueError("days of the wait are counted from 1, e.g. 7,9")
        return sorted(set(value))

    @field_validator(
        "telegram_token",
        "telegram_webhook_url",
        "telegram_webhook_secret",
        "ok_webhook_url",
        "webhook_port",
        "max_token",
        "max_webhook_url",
        "max_webhook_secret",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        # Catch a pasted chat id or a truncated token at start-up, not at the first API call.
        if value is not None:
            bot_id, _, secret = value.get_secret_value().partition(":")
            if not bot_id.isdigit() or len(secret) < 10:
                raise ValueError("expected the form 123456789:AA... given by @BotFather")
        return value

    @field_validator("admin_ids")
    @classmethod
    def _admin_ids_shape(cls, value: list[str]) -> list[str]:
        normalized = []
        for item in value:
            platform, sep, user_id = item.partition(":")
            platform = platform.strip().lower()
            if not sep or not platform.isalpha() or not user_id.strip():
                raise ValueError(f"{item!r} is not of the form platform:id, e.g. telegram:123")
            normalized.append(f"{platform}:{user_id.strip()}")
        return normalized

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "use sqlite+aiosqlite:///path/to/file.sqlite3 or "
                "postgresql+asyncpg://user:password@host/database"
            )
        return value

    @field_validator(
        "telegram_api_url",
        "vk_api_url",
        "telegram_webhook_url",
        "ok_api_url",
        "ok_webhook_url",
        "max_api_url",
        "max_webhook_url",
    )
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("telegram_webhook_path", "max_webhook_path")
    @classmethod
    def _path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("must start with /")
        return value

    def is_admin(self, platform: str, external_id: str) -> bool:
        return f"{platform}:{external_id}" in self.admin_ids

    def sqlite_path(self) -> Path | None:
        """The database file for SQLite URLs, so start-up can create its folder."""
        prefix = "sqlite+aiosqlite:///"
        if self.database_url.startswith(prefix):
            path = self.database_url[len(prefix) :].split("?", 1)[0]
            return None if path in ("", ":memory:") else Path(path)
        return None


class SettingsError(Exception):
    """A settings problem phrased as one line that names the variable."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        message = first["msg"].removeprefix("Value error, ")
        raise SettingsError(f"Invalid setting {name}: {message}") from None
