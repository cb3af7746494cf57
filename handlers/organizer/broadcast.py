"""/broadcast: an organizer writes to every buyer with an active order in one purchase.

Steps: pick a purchase (buttons, or `/broadcast <purchase id>`), send the text (or a photo
with a caption), see a preview with the recipient count, confirm. Confirming writes the
Broadcast row and one BROADCAST outbox message per buyer in one transaction; each message's
dedup key names this draft and the buyer, so a second press of "Send" queues nothing. The
outbox sender (bot/delivery/outbox.py) delivers them to those who allow notifications and reports
progress and the final delivery figures back to the organizer.

Every button names a purchase or a draft; the purchase is loaded only among the presser's
own purchases and the draft must be the presser's current one, so a forged payload changes
nothing.
"""

from __future__ import annotations

import re
import secrets
from typing import Annotated, Any

from pydantic import Field

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.events import AttachmentKind
from bot.core.payloads import CommandPayload, Payload
from bot.core.replies import Button, Photo, Reply
from bot.core.router import Role, Router
from bot.delivery.outbox import Reach
from handlers.kit import DbId, require_organizer, short
from storage.models import Organizer, OutboxKind, Purchase, User
from storage.repositories.outbox import Recipient

router = Router("broadcast")

DIALOG = "broadcast"  # steps: text, confirm
# Leaves room for the heading buyers see above the text within one 4096-character message.
MAX_TEXT_LENGTH = 3500
PURCHASES_SHOWN = 10

DraftToken = Annotated[str, Field(pattern=r"^[0-9a-f]{8}$")]
_PURCHASE_NUMBER = re.compile(r"^#?(\d{1,10})$")


class BroadcastPick(Payload, prefix="bsp"):
    purchase_id: DbId


class BroadcastSend(Payload, prefix="bss"):
    draft: DraftToken


class BroadcastEdit(Payload, prefix="bse"):
    draft: DraftToken


# --- choosing the purchase ------------------------------------------------------------------


@router.command("broadcast", aliases=("рассылка",), role=Role.ORGANIZER)
async def start_broadcast(ctx: Context) -> None:
    organizer = require_organizer(ctx)
    wanted = ctx.args.strip()
    if wanted:
        match = _PURCHASE_NUMBER.match(wanted)
        if match is None:
            raise UserError("broadcast-purchase-not-found")
        await choose_purchase(ctx, int(match.group(1)))
        return
    audiences = await ctx.uow.broadcasts.purchases_with_buyers(organizer.id, PURCHASES_SHOWN)
    if not audiences:
        ctx.say("broadcast-no-purchases")
        return
    buttons = [
        [
            Button(
                ctx.t(
                    "broadcast-purchase-button",
                    title=short(audience.purchase.title),
                    buyers=audience.buyers,
                ),
                BroadcastPick(purchase_id=audience.purchase.id).pack(),
            )
        ]
        for audience in audiences
    ]
    ctx.say("broadcast-choose-purchase", buttons)


@router.button(BroadcastPick, role=Role.ORGANIZER)
async def on_pick(ctx: Context, data: BroadcastPick) -> None:
    await choose_purchase(ctx, data.purchase_id)


async def choose_purchase(ctx: Context, purchase_id: int) -> None:
    organizer = require_organizer(ctx)
    purchase, recipients = await _audience(ctx, organizer, purchase_id)
    if purchase is None or not recipients:
        raise UserError("broadcast-purchase-not-found")
    draft = secrets.token_hex(4)
    await ctx.dialog.start(DIALOG, "text", {"purchase_id": purchase.id, "draft": draft})
    ctx.say(
        "broadcast-ask-text", title=purchase.title, buyers=len(recipients), limit=MAX_TEXT_LENGTH
    )


# --- the text and the preview ---------------------------------------------------------------


@router.step(DIALOG, "text")
async def on_text(ctx: Context) -> None:
    await take_message(ctx)


@router.step(DIALOG, "confirm")
async def on_new_text(ctx: Context) -> None:
    # At the preview, a new message simply replaces the draft.
    await take_message(ctx)


async def take_message(ctx: Context) -> None:
    organizer = require_organizer(ctx)
    text = ctx.event.text.strip()
    photos = [a for a in ctx.event.attachments if a.kind is AttachmentKind.PHOTO]
    if ctx.event.attachments and not photos:
        raise UserError("broadcast-attachment-unsupported")
    if not text and not photos:
        raise UserError("broadcast-text-empty")
    if len(text) > MAX_TEXT_LENGTH:
        raise UserError("broadcast-text-too-long", length=len(text), limit=MAX_TEXT_LENGTH)
    photo = photos[0] if photos else None
    await ctx.dialog.goto(
        "confirm",
        text=text,
        photo=None if photo is None else photo.file_id,
        photo_platform=None if photo is None else ctx.event.platform,
    )
    await show_preview(ctx, organizer)


async def show_preview(ctx: Context, organizer: Organizer) -> None:
    data = ctx.dialog.data
    purchase, recipients = await _audience(ctx, organizer, int(data["purchase_id"]))
    if purchase is None or not recipients:
        await ctx.dialog.finish()
        ctx.say("broadcast-nobody-to-send")
        return
    # The same rule the outbox sender applies: the button counts only those it will reach.
    reach = Reach.of(OutboxKind.BROADCAST, recipients)
    if not reach.reached:
        await ctx.dialog.finish()
        nobody = ctx.t("small-broadcast-nobody-reached")
        ctx.answer("\n".join([nobody, *reach.not_reached_lines(ctx.t)]))
        return
    message = ctx.t(
        "broadcast-message", organizer=organizer.name, title=purchase.title, text=data["text"]
    )
    draft = data["draft"]
    buttons = [
        [
            Button(
                ctx.t("broadcast-button-send", recipients=len(reach.reached)),
                BroadcastSend(draft=draft).pack(),
            )
        ],
        [
            Button(ctx.t("broadcast-button-edit"), BroadcastEdit(draft=draft).pack()),
            Button(ctx.t("broadcast-button-cancel"), CommandPayload(name="cancel").pack()),
        ],
    ]
    ctx.answer(
        ctx.t(
            "broadcast-preview",
            message=message,
            recipients=len(reach.reached),
            not_reached="\n".join(reach.not_reached_lines(ctx.t)) or ctx.t("small-reach-all"),
        ),
        buttons,
        photo=_photo(data),
    )


@router.button(BroadcastEdit, role=Role.ORGANIZER)
async def on_edit(ctx: Context, data: BroadcastEdit) -> None:
    draft = _current_draft(ctx, data.draft)
    organizer = require_organizer(ctx)
    purchase, recipients = await _audience(ctx, organizer, int(draft["purchase_id"]))
    if purchase is None or not recipients:
        await ctx.dialog.finish()
        ctx.say("broadcast-nobody-to-send")
        return
    await ctx.dialog.goto("text")
    ctx.say(
        "broadcast-ask-text", title=purchase.title, buyers=len(recipients), limit=MAX_TEXT_LENGTH
    )


# --- sending --------------------------------------------------------------------------------


@router.button(BroadcastSend, role=Role.ORGANIZER)
async def on_send(ctx: Context, data: BroadcastSend) -> None:
    draft = _current_draft(ctx, data.draft, step="confirm")
    organizer = require_organizer(ctx)
    purchase, recipients = await _audience(ctx, organizer, int(draft["purchase_id"]))
    if purchase is None or not recipients:
        await ctx.dialog.finish()
        ctx.say("broadcast-nobody-to-send")
        return
    photo = _photo(draft)
    broadcast = await ctx.uow.broadcasts.create(
        organizer_id=organizer.id,
        purchase_id=purchase.id,
        author_id=ctx.user.id,
        text=draft["text"],
        photo=None if photo is None else (photo.platform or "", photo.file_id or ""),
        now=ctx.now(),
    )
    bodies: dict[str, Reply] = {}
    for user in recipients:
        if user.language not in bodies:
            bodies[user.language] = _body(ctx, user, organizer, purchase, draft["text"], photo)
    queued = await ctx.uow.outbox.enqueue_many(
        [
            Recipient(
                user,
                bodies[user.language],
                dedup_key=f"bc:{organizer.id}:{data.draft}:{user.id}",
            )
            for user in recipients
        ],
        OutboxKind.BROADCAST,
        broadcast_id=broadcast.id,
    )
    if not queued:
        # Sent before (a second press that raced the first): undo the new Broadcast row.
        raise UserError("broadcast-outdated")
    broadcast.total = queued
    await ctx.dialog.finish()
    # All are queued (the delivery report accounts for each); the count is who will get it.
    ctx.say("broadcast-queued", total=len(Reach.of(OutboxKind.BROADCAST, recipients).reached))


def _body(
    ctx: Context,
    recipient: User,
    organizer: Organizer,
    purchase: Purchase,
    text: str,
    photo: Photo | None,
) -> Reply:
    """The message as one buyer reads it, in their language, with a way to opt out."""
    t = ctx.texts.translator(recipient.language)
    return Reply(
        text=t("broadcast-message", organizer=organizer.name, title=purchase.title, text=text),
        buttons=[[Button(t("broadcast-button-notify"), CommandPayload(name="notify").pack())]],
        photo=photo,
    )


# --- shared pieces --------------------------------------------------------------------------


async def _audience(
    ctx: Context, organizer: Organizer, purchase_id: int
) -> tuple[Purchase | None, list[User]]:
    purchase = await ctx.uow.broadcasts.own_purchase(organizer.id, purchase_id)
    if purchase is None:
        return None, []
    return purchase, await ctx.uow.broadcasts.recipients(purchase.id)


def _current_draft(ctx: Context, token: str, *, step: str | None = None) -> dict[str, Any]:
    dialog = ctx.dialog
    if (
        dialog.name != DIALOG
        or dialog.data.get("draft") != token
        or (step is not None and dialog.step != step)
    ):
        raise UserError("broadcast-outdated")
    return dialog.data


def _photo(data: dict[str, object]) -> Photo | None:
    file_id = data.get("photo")
    if not isinstance(file_id, str) or not file_id:
        return None
    platform = data.get("photo_platform")
    return Photo(file_id=file_id, platform=platform if isinstance(platform, str) else None)
