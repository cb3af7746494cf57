"""The conversation, one router per area. `build_router` assembles them for the dispatcher."""

from __future__ import annotations

from bot.core.router import Router


def build_router() -> Router:
    # Imported here so that importing `handlers` does not register payload prefixes twice
    # in tools that reload modules.
    from handlers import common, organizer

    root = Router("root")
    root.include(common.router, organizer.router)
    return root
