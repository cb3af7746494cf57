"""The buyer's cabinet: /orders (last two months, or all), one order with Change / Cancel,
/organizers of the buyer's purchases, and /pickup to change an order's pickup point.

Every order a button names is looked up together with the buyer's id: someone else's order
is "not found", and nothing changes.
"""

from __future__ import annotations

from typing import Literal

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import Payload
from bot.core.replies import Button
from bot.core.router import Router
from bot.services.money import tell_refund_due
from bot.services.referrals import refresh_promo_discount
from domain.lifecycle import OrderStatus, PurchaseStatus
from domain.money import format_amount
from domain.periods import format_day, months_before
from handlers.buyer.cart import ORDER
from handlers.buyer.catalog import load_purchase, takes_orders
from handlers.buyer.order_view import describe_order, notify_organizer, point_text
from handlers.buyer.ordering import edit_order
from handlers.kit import DbId, PageNumber, Paging, media_photo, short
from storage.models import Order, OutboxKind, PickupPoint, Purchase
from storage.repositories.orders import PICKUP_FINAL_STATUSES
from storage.repositories.refunds import money_of

router = Router("my_orders")

RECENT_MONTHS = 2
ORDERS_PER_PAGE = 5
ORGANIZERS_PER_PAGE = 5
PICKUP_ORDERS_SHOWN = 10
ALL_WORDS = frozenset({"all", "все", "всё"})


class OrdersPage(Payload, prefix="bors"):
    scope: Literal["recent", "all"]
    page: PageNumber


class OrderView(Payload, prefix="bov"):
    order_id: DbId


class OrderAction(Payload, prefix="boa"):
    order_id: DbId
    action: Literal["edit", "cancel", "cancel_yes"]


class PickupOrder(Payload, prefix="bpko"):
    order_id: DbId


class PickupSet(Payload, prefix="bpks"):
    order_id: DbId
    point_id: DbId


class OrganizersPage(Payload, prefix="borg"):
    page: PageNumber


async def own_order(ctx: Context, order_id: int) -> Order:
    """The order if it is this buyer's; a clear refusal otherwise (never whose it is)."""
    order = await ctx.uow.orders.buyer_order(ctx.user.id, order_id)
    if order is None:
        raise UserError("orders-not-found")
    return order


# --- /orders ------------------------------------------------------------------------------------


@router.command("orders", aliases=("заказы", "мои_заказы"))
async def orders(ctx: Context) -> None:
    scope: Literal["recent", "all"] = "all" if ctx.args.strip().lower() in ALL_WORDS else "recent"
    await show_orders(ctx, scope, 0)


@router.button(OrdersPage)
async def on_orders_page(ctx: Context, data: OrdersPage) -> None:
    await show_orders(ctx, data.scope, data.page, edit=True)


async def show_orders(
    ctx: Context, scope: Literal["recent", "all"], page: int, *, edit: bool = False
) -> None:
    since = months_before(ctx.now(), RECENT_MONTHS) if scope == "recent" else None
    repo = ctx.uow.orders
    if since is None:
        total = everything = await repo.count_buyer_orders(ctx.user.id)
    else:
        # Both counts in one query: "none recently" needs to know whether there are older ones.
        total, everything = await repo.count_buyer_orders_since(ctx.user.id, since)
    all_button = Button(ctx.t("orders-button-all"), OrdersPage(scope="all", page=0).pack())
    if total == 0:
        if everything:
            ctx.say("orders-none-recent", [[all_button]])
        else:
            ctx.say("orders-none")
        return
    paging = Paging.of(total, ORDERS_PER_PAGE, page)
    page, pages = paging.page, paging.pages
    found = await repo.buyer_orders(
        ctx.user.id, since=since, offset=paging.start, limit=ORDERS_PER_PAGE
    )
    points = await repo.pickup_points([o.pickup_point_id for o in found if o.pickup_point_id])
    moneys = await ctx.uow.refunds.moneys(found)
    title_key = "orders-list-recent" if since is not None else "orders-list-all"
    blocks = [ctx.t(title_key, total=total, page=page + 1, pages=pages)]
    blocks += [
        describe_order(ctx.t, order, points.get(order.pickup_point_id or 0), money=moneys[order.id])
        for order in found
    ]
    order_buttons = [
        Button(
            ctx.t("orders-button-order", number=order.number or ""),
            OrderView(order_id=order.id).pack(),
        )
        for order in found
    ]
    rows = [order_buttons[i : i + 2] for i in range(0, len(order_buttons), 2)]
    nav = paging.nav(ctx.t, lambda p: OrdersPage(scope=scope, page=p).pack())
    if nav:
        rows.append(nav)
    if since is not None:
        rows.append([all_button])
    ctx.answer("\n\n".join(blocks), rows, edit=edit)


# --- one order: view, change, cancel ------------------------------------------------------------


@router.button(OrderView)
async def on_order_view(ctx: Context, data: OrderView) -> None:
    order = await own_order(ctx, data.order_id)
    points = await ctx.uow.orders.pickup_points(
        [order.pickup_point_id] if order.pickup_point_id else []
    )
    rows = []
    live = order.status is OrderStatus.ACTIVE
    if live and takes_orders(ctx, order.purchase):
        rows.append(
            [
                Button(
                    ctx.t("orders-button-change"),
                    OrderAction(order_id=order.id, action="edit").pack(),
                ),
                Button(
                    ctx.t("orders-button-cancel-order"),
                    OrderAction(order_id=order.id, action="cancel").pack(),
                ),
            ]
        )
    if live and await _pickup_points_for(ctx, order, refuse=False):
        rows.append([Button(ctx.t("orders-button-pickup"), PickupOrder(order_id=order.id).pack())])
    rows.append(
        [Button(ctx.t("orders-button-my-orders"), OrdersPage(scope="recent", page=0).pack())]
    )
    ctx.answer(
        describe_order(
            ctx.t,
            order,
            points.get(order.pickup_point_id or 0),
            lines_shown=100,
            money=(await ctx.uow.refunds.moneys([order]))[order.id],
        ),
        rows,
    )


def _ensure_changeable(ctx: Context, order: Order) -> None:
    if order.status is OrderStatus.CANCELLED:
        raise UserError("orders-already-cancelled", number=order.number or "")
    purchase = order.purchase
    if takes_orders(ctx, purchase):
        return
    if purchase.status is PurchaseStatus.OPEN and purchase.stop_at is not None:
        # Past the stop date, not stopped by the scheduler yet: fixed all the same.
        raise UserError(
            "orders-fixed-stop-passed",
            number=order.number or "",
            date=format_day(purchase.stop_at, ctx.lang),
        )
    raise UserError("orders-fixed", number=order.number or "", status=purchase.status.value)


@router.button(OrderAction)
async def on_order_action(ctx: Context, data: OrderAction) -> None:
    order = await own_order(ctx, data.order_id)
    _ensure_changeable(ctx, order)
    number = order.number or ""
    if data.action == "edit":
        purchase = await load_purchase(ctx, order.purchase_id)
        await edit_order(ctx, purchase, order)
    elif data.action == "cancel":
        yes = OrderAction(order_id=order.id, action="cancel_yes")
        no = OrderView(order_id=order.id)
        ctx.say(
            "orders-cancel-confirm",
            [
                [
                    Button(ctx.t("orders-button-cancel-yes"), yes.pack()),
                    Button(ctx.t("orders-button-cancel-no"), no.pack()),
                ]
            ],
            number=number,
            title=order.purchase.title,
        )
    else:
        # Read the status again under a lock: the organizer may be stopping the purchase now.
        purchase = await ctx.uow.orders.visible_purchase(
            order.purchase_id, viewer_id=ctx.user.id, lock=True
        )
        if purchase is None:
            raise UserError("orders-not-found")
        _ensure_changeable(ctx, order)
        await ctx.uow.orders.cancel_order(order, ctx.now())
        await refresh_promo_discount(ctx.uow, order, ctx.now())  # frees its referral code
        if ctx.dialog.name == ORDER and ctx.dialog.data.get("purchase_id") == purchase.id:
            await ctx.dialog.finish()  # its cart was a draft of the order just cancelled
        await notify_organizer(
            ctx, purchase, order, "orders-notify-cancelled", dedup_key=f"order-cancelled:{order.id}"
        )
        ctx.say("orders-cancelled", number=number, title=purchase.title)
        await _refund_after_cancel(ctx, purchase, order)


async def _refund_after_cancel(ctx: Context, purchase: Purchase, order: Order) -> None:
    """Money confirmed for an order just cancelled is owed back: the buyer hears it through
    the outbox like every refund, and the organizer, who has to pay it, is told too."""
    if not await tell_refund_due(ctx.uow, ctx.texts, order, "order_cancelled", buyer=ctx.user):
        return
    organizer = await ctx.uow.users.get(purchase.organizer.user_id)
    if organizer is None or organizer.id == ctx.user.id:
        return
    await ctx.notify(
        organizer,
        "money-refund-owed-org",
        kind=OutboxKind.NOTIFICATION,
        dedup_key=f"refund-owed:{order.id}",
        buyer=ctx.user.name or ctx.user.username or ctx.t("orders-buyer-no-name"),
        number=order.number or "",
        title=purchase.title,
        amount=format_amount(money_of(order).refund, organizer.language),
        purchase=str(purchase.id),
    )


# --- /organizers --------------------------------------------------------------------------------


@router.command("organizers", aliases=("организаторы",))
async def organizers(ctx: Context) -> None:
    await show_organizers(ctx, 0)


@router.button(OrganizersPage)
async def on_organizers_page(ctx: Context, data: OrganizersPage) -> None:
    await show_organizers(ctx, data.page)


async def show_organizers(ctx: Context, page: int) -> None:
    repo = ctx.uow.orders
    total = await repo.count_buyer_organizers(ctx.user.id)
    if total == 0:
        ctx.say("orders-organizers-none")
        return
    paging = Paging.of(total, ORGANIZERS_PER_PAGE, page)
    page, pages = paging.page, paging.pages
    found = await repo.buyer_organizers(ctx.user.id, offset=paging.start, limit=ORGANIZERS_PER_PAGE)
    if pages > 1:
        ctx.say("orders-organizers-page", page=page + 1, pages=pages)
    for organizer in found:
        text = [ctx.t("orders-organizer-name", name=organizer.name)]
        if organizer.description:
            text.append(organizer.description.strip())
        points = [point for point in organizer.pickup_points if point.active]
        if points:
            text.append(ctx.t("orders-organizer-points"))
            text += [point_text(ctx.t, point) for point in points]
        else:
            text.append(ctx.t("orders-organizer-no-points"))
        photo = media_photo(await repo.media(organizer.photo_id), ctx.event.platform)
        ctx.answer("\n".join(text), photo=photo)
    nav = paging.nav(ctx.t, lambda p: OrganizersPage(page=p).pack())
    if nav:
        ctx.replies[-1].buttons.append(nav)


# --- /pickup ------------------------------------------------------------------------------------


async def _pickup_points_for(
    ctx: Context, order: Order, *, refuse: bool = True
) -> list[PickupPoint]:
    """Active pickup points the buyer may move `order` to, or a refusal saying why not.

    The order must be live, its purchase not over, and its organizer must let buyers choose.
    """
    reason = None
    if order.status is OrderStatus.CANCELLED:
        reason = "orders-already-cancelled"
    elif order.purchase.status in PICKUP_FINAL_STATUSES:
        reason = "orders-pickup-purchase-over"
    elif not order.purchase.organizer.buyers_choose_pickup:
        reason = "orders-pickup-not-allowed"
    points = (
        [] if reason else await ctx.uow.orders.active_pickup_points(order.purchase.organizer_id)
    )
    if not reason and not points:
        reason = "orders-pickup-no-points"
    if reason and refuse:
        raise UserError(reason, number=order.number or "")
    return points


@router.command("pickup", aliases=("выдача", "пункт"))
async def pickup(ctx: Context) -> None:
    candidates = await ctx.uow.orders.pickup_orders(ctx.user.id, limit=PICKUP_ORDERS_SHOWN)
    if not candidates:
        ctx.say("orders-pickup-no-orders")
        return
    allowed = [order for order in candidates if await _pickup_points_for(ctx, order, refuse=False)]
    if not allowed:
        ctx.say("orders-pickup-none-allowed")
        return
    if len(allowed) == 1:
        await _ask_point(ctx, allowed[0])
        return
    rows = [
        [
            Button(
                f"{order.number} · {short(order.purchase.title, 30)}",
                PickupOrder(order_id=order.id).pack(),
            )
        ]
        for order in allowed
    ]
    ctx.say("orders-pickup-choose-order", rows)


@router.button(PickupOrder)
async def on_pickup_order(ctx: Context, data: PickupOrder) -> None:
    await _ask_point(ctx, await own_order(ctx, data.order_id))


async def _ask_point(ctx: Context, order: Order) -> None:
    points = await _pickup_points_for(ctx, order)
    text = [
        ctx.t("orders-pickup-choose-point", number=order.number or "", title=order.purchase.title)
    ]
    rows = []
    for point in points:
        current = point.id == order.pickup_point_id
        text.append(("✓ " if current else "") + point_text(ctx.t, point))
        label = ("✓ " if current else "") + short(point.name)
        rows.append([Button(label, PickupSet(order_id=order.id, point_id=point.id).pack())])
    ctx.answer("\n".join(text), rows)


@router.button(PickupSet)
async def on_pickup_set(ctx: Context, data: PickupSet) -> None:
    order = await own_order(ctx, data.order_id)
    points = {point.id: point for point in await _pickup_points_for(ctx, order)}
    point = points.get(data.point_id)
    if point is None:
        raise UserError("orders-pickup-unknown")
    if order.pickup_point_id == point.id:
        ctx.say("orders-pickup-same", number=order.number or "", name=point.name)
        return
    await ctx.uow.orders.set_pickup_point(order, point.id, ctx.now())
    await notify_organizer(ctx, order.purchase, order, "orders-notify-pickup", point=point.name)
    ctx.answer(
        ctx.t("orders-pickup-set", number=order.number or "") + "\n" + point_text(ctx.t, point)
    )
