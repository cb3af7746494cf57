from __future__ import annotations

from typing import Any


class UserError(Exception):
    """A polite refusal shown to the user; the update's changes are rolled back.

    Carries a text key and its arguments so the message is in the user's language.
    """

    def __init__(self, key: str, **args: Any) -> None:
        super().__init__(key)
        self.key = key
        self.args_ = args
