"""What the organizer's purchase screens share: their payloads, the ownership checks every
handler loads a purchase or an item through, the card's back button, and the texts of
statuses and form errors.

Every button names a purchase or an item by id; `own_purchase` / `own_item` find nothing for
another organizer's ids, so a forged payload gets the same polite "not found" as a stale one
and changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import Payload
from bot.core.replies import Button
from domain.items import ItemError, items_editable
from domain.lifecycle import PurchaseStatus
from domain.money import format_amount
from domain.periods import format_day
from domain.purchase_edit import ItemField, PurchaseField
from domain.purchase_form import FormError
from handlers.kit import DbId, PageNumber, require_organizer
from storage.models import Purchase, PurchaseItem

NEW = "new_purchase"  # steps: title, description, supplier, category, fee, stop, pay, min
NEW_STEPS = ("title", "description", "supplier", "category", "fee", "stop", "pay", "min")
ITEMS = "purchase_items"  # steps: lines (a paste), or name, price, sizes, article, photo

# The stop date moves while orders are not yet counted on; the payment deadline until the
# goods are ordered (handlers/organizer/dates.py).
STOP_DATE_EDITABLE = (PurchaseStatus.DRAFT, PurchaseStatus.OPEN)
PAY_DATE_EDITABLE = (
    PurchaseStatus.DRAFT,
    PurchaseStatus.OPEN,
    PurchaseStatus.STOPPED,
    PurchaseStatus.PAYMENT,
)

ChoiceValue = Annotated[str, Field(pattern=r"^[a-z0-9]{1,12}$")]


class MyPurchasesPage(Payload, prefix="pal"):
    page: PageNumber


class PurchaseView(Payload, prefix="pav"):
    purchase_id: DbId


class StatusMove(Payload, prefix="pas"):
    purchase_id: DbId
    status: PurchaseStatus
    confirmed: bool


class OrdersPage(Payload, prefix="pao"):
    purchase_id: DbId
    page: PageNumber


class ExportMenu(Payload, prefix="pae"):
    purchase_id: DbId


class ExportFile(Payload, prefix="pax"):
    purchase_id: DbId
    shape: Literal["supplier", "distribution"]
    fmt: Literal["csv", "xlsx"]


class AdminItemsPage(Payload, prefix="pai"):
    purchase_id: DbId
    page: PageNumber


class ItemToggle(Payload, prefix="pat"):
    item_id: DbId
    active: bool
    page: PageNumber


class AddItems(Payload, prefix="paa"):
    purchase_id: DbId
    mode: Literal["paste", "steps"]


class ItemsDone(Payload, prefix="pad"):
    purchase_id: DbId


class FormChoice(Payload, prefix="pan"):
    """A button inside /newpurchase: skip an optional field, a category or a fee."""

    step: Literal["description", "supplier", "category", "fee", "min"]
    value: ChoiceValue


class ItemSkip(Payload, prefix="paq"):
    step: Literal["sizes", "article", "photo"]


class FormBack(Payload, prefix="pebk"):
    """ "Back" inside /newpurchase: to the step before `step` (the one the button was under)."""

    step: Literal["description", "supplier", "category", "fee", "stop", "pay", "min"]


class PurchaseEditMenu(Payload, prefix="pemn"):
    """The fields of a purchase the organizer may change now (handlers/organizer/editing.py)."""

    purchase_id: DbId


class PurchaseEditField(Payload, prefix="pefl"):
    purchase_id: DbId
    field: PurchaseField


class PurchaseEditClear(Payload, prefix="pecl"):
    """Empty an optional field (description, supplier, category, minimum, pickup)."""

    purchase_id: DbId
    field: PurchaseField


class DraftDelete(Payload, prefix="pedl"):
    purchase_id: DbId
    confirmed: bool


class ArchivePage(Payload, prefix="parc"):
    """Closed and cancelled purchases, the most recently archived first."""

    page: PageNumber


class ItemEdit(Payload, prefix="peit"):
    """An item's fields to change; `page` is the item list's page to come back to."""

    item_id: DbId
    page: PageNumber


class ItemEditField(Payload, prefix="peif"):
    item_id: DbId
    field: ItemField
    page: PageNumber


class DatesMenu(Payload, prefix="pdtm"):
    """The dates of a purchase that may still move, from its Edit menu (dates.py)."""

    purchase_id: DbId


class DateEdit(Payload, prefix="pdt"):
    """Change the stop date or the payment deadline; handled in handlers/organizer/dates.py."""

    purchase_id: DbId
    field: Literal["stop", "pay"]


# --- shared pieces --------------------------------------------------------------------------


def status_label(ctx: Context, status: PurchaseStatus) -> str:
    return ctx.t("purchase-admin-status", status=status.value)


def localized(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    """Error arguments in the reader's language: dates and money formatted."""
    result: dict[str, Any] = {}
    for name, value in args.items():
        if isinstance(value, datetime):
            result[name] = format_day(value, ctx.lang)
        elif name == "max_kop":
            result["max"] = format_amount(value, ctx.lang)
        else:
            result[name] = value
    return result


def form_error(ctx: Context, exc: FormError) -> UserError:
    return UserError(f"purchase-admin-error-{exc.code}", **localized(ctx, exc.args_))


def item_error_text(ctx: Context, exc: ItemError) -> str:
    return ctx.t(f"purchase-admin-item-error-{exc.code}", **localized(ctx, exc.args_))


async def own_purchase(ctx: Context, purchase_id: int, *, lock: bool = False) -> Purchase:
    """The purchase a button or command names, if it is this organizer's."""
    organizer = require_organizer(ctx)
    purchase = await ctx.uow.purchases.own_purchase(
        purchase_id, organizer.id, lock=lock, include_deleted=True
    )
    if purchase is None:
        raise UserError("purchase-admin-not-found")
    if purchase.deleted_at is not None:
        # A button left under an old message of a draft deleted since.
        raise UserError("purchase-edit-deleted-already", title=purchase.title)
    return purchase


async def own_item(ctx: Context, item_id: int) -> PurchaseItem:
    item = await ctx.uow.purchases.own_item(item_id, require_organizer(ctx).id)
    if item is None:
        raise UserError("purchase-admin-item-not-found")
    return item


def ensure_items_editable(ctx: Context, purchase: Purchase) -> None:
    if not items_editable(purchase.status):
        raise UserError("purchase-admin-items-locked", status=status_label(ctx, purchase.status))


def back_to_card(ctx: Context, purchase_id: int) -> Button:
    return Button(ctx.t("purchase-admin-button-card"), PurchaseView(purchase_id=purchase_id).pack())
