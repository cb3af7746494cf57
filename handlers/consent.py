"""VK's message_allow / message_deny: whether the community may write to a person first.

The adapter turns them into CONSENT events (`ConsentChange`). Nothing is said back: the
person only pressed "allow messages" or "deny" in VK's own interface.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.events import ConsentChange, EventKind
from bot.core.router import Router

router = Router("consent")


@router.event(EventKind.CONSENT)
async def on_consent(ctx: Context) -> None:
    consent = ctx.event.detail(ConsentChange)
    if consent is None:
        return
    user = ctx.user
    user.messages_allowed = consent.allowed
    if consent.allowed and not user.reachable:
        # Marked unreachable because VK refused to deliver (no permission): that is over.
        user.reachable = True
        user.unreachable_reason = None
