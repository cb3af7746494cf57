"""/notify: whether a person gets notifications, reminders and organizers' broadcasts.

Answers to the person's own actions (an order placed, a payment decided) always arrive; this
switch is about everything else (the outbox sender in bot/delivery/outbox.py applies it).
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import Payload
from bot.core.replies import Button
from bot.core.router import Router

router = Router("notify")

ON_WORDS = frozenset({"on", "yes", "1", "вкл", "включить", "да"})
OFF_WORDS = frozenset({"off", "no", "0", "выкл", "выключить", "нет"})


class NotifySet(Payload, prefix="ntf"):
    on: bool


@router.command("notify", aliases=("уведомления", "notifications"))
async def show_notifications(ctx: Context) -> None:
    wanted = ctx.args.strip().lower()
    if not wanted:
        show_state(ctx)
    elif wanted in ON_WORDS:
        set_notifications(ctx, True)
    elif wanted in OFF_WORDS:
        set_notifications(ctx, False)
    else:
        raise UserError("notify-unknown-arg", arg=wanted[:32])


@router.button(NotifySet)
async def on_switch(ctx: Context, data: NotifySet) -> None:
    # The payload only says on/off and acts on whoever pressed it: nothing else to check.
    set_notifications(ctx, data.on, edit=True)


def set_notifications(ctx: Context, on: bool, *, edit: bool = False) -> None:
    # Marked unreachable or "messages not allowed" before? Writing here in private has made
    # them reachable again already (bot/core/dispatcher.py).
    ctx.user.notifications_allowed = on
    show_state(ctx, edit=edit)


def show_state(ctx: Context, *, edit: bool = False) -> None:
    on = ctx.user.notifications_allowed
    # No "the community may not write to you" warning here: whoever sees this wrote to the
    # bot in private, which on VK is what allows the community's messages (the dispatcher
    # sets `messages_allowed` again).
    parts = [ctx.t("notify-state-on") if on else ctx.t("notify-state-off")]
    label = ctx.t("notify-button-off") if on else ctx.t("notify-button-on")
    ctx.answer("\n\n".join(parts), [[Button(label, NotifySet(on=not on).pack())]], edit=edit)
