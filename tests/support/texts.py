"""The bot's texts as tests expect them: in Russian or English, with the arguments filled in."""

from __future__ import annotations

from typing import Any

from bot.texts import Texts

TEXTS = Texts()

# Money and units are written with a non-breaking space: "1 500,50 ₽".
NBSP = "\u00a0"


def ru(key: str, **args: Any) -> str:
    return TEXTS.get("ru", key, **args)


def en(key: str, **args: Any) -> str:
    return TEXTS.get("en", key, **args)


def rub(amount: str) -> str:
    """A sum as the bot writes it: `rub("1 000")` is "1 000 ₽" with non-breaking spaces."""
    return amount.replace(" ", NBSP) + f"{NBSP}₽"
