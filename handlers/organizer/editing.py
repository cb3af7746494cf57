"""Correcting a purchase: its fields and its items' (one-step dialogs kept in the database),
deleting a draft, and the archive of closed and cancelled purchases.

What may change at which stage is `domain.purchase_edit`; the work and the buyers'
notifications are in `bot.services.purchase_edits`. Every button and every step looks the
purchase up again by the presser's organizer id (locked before writing), so a stale button,
a purchase moved on meanwhile or a deleted draft changes nothing and gets a word instead.
The dates have their own screen (handlers/organizer/dates.py).
"""

from __future__ import annotations

from typing import Any, cast

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.replies import Button
from bot.core.router import Role, Router
from bot.services.buyouts import minimum_text
from bot.services.purchase_edits import current_value, edit_item, edit_purchase
from domain.items import ItemError, items_editable
from domain.money import format_amount, format_percent
from domain.periods import format_day
from domain.purchase_edit import (
    CLEARABLE_FIELDS,
    ITEM_FIELDS,
    PURCHASE_FIELDS,
    ItemField,
    PurchaseField,
    can_delete,
    editable_fields,
    empty_value,
    field_editable,
    is_back,
    item_edit_refusal,
    parse_item_field,
    parse_purchase_field,
)
from domain.purchase_form import FormError
from handlers.kit import Paging, require_organizer, short
from handlers.organizer.items import show_items
from handlers.organizer.kit import (
    AdminItemsPage,
    ArchivePage,
    DraftDelete,
    ItemEdit,
    ItemEditField,
    MyPurchasesPage,
    PurchaseEditClear,
    PurchaseEditField,
    PurchaseEditMenu,
    PurchaseView,
    back_to_card,
    ensure_items_editable,
    form_error,
    item_error_text,
    own_item,
    own_purchase,
    status_label,
)
from handlers.organizer.purchases import dates_button, show_card, show_my_purchases
from handlers.organizer.round_discounts import round_discount_button
from storage.models import Purchase, PurchaseItem

router = Router("purchase_editing")

EDIT = "purchase_edit"  # steps: the field's name; data: purchase_id
ITEM_EDIT = "item_edit"  # steps: name, price, sizes; data: item_id, page
ARCHIVE_PER_PAGE = 5
VALUE_SHOWN = 200


# --- what a field holds, as the organizer reads it -------------------------------------------


def shown_value(ctx: Context, purchase: Purchase, field: PurchaseField) -> str:
    value = current_value(purchase, field)
    if value in (None, ""):
        return ctx.t("purchase-edit-value-empty")
    if field == "fee":
        return format_percent(int(value), ctx.lang)
    if field == "min":
        return minimum_text(ctx.t, value)
    return short(str(value).strip(), VALUE_SHOWN)


def item_summary(ctx: Context, item: PurchaseItem) -> str:
    sizes = ", ".join(item.sizes or ()) or ctx.t("purchase-edit-value-empty")
    return ctx.t(
        "purchase-edit-item-summary",
        name=item.name,
        price=format_amount(item.price_kop, ctx.lang),
        sizes=sizes,
    )


# --- the purchase's fields -------------------------------------------------------------------


@router.button(PurchaseEditMenu, role=Role.ORGANIZER)
async def on_edit_menu(ctx: Context, data: PurchaseEditMenu) -> None:
    if ctx.dialog.name == EDIT:
        await ctx.dialog.finish()  # the menu's Back from a field: nothing typed is saved
    await show_edit_menu(ctx, await own_purchase(ctx, data.purchase_id))


async def show_edit_menu(ctx: Context, purchase: Purchase) -> None:
    fields = editable_fields(purchase.status)
    if not fields:
        raise UserError("purchase-edit-nothing", status=status_label(ctx, purchase.status))
    lines = [
        ctx.t(
            "purchase-edit-menu",
            title=purchase.title,
            status=status_label(ctx, purchase.status),
            draft="yes" if len(fields) == len(PURCHASE_FIELDS) else "no",
        )
    ]
    for field in fields:
        lines.append(
            ctx.t("purchase-edit-menu-entry", field=field, value=shown_value(ctx, purchase, field))
        )
    labels = [
        Button(
            ctx.t("purchase-edit-field", field=field),
            PurchaseEditField(purchase_id=purchase.id, field=field).pack(),
        )
        for field in fields
    ]
    rows = [labels[i : i + 2] for i in range(0, len(labels), 2)]
    # At most ten buttons in all (a VK keyboard): seven fields, the dates, the round
    # discounts and the way back; Delete stays on the card.
    extra = [*dates_button(ctx, purchase), *round_discount_button(ctx, purchase)]
    if extra:
        rows.append(extra)
    rows.append([back_to_card(ctx, purchase.id)])
    ctx.answer("\n".join(lines), rows)


def ensure_field_editable(ctx: Context, purchase: Purchase, field: PurchaseField) -> None:
    if not field_editable(purchase.status, field):
        raise UserError(
            "purchase-edit-field-locked",
            field=field,
            status=status_label(ctx, purchase.status),
        )


@router.button(PurchaseEditField, role=Role.ORGANIZER)
async def on_edit_field(ctx: Context, data: PurchaseEditField) -> None:
    purchase = await own_purchase(ctx, data.purchase_id)
    ensure_field_editable(ctx, purchase, data.field)
    await ctx.dialog.start(EDIT, data.field, {"purchase_id": purchase.id})
    rows: list[list[Button]] = []
    if data.field in CLEARABLE_FIELDS and current_value(purchase, data.field) not in (None, ""):
        clear = PurchaseEditClear(purchase_id=purchase.id, field=data.field)
        rows.append([Button(ctx.t("purchase-edit-button-clear"), clear.pack())])
    menu = PurchaseEditMenu(purchase_id=purchase.id).pack()
    rows.append([Button(ctx.t("purchase-edit-button-back"), menu)])
    ctx.say(
        "purchase-edit-ask",
        rows,
        field=data.field,
        title=purchase.title,
        value=shown_value(ctx, purchase, data.field),
        clearable="yes" if data.field in CLEARABLE_FIELDS else "no",
        notified="yes" if data.field == "pickup" and purchase.status.value != "draft" else "no",
    )


async def dialog_purchase(ctx: Context, field: PurchaseField) -> Purchase | None:
    """The edit dialog's purchase, locked and re-checked (deleted, moved on since the button).
    When it can no longer be edited, the dialog ends with a word and None is returned."""
    organizer = require_organizer(ctx)
    purchase = await ctx.uow.purchases.own_purchase(
        int(ctx.dialog.data["purchase_id"]), organizer.id, lock=True
    )
    if purchase is None or not field_editable(purchase.status, field):
        # Not a UserError: ending the dialog must be kept, not rolled back.
        await ctx.dialog.finish()
        if purchase is None:
            ctx.say("purchase-edit-gone")
        else:
            ctx.say(
                "purchase-edit-field-locked",
                field=field,
                status=status_label(ctx, purchase.status),
            )
        return None
    return purchase


async def on_edit_value(ctx: Context) -> None:
    assert ctx.dialog.step in PURCHASE_FIELDS
    field = cast(PurchaseField, ctx.dialog.step)
    if is_back(ctx.event.text):
        await back_from_field(ctx)
        return
    purchase = await dialog_purchase(ctx, field)
    if purchase is None:
        return
    try:
        value = parse_purchase_field(field, ctx.event.text)
    except FormError as exc:
        raise form_error(ctx, exc) from None
    await save_field(ctx, purchase, field, value)


for _field in PURCHASE_FIELDS:
    router.step(EDIT, _field)(on_edit_value)


async def back_from_field(ctx: Context) -> None:
    """ "Back" typed at a field: the menu again (or the card, if nothing is editable any
    more), and the dialog ends whatever became of the purchase."""
    organizer = require_organizer(ctx)
    purchase_id = int(ctx.dialog.data["purchase_id"])
    await ctx.dialog.finish()
    purchase = await ctx.uow.purchases.own_purchase(purchase_id, organizer.id)
    if purchase is None:
        ctx.say("purchase-edit-gone")
    elif editable_fields(purchase.status):
        await show_edit_menu(ctx, purchase)
    else:
        await show_card(ctx, purchase)


@router.button(PurchaseEditClear, role=Role.ORGANIZER)
async def on_edit_clear(ctx: Context, data: PurchaseEditClear) -> None:
    if (
        ctx.dialog.name != EDIT
        or ctx.dialog.step != data.field
        or int(ctx.dialog.data.get("purchase_id", 0)) != data.purchase_id
        or data.field not in CLEARABLE_FIELDS
    ):
        raise UserError("purchase-admin-button-stale")
    purchase = await dialog_purchase(ctx, data.field)
    if purchase is None:
        return
    await save_field(ctx, purchase, data.field, empty_value(data.field))


async def save_field(ctx: Context, purchase: Purchase, field: PurchaseField, value: Any) -> None:
    told = await edit_purchase(ctx.uow, ctx.texts, purchase, field, value, now=ctx.now())
    await ctx.dialog.finish()
    ctx.say(
        "purchase-edit-saved",
        field=field,
        title=purchase.title,
        value=shown_value(ctx, purchase, field),
        told=told,
    )
    await show_card(ctx, purchase)


# --- deleting a draft ------------------------------------------------------------------------


@router.button(DraftDelete, role=Role.ORGANIZER)
async def on_draft_delete(ctx: Context, data: DraftDelete) -> None:
    purchase = await own_purchase(ctx, data.purchase_id, lock=data.confirmed)
    if not can_delete(purchase.status):
        raise UserError("purchase-edit-delete-not-draft", status=status_label(ctx, purchase.status))
    if not data.confirmed:
        items = await ctx.uow.purchases.count_items(purchase.id)
        ctx.say(
            "purchase-edit-delete-confirm",
            [
                [
                    Button(
                        ctx.t("purchase-edit-button-delete-yes"),
                        DraftDelete(purchase_id=purchase.id, confirmed=True).pack(),
                    ),
                    Button(
                        ctx.t("purchase-admin-button-no"),
                        PurchaseView(purchase_id=purchase.id).pack(),
                    ),
                ]
            ],
            title=purchase.title,
            items=items,
        )
        return
    await ctx.uow.purchases.delete_draft(purchase, now=ctx.now())
    if ctx.dialog.active and ctx.dialog.data.get("purchase_id") == purchase.id:
        await ctx.dialog.finish()  # a dialog left open on the deleted draft
    ctx.say("purchase-edit-deleted", title=purchase.title)
    await show_my_purchases(ctx, 0)


# --- the archive -----------------------------------------------------------------------------


@router.button(ArchivePage, role=Role.ORGANIZER)
async def on_archive_page(ctx: Context, data: ArchivePage) -> None:
    await show_archive(ctx, data.page, edit=True)


async def show_archive(ctx: Context, page: int, *, edit: bool = False) -> None:
    organizer = require_organizer(ctx)
    repo = ctx.uow.purchases
    total = await repo.count_own(organizer.id, archived=True)
    back = [Button(ctx.t("purchase-admin-button-mine"), MyPurchasesPage(page=0).pack())]
    if total == 0:
        ctx.say("purchase-edit-archive-empty", [back])
        return
    paging = Paging.of(total, ARCHIVE_PER_PAGE, page)
    found = await repo.own_purchases(
        organizer.id, offset=paging.start, limit=ARCHIVE_PER_PAGE, archived=True
    )
    lines = [
        ctx.t("purchase-edit-archive-title", total=total, page=paging.page + 1, pages=paging.pages)
    ]
    rows: list[list[Button]] = []
    for purchase in found:
        lines.append(
            ctx.t(
                "purchase-edit-archive-entry",
                id=str(purchase.id),
                title=purchase.title,
                status=status_label(ctx, purchase.status),
                date=format_day(purchase.archived_at, ctx.lang) if purchase.archived_at else "-",
            )
        )
        rows.append(
            [
                Button(
                    f"№{purchase.id} {short(purchase.title)}",
                    PurchaseView(purchase_id=purchase.id).pack(),
                )
            ]
        )
    nav = paging.nav(ctx.t, lambda p: ArchivePage(page=p).pack())
    if nav:
        rows.append(nav)
    rows.append(back)
    ctx.answer("\n".join(lines), rows, edit=edit)


# --- an item's fields ------------------------------------------------------------------------


def item_refusal(
    ctx: Context, purchase: Purchase, item: PurchaseItem, field: ItemField, ordered: bool
) -> UserError | None:
    code = item_edit_refusal(purchase.status, field, ordered=ordered)
    if code is None:
        return None
    return UserError(
        f"purchase-edit-item-{code}",
        name=item.name,
        price=format_amount(item.price_kop, ctx.lang),
        status=status_label(ctx, purchase.status),
        field=field,
    )


@router.button(ItemEdit, role=Role.ORGANIZER)
async def on_item_edit(ctx: Context, data: ItemEdit) -> None:
    if ctx.dialog.name == ITEM_EDIT:
        await ctx.dialog.finish()  # Back from a field: nothing typed is saved
    item = await own_item(ctx, data.item_id)
    purchase = await own_purchase(ctx, item.purchase_id)
    ensure_items_editable(ctx, purchase)
    await show_item_menu(ctx, purchase, item, data.page)


async def show_item_menu(ctx: Context, purchase: Purchase, item: PurchaseItem, page: int) -> None:
    ordered = await ctx.uow.purchases.item_has_orders(item.id)
    text = item_summary(ctx, item)
    if ordered:
        text += "\n" + ctx.t("purchase-edit-item-has-orders")
    fields = [
        Button(
            ctx.t("purchase-edit-item-field", field=field),
            ItemEditField(item_id=item.id, field=field, page=page).pack(),
        )
        for field in ITEM_FIELDS
    ]
    back = AdminItemsPage(purchase_id=purchase.id, page=page).pack()
    rows = [fields, [Button(ctx.t("purchase-edit-button-items"), back)]]
    ctx.answer(text, rows)


@router.button(ItemEditField, role=Role.ORGANIZER)
async def on_item_edit_field(ctx: Context, data: ItemEditField) -> None:
    item = await own_item(ctx, data.item_id)
    purchase = await own_purchase(ctx, item.purchase_id)
    ordered = await ctx.uow.purchases.item_has_orders(item.id)
    refusal = item_refusal(ctx, purchase, item, data.field, ordered)
    if refusal is not None:
        raise refusal
    await ctx.dialog.start(ITEM_EDIT, data.field, {"item_id": item.id, "page": data.page})
    back = ItemEdit(item_id=item.id, page=data.page).pack()
    ctx.say(
        "purchase-edit-item-ask",
        [[Button(ctx.t("purchase-edit-button-back"), back)]],
        field=data.field,
        summary=item_summary(ctx, item),
    )


async def on_item_value(ctx: Context) -> None:
    assert ctx.dialog.step in ITEM_FIELDS
    field = cast(ItemField, ctx.dialog.step)
    item_id, page = int(ctx.dialog.data["item_id"]), int(ctx.dialog.data.get("page", 0))
    organizer = require_organizer(ctx)
    item = await ctx.uow.purchases.own_item(item_id, organizer.id)
    purchase = (
        None
        if item is None
        else await ctx.uow.purchases.own_purchase(item.purchase_id, organizer.id, lock=True)
    )
    if item is None or purchase is None:
        await ctx.dialog.finish()
        ctx.say("purchase-edit-gone")
        return
    if is_back(ctx.event.text):
        await ctx.dialog.finish()
        if items_editable(purchase.status):
            await show_item_menu(ctx, purchase, item, page)
        else:
            await show_items(ctx, purchase, page)
        return
    try:
        value = parse_item_field(field, ctx.event.text)
    except ItemError as exc:
        raise UserError("purchase-admin-item-invalid", error=item_error_text(ctx, exc)) from None
    # Checked again on the locked purchase: an order may have come in since the button.
    ordered = await ctx.uow.purchases.item_has_orders(item.id)
    refusal = item_refusal(ctx, purchase, item, field, ordered)
    if refusal is not None:
        await ctx.dialog.finish()
        ctx.say(refusal.key, **refusal.args_)
        return
    edit_item(item, field, value)
    await ctx.dialog.finish()
    ctx.say("purchase-edit-item-saved", summary=item_summary(ctx, item))
    await show_items(ctx, purchase, page)


for _item_field in ITEM_FIELDS:
    router.step(ITEM_EDIT, _item_field)(on_item_value)
