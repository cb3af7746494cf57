"""Who may use a command, and what the routing table tells about a command (for /help and
the platforms' command menus) without its handler."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Role(IntEnum):
    """Who may use a handler; each level includes nothing of the others but ANYONE."""

    ANYONE = 0
    ORGANIZER = 1
    ADMIN = 2


@dataclass(frozen=True, slots=True)
class CommandInfo:
    name: str
    role: Role
    in_groups: bool
    # Shown in /help and the platform's command menu.
    menu: bool
