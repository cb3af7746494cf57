"""Size rows at the stop and what the supplier did not send, from the organizer's card.

Rows (while the purchase is stopped): every item sold by rows with its rows; each unfilled
row is bought out ("выкуп за свой счёт") or dropped (its pieces are not bought, their buyers
told). The purchase goes to payment only when every unfilled row is decided.

Shortfalls (ordered, arrived, distribution): the lines of live orders page by page; a line
(or some of its pieces) is marked not in stock, short-shipped or defective, or a
replacement is offered to its buyer. The rules are in domain/size_rows.py and
domain/shortfalls.py, the changes in bot/services/shortfalls.py.
"""

from __future__ import annotations

from typing import Literal

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import Payload
from bot.core.replies import Button
from bot.core.router import Role, Router
from bot.services import shortfalls as service
from bot.services.money import money_state_text
from domain.cart import QuantityError, parse_quantity
from domain.lifecycle import PurchaseStatus
from domain.shortfalls import Shortfall, ShortfallError, check_pieces, shortfalls_open
from domain.size_rows import RowDecision, undecided
from domain.text_rules import clean_line
from handlers.kit import DbId, PageNumber, Paging, require_organizer, short
from handlers.organizer.kit import back_to_card, own_purchase, status_label
from handlers.size_rows_view import ITEMS_SHOWN, item_rows_text, line_marks
from storage.models import OrderLine, Purchase, PurchaseItem

router = Router("shortfalls")

DIALOG = "shortfall"
ROW_CHOICES_SHOWN = 4  # two buttons each: a VK keyboard holds ten
LINES_PER_PAGE = 6
LINE_BUTTONS_PER_ROW = 3
REPLACEMENT_MAX = 60

MarkKind = Literal["out_of_stock", "short", "defect", "replace"]


class RowsMenu(Payload, prefix="rows"):
    purchase_id: DbId


class RowDecide(Payload, prefix="rowd"):
    item_id: DbId
    row: PageNumber
    decision: RowDecision
    confirmed: bool


class ShortfallsPage(Payload, prefix="shf"):
    purchase_id: DbId
    page: PageNumber


class ShortfallLine(Payload, prefix="shfl"):
    line_id: DbId


class ShortfallMark(Payload, prefix="shfm"):
    line_id: DbId
    kind: MarkKind


class CreditsToggle(Payload, prefix="shfc"):
    purchase_id: DbId
    allowed: bool


# --- the card's way here ---------------------------------------------------------------------


async def card_buttons(ctx: Context, purchase: Purchase) -> list[Button]:
    """One button for the card: the rows while stopped (when any item is sold by rows), the
    shortfalls from "ordered" on."""
    if purchase.status is PurchaseStatus.STOPPED:
        found = await service.repo(ctx.uow).purchase_rows(purchase.id)
        if not found:
            return []
        waiting = sum(len(undecided(entry.rows, entry.decisions)) for entry in found)
        return [
            Button(
                ctx.t("rows-button-rows", count=waiting), RowsMenu(purchase_id=purchase.id).pack()
            )
        ]
    if shortfalls_open(purchase.status):
        return [
            Button(
                ctx.t("rows-button-shortfalls"),
                ShortfallsPage(purchase_id=purchase.id, page=0).pack(),
            )
        ]
    return []


async def ensure_rows_decided(ctx: Context, purchase: Purchase) -> None:
    """Payment needs final sums: every unfilled row bought out or dropped first."""
    found = await service.repo(ctx.uow).purchase_rows(purchase.id)
    waiting = sum(len(undecided(entry.rows, entry.decisions)) for entry in found)
    if waiting:
        raise UserError("rows-payment-needs-decisions", count=waiting)


# --- rows at the stop ------------------------------------------------------------------------


@router.button(RowsMenu, role=Role.ORGANIZER)
async def on_rows_menu(ctx: Context, data: RowsMenu) -> None:
    purchase = await own_purchase(ctx, data.purchase_id)
    await show_rows(ctx, purchase)


async def show_rows(ctx: Context, purchase: Purchase) -> None:
    found = await service.repo(ctx.uow).purchase_rows(purchase.id)
    lines = [ctx.t("rows-organizer-title", title=purchase.title)]
    if not found:
        lines.append(ctx.t("rows-organizer-none"))
    choices: list[list[Button]] = []
    for index, entry in enumerate(found):
        if index == ITEMS_SHOWN:
            lines.append(ctx.t("rows-more-items", count=len(found) - ITEMS_SHOWN))
        if index < ITEMS_SHOWN:
            lines += item_rows_text(
                ctx.t, None, entry.item, entry.rows, entry.decisions, for_buyer=False
            )
        for row in undecided(entry.rows, entry.decisions):
            if purchase.status is not PurchaseStatus.STOPPED or len(choices) >= ROW_CHOICES_SHOWN:
                continue
            name = short(entry.item.name, 20)
            choices.append(
                [
                    Button(
                        ctx.t(key, item=name, row=row.number),
                        RowDecide(
                            item_id=entry.item.id,
                            row=row.number,
                            decision=decision,
                            confirmed=False,
                        ).pack(),
                    )
                    for key, decision in (
                        ("rows-button-buy-out", RowDecision.BUY_OUT),
                        ("rows-button-drop", RowDecision.DROP),
                    )
                ]
            )
    if purchase.status is PurchaseStatus.STOPPED and found:
        waiting = sum(len(undecided(entry.rows, entry.decisions)) for entry in found)
        lines.append(ctx.t("rows-organizer-waiting", count=waiting))
    ctx.answer("\n".join(lines), [*choices, [back_to_card(ctx, purchase.id)]])


async def own_item(ctx: Context, item_id: int) -> tuple[Purchase, PurchaseItem]:
    """The item and its purchase (locked), if the purchase is this organizer's."""
    item = await ctx.uow.session.get(PurchaseItem, item_id)
    if item is None:
        raise UserError("purchase-admin-item-not-found")
    return await own_purchase(ctx, item.purchase_id, lock=True), item


@router.button(RowDecide, role=Role.ORGANIZER)
async def on_row_decide(ctx: Context, data: RowDecide) -> None:
    purchase, item = await own_item(ctx, data.item_id)
    if purchase.status is not PurchaseStatus.STOPPED:
        raise UserError("rows-not-stopped", status=status_label(ctx, purchase.status))
    found = await service.repo(ctx.uow).purchase_rows(purchase.id)
    waiting = [
        row
        for entry in found
        if entry.item.id == item.id
        for row in undecided(entry.rows, entry.decisions)
        if row.number == data.row
    ]
    row = waiting[0] if waiting else None
    if row is None:
        raise UserError("rows-row-stale", row=data.row)
    if not data.confirmed:
        yes = RowDecide(item_id=item.id, row=row.number, decision=data.decision, confirmed=True)
        ctx.answer(
            ctx.t(
                "rows-decide-confirm",
                decision=data.decision.value,
                item=item.name,
                row=row.number,
                free=row.free,
                taken=row.taken,
            ),
            [
                [
                    Button(ctx.t("purchase-admin-button-yes"), yes.pack()),
                    Button(
                        ctx.t("purchase-admin-button-no"), RowsMenu(purchase_id=purchase.id).pack()
                    ),
                ]
            ],
        )
        return
    if data.decision is RowDecision.DROP:
        orders = await service.drop_row(
            ctx.uow, ctx.texts, item, row, user_id=ctx.user.id, now=ctx.now()
        )
        ctx.say("rows-dropped", item=item.name, row=row.number, orders=orders)
    else:
        await service.buy_out_row(ctx.uow, item, row, user_id=ctx.user.id, now=ctx.now())
        ctx.say("rows-bought-out", item=item.name, row=row.number, free=row.free)
    await show_rows(ctx, purchase)


# --- shortfalls ------------------------------------------------------------------------------


def line_state(ctx: Context, line: OrderLine) -> str:
    return line_marks(ctx.t, line)


@router.button(ShortfallsPage, role=Role.ORGANIZER)
async def on_shortfalls_page(ctx: Context, data: ShortfallsPage) -> None:
    purchase = await own_purchase(ctx, data.purchase_id)
    await show_shortfalls(ctx, purchase, data.page)


async def show_shortfalls(ctx: Context, purchase: Purchase, page: int) -> None:
    repo = service.repo(ctx.uow)
    total = await repo.count_lines(purchase.id)
    organizer = require_organizer(ctx)
    lines = [
        ctx.t(
            "rows-shortfalls-title",
            title=purchase.title,
            credits="yes" if organizer.credits_allowed else "no",
        )
    ]
    rows: list[list[Button]] = []
    if total == 0:
        lines.append(ctx.t("purchase-admin-orders-empty"))
    else:
        paging = Paging.of(total, LINES_PER_PAGE, page)
        found = await repo.purchase_lines(purchase.id, offset=paging.start, limit=LINES_PER_PAGE)
        buttons = []
        for number, entry in enumerate(found, start=paging.start + 1):
            state = line_state(ctx, entry.line)
            lines.append(
                ctx.t(
                    "rows-shortfalls-line",
                    number=str(number),
                    order=entry.order.number or "-",
                    buyer=short(entry.buyer.name, 24) or "-",
                    item=service.line_name(entry.item, entry.line.size),
                    quantity=entry.line.quantity,
                    state=state or "-",
                    has_state="yes" if state else "no",
                )
            )
            if shortfalls_open(purchase.status):
                buttons.append(Button(f"№{number}", ShortfallLine(line_id=entry.line.id).pack()))
        rows += [
            buttons[i : i + LINE_BUTTONS_PER_ROW]
            for i in range(0, len(buttons), LINE_BUTTONS_PER_ROW)
        ]
        nav = paging.nav(ctx.t, lambda p: ShortfallsPage(purchase_id=purchase.id, page=p).pack())
        if nav:
            rows.append(nav)
    toggle = CreditsToggle(purchase_id=purchase.id, allowed=not organizer.credits_allowed)
    rows.append(
        [
            Button(
                ctx.t("rows-button-credits", allowed="no" if organizer.credits_allowed else "yes"),
                toggle.pack(),
            ),
            back_to_card(ctx, purchase.id),
        ]
    )
    ctx.answer("\n".join(lines), rows)


@router.button(CreditsToggle, role=Role.ORGANIZER)
async def on_credits_toggle(ctx: Context, data: CreditsToggle) -> None:
    purchase = await own_purchase(ctx, data.purchase_id)
    organizer = require_organizer(ctx)
    organizer.credits_allowed = data.allowed
    ctx.say("rows-credits-set", allowed="yes" if data.allowed else "no")
    await show_shortfalls(ctx, purchase, 0)


async def own_line(ctx: Context, line_id: int, *, lock: bool = False) -> OrderLine:
    organizer = require_organizer(ctx)
    line = await service.repo(ctx.uow).purchase_line(organizer.id, line_id, lock=lock)
    if line is None:
        raise UserError("rows-line-not-found")
    if not shortfalls_open(line.order.purchase.status):
        raise UserError(
            "rows-shortfalls-closed", status=status_label(ctx, line.order.purchase.status)
        )
    return line


@router.button(ShortfallLine, role=Role.ORGANIZER)
async def on_shortfall_line(ctx: Context, data: ShortfallLine) -> None:
    line = await own_line(ctx, data.line_id)
    count = service.line_count(line)
    kinds: list[MarkKind] = ["out_of_stock", "short", "defect", "replace"]
    buttons = [
        Button(
            ctx.t("rows-button-mark", kind=kind), ShortfallMark(line_id=line.id, kind=kind).pack()
        )
        for kind in kinds
    ]
    state = line_state(ctx, line)
    ctx.answer(
        ctx.t(
            "rows-line-card",
            order=line.order.number or "-",
            item=service.line_name(line.item, line.size),
            quantity=line.quantity,
            kept=count.kept,
            state=state or "-",
            has_state="yes" if state else "no",
        ),
        [
            buttons[:2],
            buttons[2:],
            [
                Button(
                    ctx.t("rows-button-back-lines"),
                    ShortfallsPage(purchase_id=line.order.purchase_id, page=0).pack(),
                )
            ],
        ],
    )


@router.button(ShortfallMark, role=Role.ORGANIZER)
async def on_shortfall_mark(ctx: Context, data: ShortfallMark) -> None:
    line = await own_line(ctx, data.line_id, lock=True)
    kept = service.line_count(line).kept
    if kept == 0:
        raise UserError("rows-line-nothing-left")
    if data.kind == "replace" and line.replacement_state == "offered":
        raise UserError("rows-replacement-waiting", replacement=line.replacement or "")
    await ctx.dialog.start(DIALOG, "pieces", {"line_id": line.id, "kind": data.kind})
    if data.kind == "replace":
        await ctx.dialog.goto("replacement")
        ctx.say("rows-ask-replacement", item=service.line_name(line.item, line.size))
        return
    if kept == 1:
        await apply_mark(ctx, line, 1)
        return
    ctx.say("rows-ask-pieces", kept=kept, kind=data.kind)


@router.step(DIALOG, "replacement")
async def on_replacement_text(ctx: Context) -> None:
    line = await own_line(ctx, int(ctx.dialog.data["line_id"]), lock=True)
    replacement = clean_line(ctx.event.text, min_length=1, max_length=REPLACEMENT_MAX)
    if replacement is None:
        raise UserError("rows-replacement-bad", max=REPLACEMENT_MAX)
    kept = service.line_count(line).kept
    await ctx.dialog.goto("pieces", replacement=replacement)
    if kept == 1:
        await apply_mark(ctx, line, 1)
        return
    ctx.say("rows-ask-pieces", kept=kept, kind="replace")


@router.step(DIALOG, "pieces")
async def on_pieces(ctx: Context) -> None:
    line = await own_line(ctx, int(ctx.dialog.data["line_id"]), lock=True)
    try:
        pieces = parse_quantity(ctx.event.text)
    except QuantityError:
        raise UserError("rows-pieces-bad", kept=service.line_count(line).kept) from None
    await apply_mark(ctx, line, pieces)


async def apply_mark(ctx: Context, line: OrderLine, pieces: int) -> None:
    try:
        check_pieces(service.line_count(line), pieces)
    except ShortfallError:
        raise UserError("rows-pieces-bad", kept=service.line_count(line).kept) from None
    kind = str(ctx.dialog.data["kind"])
    replacement = ctx.dialog.data.get("replacement")
    await ctx.dialog.finish()
    name = service.line_name(line.item, line.size)
    number = line.order.number or "-"
    if kind == "replace":
        await service.offer_replacement(ctx.uow, ctx.texts, line, pieces, str(replacement))
        ctx.say(
            "rows-replacement-offered",
            item=name,
            pieces=pieces,
            number=number,
            replacement=str(replacement),
        )
    else:
        money = await service.mark_missing(
            ctx.uow, ctx.texts, line, pieces, Shortfall(kind), now=ctx.now()
        )
        ctx.say(
            "rows-marked",
            item=name,
            pieces=pieces,
            kind=kind,
            number=number,
            state=money_state_text(ctx.t, money),
        )
    back = ShortfallsPage(purchase_id=line.order.purchase_id, page=0)
    ctx.answer(ctx.t("rows-marked-next"), [[Button(ctx.t("rows-button-back-lines"), back.pack())]])
