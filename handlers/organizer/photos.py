"""A purchase's photos, from the organizer's item list (a tap from the purchase card, which
has no room left for a button on VK): each photo shown with its Remove
button, new ones added by sending them (an album arrives as one message per photo), up to
`domain.photos.MAX_PURCHASE_PHOTOS`. The first photo is the cover buyers see on the card.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import Payload
from bot.core.replies import Button
from bot.core.router import Role, Router
from domain.photos import MAX_PURCHASE_PHOTOS, photo_room, photos_editable
from handlers.kit import DbId, media_photo, photo_from_event, require_organizer
from handlers.organizer.kit import back_to_card, own_purchase, status_label
from storage.models import Purchase

router = Router("purchase_photos")

PHOTOS = "purchase_photos"  # one step: "add"


class PurchasePhotos(Payload, prefix="phs"):
    purchase_id: DbId


class PurchasePhotoRemove(Payload, prefix="phx"):
    purchase_id: DbId
    photo_id: DbId


class PurchasePhotosDone(Payload, prefix="phd"):
    purchase_id: DbId


async def photos_button(ctx: Context, purchase: Purchase) -> Button:
    """The item list's button to this screen, with the number of photos."""
    count = len(await ctx.uow.purchases.photos(purchase.id))
    return Button(
        ctx.t("photos-button-purchase", count=count),
        PurchasePhotos(purchase_id=purchase.id).pack(),
    )


def ensure_editable(ctx: Context, purchase: Purchase) -> None:
    if not photos_editable(purchase.status):
        raise UserError("photos-locked", status=status_label(ctx, purchase.status))


@router.button(PurchasePhotos, role=Role.ORGANIZER)
async def on_photos(ctx: Context, data: PurchasePhotos) -> None:
    purchase = await own_purchase(ctx, data.purchase_id)
    await show_photos(ctx, purchase)


async def show_photos(ctx: Context, purchase: Purchase) -> None:
    """Every photo as a photo message with its Remove button, then what to do next. While
    the photos may change, the dialog waits for new ones."""
    photos = await ctx.uow.purchases.photos(purchase.id)
    media = await ctx.uow.orders.media_many([p.media_id for p in photos])
    editable = photos_editable(purchase.status)
    for number, photo in enumerate(photos, start=1):
        shown = media_photo(media.get(photo.media_id), ctx.event.platform)
        caption = ctx.t("photos-caption-purchase", number=number, total=len(photos))
        remove = (
            [
                [
                    Button(
                        ctx.t("photos-button-remove"),
                        PurchasePhotoRemove(purchase_id=purchase.id, photo_id=photo.id).pack(),
                    )
                ]
            ]
            if editable
            else []
        )
        if shown is None:
            # A photo sent on another platform: its file id means nothing here.
            caption += "\n" + ctx.t("photos-other-platform")
        ctx.answer(caption, remove, photo=shown)
    if not editable:
        if ctx.dialog.name == PHOTOS:
            await ctx.dialog.finish()
        ctx.say(
            "photos-locked-list",
            [[back_to_card(ctx, purchase.id)]],
            count=len(photos),
            status=status_label(ctx, purchase.status),
        )
        return
    await ctx.dialog.start(PHOTOS, "add", {"purchase_id": purchase.id})
    done = Button(ctx.t("photos-button-done"), PurchasePhotosDone(purchase_id=purchase.id).pack())
    ctx.say(
        "photos-ask",
        [[done, back_to_card(ctx, purchase.id)]],
        title=purchase.title,
        count=len(photos),
        max=MAX_PURCHASE_PHOTOS,
        room=photo_room(len(photos)),
    )


@router.step(PHOTOS, "add")
async def on_photo(ctx: Context) -> None:
    require_organizer(ctx)
    purchase = await own_purchase(ctx, int(ctx.dialog.data["purchase_id"]), lock=True)
    if not photos_editable(purchase.status):
        await ctx.dialog.finish()
        ctx.say("photos-locked", status=status_label(ctx, purchase.status))
        return
    if not ctx.event.attachments:
        raise UserError("photos-expected")
    count = len(await ctx.uow.purchases.photos(purchase.id))
    if photo_room(count) == 0:
        raise UserError("photos-full", max=MAX_PURCHASE_PHOTOS)
    media = await photo_from_event(ctx)
    if media is None:
        raise UserError("photos-expected")
    await ctx.uow.purchases.add_photo(purchase, media.id)
    done = Button(ctx.t("photos-button-done"), PurchasePhotosDone(purchase_id=purchase.id).pack())
    ctx.say(
        "photos-added",
        [[done]],
        count=count + 1,
        max=MAX_PURCHASE_PHOTOS,
        cover="yes" if count == 0 else "no",
    )


@router.button(PurchasePhotoRemove, role=Role.ORGANIZER)
async def on_remove(ctx: Context, data: PurchasePhotoRemove) -> None:
    purchase = await own_purchase(ctx, data.purchase_id, lock=True)
    ensure_editable(ctx, purchase)
    if not await ctx.uow.purchases.remove_photo(purchase, data.photo_id):
        raise UserError("photos-not-found")
    count = len(await ctx.uow.purchases.photos(purchase.id))
    ctx.say("photos-removed", count=count)
    await show_photos(ctx, purchase)


@router.button(PurchasePhotosDone, role=Role.ORGANIZER)
async def on_done(ctx: Context, data: PurchasePhotosDone) -> None:
    purchase = await own_purchase(ctx, data.purchase_id)
    if ctx.dialog.name == PHOTOS:
        await ctx.dialog.finish()
    count = len(await ctx.uow.purchases.photos(purchase.id))
    ctx.say("photos-done", [[back_to_card(ctx, purchase.id)]], count=count)
