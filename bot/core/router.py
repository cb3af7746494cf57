"""Routers: small per-area tables of handlers, included into one root, aiogram style.

router = Router("orders")

@router.command("orders", aliases=("заказы",))
async def show_orders(ctx: Context) -> None: ...

@router.button(OrderAction)
async def on_order_action(ctx: Context, data: OrderAction) -> None: ...

@router.step("new_purchase", "title")
async def on_title(ctx: Context) -> None: ...
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.core.context import Context, LinkHandler
from bot.core.events import EventKind
from bot.core.payloads import Payload
from bot.core.roles import CommandInfo, Role

Handler = Callable[[Context], Awaitable[None]]
P = TypeVar("P", bound=Payload)
ButtonHandler = Callable[[Context, Any], Awaitable[None]]

__all__ = ["ButtonHandler", "Handler", "LinkHandler", "Role", "Router"]


@dataclass(frozen=True, slots=True)
class CommandRoute(CommandInfo):
    handler: Handler


@dataclass(frozen=True, slots=True)
class ButtonRoute:
    payload: type[Payload]
    handler: ButtonHandler
    role: Role


class Router:
    def __init__(self, name: str) -> None:
        self.name = name
        self.commands: dict[str, CommandRoute] = {}
        self.aliases: dict[str, str] = {}
        self.buttons: dict[str, ButtonRoute] = {}
        self.steps: dict[tuple[str, str], Handler] = {}
        self.links: dict[str, LinkHandler] = {}
        self.events: dict[EventKind, Handler] = {}
        self.fallback: Handler | None = None

    def command(
        self,
        name: str,
        *,
        aliases: tuple[str, ...] = (),
        role: Role = Role.ANYONE,
        in_groups: bool = False,
        menu: bool = True,
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            route = CommandRoute(name, role, in_groups, menu, handler)
            self._add(self.commands, name, route)
            for alias in aliases:
                self._add(self.aliases, alias.lower(), name)
            return handler

        return register

    def button(
        self, payload: type[P], *, role: Role = Role.ANYONE
    ) -> Callable[
        [Callable[[Context, P], Awaitable[None]]], Callable[[Context, P], Awaitable[None]]
    ]:
        def register(
            handler: Callable[[Context, P], Awaitable[None]],
        ) -> Callable[[Context, P], Awaitable[None]]:
            self._add(self.buttons, payload.__prefix__, ButtonRoute(payload, handler, role))
            return handler

        return register

    def step(self, dialog: str, step: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self._add(self.steps, (dialog, step), handler)
            return handler

        return register

    def start_link(self, prefix: str) -> Callable[[LinkHandler], LinkHandler]:
        """Handle `/start <prefix>_<value>` deep links (invite, purchase, affiliate)."""

        def register(handler: LinkHandler) -> LinkHandler:
            self._add(self.links, prefix, handler)
            return handler

        return register

    def event(self, kind: EventKind) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self._add(self.events, kind, handler)
            return handler

        return register

    def text(self) -> Callable[[Handler], Handler]:
        """Free text outside any dialog."""

        def register(handler: Handler) -> Handler:
            if self.fallback is not None:
                raise ValueError(f"router {self.name}: text fallback registered twice")
            self.fallback = handler
            return handler

        return register

    def include(self, *routers: Router) -> Router:
        for other in routers:
            for name, route in other.commands.items():
                self._add(self.commands, name, route)
            for alias, name in other.aliases.items():
                self._add(self.aliases, alias, name)
            for prefix, button in other.buttons.items():
                self._add(self.buttons, prefix, button)
            for key, handler in other.steps.items():
                self._add(self.steps, key, handler)
            for prefix, link in other.links.items():
                self._add(self.links, prefix, link)
            for kind, handler in other.events.items():
                self._add(self.events, kind, handler)
            if other.fallback is not None:
                if self.fallback is not None:
                    raise ValueError(f"router {other.name}: a second text fallback")
                self.fallback = other.fallback
        return self

    def resolve_command(self, word: str) -> CommandRoute | None:
        word = word.lower()
        return self.commands.get(word) or self.commands.get(self.aliases.get(word, ""))

    def _add(self, table: dict[Any, Any], key: Any, value: Any) -> None:
        # Two handlers for one command or payload is always a bug: fail at start-up.
        if key in table:
            raise ValueError(f"router {self.name}: {key!r} is registered twice")
        table[key] = value
