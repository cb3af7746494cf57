"""The organizer assigns pickup points to the orders of a purchase.

Opened from the purchase's orders list ("Пункты выдачи", handlers/organizer/purchases.py). The
screen says how many active orders have no point, offers "all of them to <point>" for each
active point (after a confirmation), and lists the orders page by page; pressing an order
offers the points. Each buyer whose order gets a point is told (the point's name, address and
hours) through the outbox in the same transaction.

Every button names the purchase; the handlers load it through `own_purchase` (another
organizer's purchase is "not found") and check the point and the order with the rules in
domain/pickup.py, so a forged payload gets a polite refusal and changes nothing. Changes
lock the purchase row: a concurrent status change (closing it) or a double press waits, then
sees the new state.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import Payload
from bot.core.replies import Button, Reply
from bot.core.router import Role, Router
from bot.delivery.outbox import Reach
from domain.pickup import (
    AssignRefusal,
    assignment_refusal,
    order_refusal,
    point_refusal,
    purchase_refusal,
)
from domain.profile import describe_point
from handlers.kit import DbId, PageNumber, Paging, require_organizer, short
from handlers.organizer.kit import OrdersPage, back_to_card, own_purchase, status_label
from storage.models import Order, OutboxKind, PickupPoint, Purchase, User
from storage.repositories.outbox import Recipient

router = Router("pickup")

ORDERS_PER_PAGE = 8


class AssignScreen(Payload, prefix="ppv"):
    purchase_id: DbId
    page: PageNumber


class AssignOrder(Payload, prefix="ppo"):
    """An order pressed on the screen: offer the points."""

    purchase_id: DbId
    order_id: DbId
    page: PageNumber


class AssignSet(Payload, prefix="pps"):
    purchase_id: DbId
    order_id: DbId
    point_id: DbId
    page: PageNumber


class AssignAll(Payload, prefix="ppa"):
    """Every active order without a point to this point; asked to confirm first."""

    purchase_id: DbId
    point_id: DbId
    confirmed: bool


# --- checks ---------------------------------------------------------------------------------


def refuse(ctx: Context, refusal: AssignRefusal | None, purchase: Purchase) -> None:
    if refusal is None:
        return
    if refusal is AssignRefusal.NOT_OWNER:
        raise UserError("purchase-admin-not-found")
    if refusal is AssignRefusal.PURCHASE_OVER:
        raise UserError(
            "pickup-assign-purchase-over",
            title=purchase.title,
            status=status_label(ctx, purchase.status),
        )
    raise UserError(f"pickup-assign-{refusal.value}")


async def assignable_purchase(ctx: Context, purchase_id: int, *, lock: bool = False) -> Purchase:
    """The organizer's purchase (locked for a change), refused once it is over."""
    purchase = await own_purchase(ctx, purchase_id, lock=lock)
    refuse(ctx, purchase_refusal(require_organizer(ctx).id, purchase), purchase)
    return purchase


async def active_points(ctx: Context) -> list[PickupPoint]:
    return await ctx.uow.profiles.pickup_points(require_organizer(ctx).id)


async def chosen_point(ctx: Context, purchase: Purchase, point_id: int) -> PickupPoint:
    point = await ctx.uow.profiles.pickup_point(require_organizer(ctx).id, point_id)
    refuse(ctx, point_refusal(require_organizer(ctx).id, point), purchase)
    assert point is not None
    return point


def point_line(point: PickupPoint) -> str:
    return describe_point(point.name, point.address, point.hours)


# --- the buyers' notifications --------------------------------------------------------------


def dedup_key(order: Order, point_id: int) -> str:
    """Per order and point, and per the order's state before the change: a double press (or
    a twin after a lock wait) queues once, while moving A -> B -> A tells the buyer again."""
    before = order.pickup_point_id or 0
    stamp = int(order.updated_at.timestamp() * 1_000_000) if order.updated_at else 0
    return f"pickup-assign:{order.id}:{point_id}:{before}:{stamp}"


def notification(
    ctx: Context, buyer: User, purchase: Purchase, numbers: Sequence[str], point: PickupPoint
) -> Reply:
    text = ctx.texts.get(
        buyer.language,
        "pickup-assign-notify",
        title=purchase.title,
        numbers=", ".join(numbers) or "-",
        count=len(numbers),
        point=point_line(point),
    )
    return Reply(text=text)


# --- the screen -----------------------------------------------------------------------------


@router.button(AssignScreen, role=Role.ORGANIZER)
async def on_screen(ctx: Context, data: AssignScreen) -> None:
    purchase = await assignable_purchase(ctx, data.purchase_id)
    await show_screen(ctx, purchase, data.page, edit=data.page != 0)


async def show_screen(ctx: Context, purchase: Purchase, page: int, *, edit: bool = False) -> None:
    repo = ctx.uow.purchases
    total = await repo.count_active_orders(purchase.id)
    points = await active_points(ctx)
    back = [
        Button(
            ctx.t("pickup-assign-button-orders"), OrdersPage(purchase_id=purchase.id, page=0).pack()
        ),
        back_to_card(ctx, purchase.id),
    ]
    if total == 0:
        ctx.say("pickup-assign-no-orders", [back], title=purchase.title)
        return
    if not points:
        ctx.say("pickup-assign-no-points", [back])
        return
    unassigned = await repo.count_unassigned_orders(purchase.id)
    paging = Paging.of(total, ORDERS_PER_PAGE, page)
    page, pages = paging.page, paging.pages
    start = paging.start
    rows = await repo.orders_page(purchase.id, offset=start, limit=ORDERS_PER_PAGE)
    lines = [
        ctx.t(
            "pickup-assign-title",
            title=purchase.title,
            total=total,
            unassigned=unassigned,
            page=page + 1,
            pages=pages,
        )
    ]
    buttons: list[list[Button]] = []
    if unassigned:
        buttons += [
            [
                Button(
                    short(ctx.t("pickup-assign-button-all", point=point.name)),
                    AssignAll(purchase_id=purchase.id, point_id=point.id, confirmed=False).pack(),
                )
            ]
            for point in points
        ]
    for number, row in enumerate(rows, start=start + 1):
        pickup = row.pickup_name or ctx.t("purchase-admin-no-pickup")
        order = row.order.number or "-"
        buyer = row.buyer_name or "-"
        lines.append(
            ctx.t(
                "pickup-assign-entry",
                number=str(number),
                order=order,
                buyer=buyer,
                pickup=pickup,
            )
        )
        mark = "📍" if row.pickup_name else "❔"
        buttons.append(
            [
                Button(
                    short(f"{mark} {order} · {buyer}"),
                    AssignOrder(purchase_id=purchase.id, order_id=row.order.id, page=page).pack(),
                )
            ]
        )
    nav = paging.nav(ctx.t, lambda p: AssignScreen(purchase_id=purchase.id, page=p).pack())
    if nav:
        buttons.append(nav)
    buttons.append(back)
    ctx.answer("\n".join(lines), buttons, edit=edit)


# --- one order ------------------------------------------------------------------------------


@router.button(AssignOrder, role=Role.ORGANIZER)
async def on_order(ctx: Context, data: AssignOrder) -> None:
    purchase = await assignable_purchase(ctx, data.purchase_id)
    order = await ctx.uow.purchases.purchase_order(purchase.id, data.order_id)
    points = await active_points(ctx)
    if not points:
        raise UserError("pickup-assign-no-points")
    refuse(ctx, order_refusal(purchase, order), purchase)
    assert order is not None
    buyer = await ctx.uow.users.get(order.buyer_id)
    text = [
        ctx.t(
            "pickup-assign-choose",
            order=order.number or "-",
            buyer=(buyer.name if buyer else "") or "-",
            title=purchase.title,
        )
    ]
    rows = []
    for point in points:
        current = point.id == order.pickup_point_id
        text.append(("✓ " if current else "") + point_line(point))
        rows.append(
            [
                Button(
                    ("✓ " if current else "") + short(point.name),
                    AssignSet(
                        purchase_id=purchase.id,
                        order_id=order.id,
                        point_id=point.id,
                        page=data.page,
                    ).pack(),
                )
            ]
        )
    rows.append(
        [
            Button(
                ctx.t("pickup-assign-button-back"),
                AssignScreen(purchase_id=purchase.id, page=data.page).pack(),
            )
        ]
    )
    ctx.answer("\n".join(text), rows)


@router.button(AssignSet, role=Role.ORGANIZER)
async def on_set(ctx: Context, data: AssignSet) -> None:
    organizer = require_organizer(ctx)
    # Locked: a double press or a concurrent close waits here and then sees the new state.
    purchase = await assignable_purchase(ctx, data.purchase_id, lock=True)
    point = await chosen_point(ctx, purchase, data.point_id)
    order = await ctx.uow.purchases.purchase_order(purchase.id, data.order_id)
    refuse(ctx, assignment_refusal(organizer.id, purchase, point, order), purchase)
    assert order is not None
    if order.pickup_point_id == point.id:
        ctx.say("pickup-assign-same", order=order.number or "-", point=point.name)
        return
    buyer = await ctx.uow.users.get(order.buyer_id)
    key = dedup_key(order, point.id)
    await ctx.uow.orders.set_pickup_point(order, point.id, ctx.now())
    if buyer is not None:
        await ctx.uow.outbox.enqueue(
            buyer,
            notification(ctx, buyer, purchase, [order.number or ""], point),
            OutboxKind.NOTIFICATION,
            dedup_key=key,
        )
    ctx.say(
        "pickup-assign-done",
        order=order.number or "-",
        buyer=(buyer.name if buyer else "") or "-",
        point=point.name,
    )
    await show_screen(ctx, purchase, data.page)


# --- all orders without a point -------------------------------------------------------------


@router.button(AssignAll, role=Role.ORGANIZER)
async def on_all(ctx: Context, data: AssignAll) -> None:
    purchase = await assignable_purchase(ctx, data.purchase_id, lock=data.confirmed)
    point = await chosen_point(ctx, purchase, data.point_id)
    found = await ctx.uow.purchases.unassigned_orders(purchase.id)
    if not found:
        ctx.say(
            "pickup-assign-none-unassigned",
            [[Button(ctx.t("pickup-assign-button-back"), screen(purchase))]],
        )
        return
    if not data.confirmed:
        confirm = [
            [
                Button(
                    ctx.t("pickup-assign-button-yes"),
                    AssignAll(purchase_id=purchase.id, point_id=point.id, confirmed=True).pack(),
                ),
                Button(ctx.t("pickup-assign-button-no"), screen(purchase)),
            ]
        ]
        ctx.say(
            "pickup-assign-all-confirm",
            confirm,
            count=len(found),
            point=point_line(point),
            buyers=len({user.id for _, user in found}),
        )
        return
    by_buyer: dict[int, tuple[User, list[Order]]] = {}
    keys: dict[int, str] = {}
    for order, user in found:
        by_buyer.setdefault(user.id, (user, []))[1].append(order)
        keys[order.id] = dedup_key(order, point.id)
    now = ctx.now()
    for order, _ in found:
        await ctx.uow.orders.set_pickup_point(order, point.id, now)
    recipients = [
        Recipient(
            user=user,
            reply=notification(ctx, user, purchase, [o.number or "" for o in orders], point),
            # One message per buyer, keyed by their first order (one live order per buyer
            # and purchase is the rule; a buyer with more hears about all of them at once).
            dedup_key=keys[orders[0].id],
        )
        for user, orders in by_buyer.values()
    ]
    await ctx.uow.outbox.enqueue_many(recipients, OutboxKind.NOTIFICATION)
    reach = Reach.of(OutboxKind.NOTIFICATION, [user for user, _ in by_buyer.values()])
    done = ctx.t(
        "pickup-assign-all-done", count=len(found), buyers=len(reach.reached), point=point.name
    )
    ctx.answer("\n".join([done, *reach.not_reached_lines(ctx.t)]))
    await show_screen(ctx, purchase, 0)


def screen(purchase: Purchase, page: int = 0) -> str:
    return AssignScreen(purchase_id=purchase.id, page=page).pack()


async def orders_list_row(ctx: Context, purchase: Purchase) -> list[Button]:
    """The "Пункты выдачи" button of the orders list (handlers/organizer/purchases.py), when the
    purchase is not over and the organizer has an active point (the list has orders)."""
    if purchase_refusal(require_organizer(ctx).id, purchase) is not None:
        return []
    if not await ctx.uow.profiles.count_active_points(require_organizer(ctx).id):
        return []
    unassigned = await ctx.uow.purchases.count_unassigned_orders(purchase.id)
    return [Button(ctx.t("pickup-assign-button-open", unassigned=unassigned), screen(purchase))]
