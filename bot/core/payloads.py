"""Typed button payloads, in the spirit of aiogram's CallbackData factories.

    class OrderAction(Payload, prefix="ord"):
        order_id: int
        action: Literal["show", "cancel"]

    OrderAction(order_id=5, action="show").pack()  ->  "ord:5:show"
    OrderAction.unpack("ord:5:show")               ->  OrderAction(order_id=5, action="show")

Payloads come back from clients (on VK as JSON the user's client sends), so unpacking
validates every field and a forged or oversized payload raises `PayloadError`. Validation
says nothing about permission: handlers still check that the object belongs to the user.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

SEPARATOR = ":"
# Telegram's callback_data limit; VK allows more, but one limit keeps payloads portable.
MAX_PAYLOAD_BYTES = 64


class PayloadError(ValueError):
    """The payload is malformed, unknown, too long or fails validation."""


class Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    __prefix__: ClassVar[str]
    _registry: ClassVar[dict[str, type[Payload]]] = {}

    def __init_subclass__(cls, prefix: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if prefix is None:
            return
        if not prefix or SEPARATOR in prefix:
            raise ValueError(f"bad payload prefix {prefix!r}")
        if prefix in Payload._registry and Payload._registry[prefix] is not cls:
            raise ValueError(f"payload prefix {prefix!r} is used twice")
        cls.__prefix__ = prefix
        Payload._registry[prefix] = cls

    def pack(self) -> str:
        parts = [self.__prefix__]
        for name in type(self).model_fields:
            value = getattr(self, name)
            text = "" if value is None else str(value.value if hasattr(value, "value") else value)
            if isinstance(value, bool):
                text = "1" if value else "0"
            if SEPARATOR in text:
                raise ValueError(f"{name}={text!r} contains the separator")
            parts.append(text)
        packed = SEPARATOR.join(parts)
        if len(packed.encode()) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"payload {packed!r} is longer than {MAX_PAYLOAD_BYTES} bytes")
        return packed

    @classmethod
    def unpack(cls, raw: str) -> Payload:
        """Parse a payload of this class (or of any registered class when called on Payload)."""
        if not isinstance(raw, str) or len(raw.encode()) > MAX_PAYLOAD_BYTES:
            raise PayloadError("payload too long or not text")
        prefix, *values = raw.split(SEPARATOR)
        target = Payload._registry.get(prefix)
        if target is None or (cls is not Payload and target is not cls):
            raise PayloadError(f"unknown payload prefix {prefix!r}")
        names = list(target.model_fields)
        if len(values) != len(names):
            raise PayloadError("wrong number of payload fields")
        data = {
            name: (None if value == "" and not _is_str_field(target, name) else value)
            for name, value in zip(names, values, strict=True)
        }
        try:
            return target.model_validate(data)
        except ValidationError as exc:
            raise PayloadError(str(exc)) from None

    @classmethod
    def prefix_of(cls, raw: str) -> str:
        return raw.split(SEPARATOR, 1)[0]


def _is_str_field(model: type[Payload], name: str) -> bool:
    return model.model_fields[name].annotation is str


class CommandPayload(Payload, prefix="cmd"):
    """A button that behaves exactly like typing a command (menus, VK keyboards)."""

    name: str
    args: str = ""
