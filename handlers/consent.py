"""VK's message_allow / message_deny: whether the community may write to a person first.

The adapter turns them into CONSENT events with extra {"allowed": bool}. Nothing is said
back: the person only pressed "allow messages" or "deny" in VK's own interface.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.events import EventKind
from bot.core.router import Router

router = Router("consent")


@router.event(EventKind.CONSENT)
async def on_consent(ctx: Context) -> None:
    allowed = ctx.event.extra.get("allowed")
    if not isinstance(allowed, bool):
        return
    user = ctx.user
    user.messages_allowed = allowed
    if allowed and not user.reachable:
        # Marked unreachable because VK refused to deliver (no permission): that is over.
        user.reachable = True
        user.unreachable_reason = None
