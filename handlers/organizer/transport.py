"""Transport costs ("ТР") from the purchase card, once the goods arrived: the items' weights,
the delivery cost, how to split it (by weight, by sum, by pieces), a preview of every order's
share and due, and the split itself (bot/services/transport.py).

A typed cost or weight that is wrong is refused with the reason, the dialog stays on its
step and nothing changes. Buttons carry the purchase id (and the cost and basis of the
preview being confirmed); the purchase is looked up by the presser's organizer id every
time, so a forged id finds nothing.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.replies import Button
from bot.core.router import Role, Router
from bot.services.transport import TransportPlan, apply_split, plan_split, transport_open
from domain.money import MAX_AMOUNT_KOPECKS, AmountError, format_amount, parse_amount
from domain.periods import format_day
from domain.transport import SplitBasis, TransportError, parse_weights
from handlers.kit import short
from handlers.organizer.kit import back_to_card, own_purchase, status_label
from handlers.organizer.purchases import show_card
from handlers.organizer.transport_kit import (
    TransportApply,
    TransportCost,
    TransportMenu,
    TransportPreview,
    TransportWeights,
)
from storage.models import Purchase, PurchaseItem
from storage.repositories.transport import TransportRepository

router = Router("purchase_transport")

TRANSPORT = "purchase_transport"  # steps: cost, weights; data: purchase_id
# A preview lists this many orders in the message (Telegram: 4096 characters); the
# reconciliation and distribution files have every one.
PREVIEW_ORDERS = 30


async def transport_purchase(ctx: Context, purchase_id: int, *, lock: bool = False) -> Purchase:
    purchase = await own_purchase(ctx, purchase_id, lock=lock)
    if not transport_open(purchase):
        raise UserError("transport-locked", status=status_label(ctx, purchase.status))
    return purchase


@router.button(TransportMenu, role=Role.ORGANIZER)
async def on_menu(ctx: Context, data: TransportMenu) -> None:
    if ctx.dialog.name == TRANSPORT:
        await ctx.dialog.finish()  # "Back" from a step: nothing typed is saved
    await show_menu(ctx, await transport_purchase(ctx, data.purchase_id))


async def show_menu(ctx: Context, purchase: Purchase) -> None:
    lang = ctx.lang
    items = await TransportRepository(ctx.uow.session).ordered_items(purchase.id)
    weighed = sum(1 for item in items if item.weight_g)
    text = ctx.t(
        "transport-menu",
        title=purchase.title,
        entered="yes" if purchase.transport_kop is not None else "no",
        cost=format_amount(purchase.transport_kop or 0, lang),
        basis=purchase.transport_basis or "",
        day=format_day(purchase.transport_set_at, lang) if purchase.transport_set_at else "-",
        items=len(items),
        weighed=weighed,
    )
    if purchase.transport_kop is not None:
        orders = await TransportRepository(ctx.uow.session).split_orders(purchase.id)
        shares = [o for o in orders if o.order.transport_kop]
        for entry in shares[:PREVIEW_ORDERS]:
            text += "\n" + ctx.t(
                "transport-menu-order",
                number=entry.order.number or str(entry.order.id),
                buyer=short(entry.buyer.name or "-"),
                share=format_amount(entry.order.transport_kop, lang),
            )
    rows = [
        [
            Button(
                ctx.t(
                    "transport-button-cost",
                    entered="yes" if purchase.transport_kop is not None else "no",
                ),
                TransportCost(purchase_id=purchase.id).pack(),
            ),
            Button(
                ctx.t("transport-button-weights"),
                TransportWeights(purchase_id=purchase.id).pack(),
            ),
        ],
        [back_to_card(ctx, purchase.id)],
    ]
    ctx.answer(text, rows)


# --- the cost -------------------------------------------------------------------------------


@router.button(TransportCost, role=Role.ORGANIZER)
async def on_cost(ctx: Context, data: TransportCost) -> None:
    purchase = await transport_purchase(ctx, data.purchase_id)
    await ctx.dialog.start(TRANSPORT, "cost", {"purchase_id": purchase.id})
    back = Button(ctx.t("transport-button-back"), TransportMenu(purchase_id=purchase.id).pack())
    ctx.say(
        "transport-ask-cost",
        [[back]],
        title=purchase.title,
        entered="yes" if purchase.transport_kop is not None else "no",
        cost=format_amount(purchase.transport_kop or 0, ctx.lang),
    )


async def dialog_purchase(ctx: Context) -> Purchase | None:
    """The dialog's purchase, re-checked: it may have moved on (closed) since the button."""
    purchase = await own_purchase(ctx, int(ctx.dialog.data["purchase_id"]))
    if not transport_open(purchase):
        await ctx.dialog.finish()  # kept: not a UserError, which would roll it back
        ctx.say("transport-locked", status=status_label(ctx, purchase.status))
        return None
    return purchase


@router.step(TRANSPORT, "cost")
async def on_cost_typed(ctx: Context) -> None:
    purchase = await dialog_purchase(ctx)
    if purchase is None:
        return
    try:
        cost = parse_amount(ctx.event.text, allow_zero=True)
    except AmountError as exc:
        raise UserError(
            "transport-cost-bad",
            reason=exc.reason.value,
            max=format_amount(MAX_AMOUNT_KOPECKS, ctx.lang),
        ) from None
    await ctx.dialog.finish()
    await ask_basis(ctx, purchase, cost)


async def ask_basis(ctx: Context, purchase: Purchase, cost: int) -> None:
    items = await TransportRepository(ctx.uow.session).ordered_items(purchase.id)
    all_weighed = bool(items) and all(item.weight_g for item in items)
    bases = [SplitBasis.WEIGHT] if all_weighed else []
    bases += [SplitBasis.SUM, SplitBasis.PIECES]
    buttons = [
        Button(
            ctx.t("transport-basis", basis=basis.value),
            TransportPreview(purchase_id=purchase.id, basis=basis, cost_kop=cost).pack(),
        )
        for basis in bases
    ]
    ctx.say(
        "transport-ask-basis",
        [
            buttons,
            [Button(ctx.t("transport-button-back"), TransportMenu(purchase_id=purchase.id).pack())],
        ],
        cost=format_amount(cost, ctx.lang),
        weighed="yes" if all_weighed else "no",
    )


# --- preview and split ----------------------------------------------------------------------


def _basis_amount(ctx: Context, basis: SplitBasis, value: int) -> str:
    if basis is SplitBasis.SUM:
        return format_amount(value, ctx.lang)
    return ctx.t("transport-basis-amount", basis=basis.value, value=value)


async def _plan(
    ctx: Context, purchase: Purchase, data: TransportPreview | TransportApply, *, lock: bool
) -> TransportPlan:
    try:
        return await plan_split(ctx.uow, purchase, data.cost_kop, data.basis, lock=lock)
    except TransportError as exc:
        raise UserError(f"transport-error-{exc.code}") from None


@router.button(TransportPreview, role=Role.ORGANIZER)
async def on_preview(ctx: Context, data: TransportPreview) -> None:
    purchase = await transport_purchase(ctx, data.purchase_id)
    plan = await _plan(ctx, purchase, data, lock=False)
    lang = ctx.lang
    lines = [
        ctx.t(
            "transport-preview",
            title=purchase.title,
            cost=format_amount(plan.cost_kop, lang),
            basis=plan.basis.value,
            orders=len(plan.live),
        )
    ]
    for row in plan.live[:PREVIEW_ORDERS]:
        lines.append(
            ctx.t(
                "transport-preview-order",
                number=row.order.number or str(row.order.id),
                buyer=short(row.buyer.name or "-"),
                amount=_basis_amount(ctx, plan.basis, row.basis),
                share=format_amount(row.new_share, lang),
                before=format_amount(row.due_before, lang),
                after=format_amount(row.due_after, lang),
            )
        )
    if len(plan.live) > PREVIEW_ORDERS:
        lines.append(ctx.t("transport-preview-more", count=len(plan.live) - PREVIEW_ORDERS))
    if plan.paid_before:
        lines.append(ctx.t("transport-preview-paid", count=plan.paid_before))
    lines.append(ctx.t("transport-preview-confirm"))
    apply = TransportApply(purchase_id=purchase.id, basis=plan.basis, cost_kop=plan.cost_kop)
    ctx.answer(
        "\n".join(lines),
        [
            [
                Button(ctx.t("transport-button-apply"), apply.pack()),
                Button(
                    ctx.t("transport-button-back"), TransportMenu(purchase_id=purchase.id).pack()
                ),
            ]
        ],
    )


@router.button(TransportApply, role=Role.ORGANIZER)
async def on_apply(ctx: Context, data: TransportApply) -> None:
    # Locked: two presses (or two devices) split once; the orders are locked by the plan.
    purchase = await transport_purchase(ctx, data.purchase_id, lock=True)
    plan = await _plan(ctx, purchase, data, lock=True)
    entered = (purchase.transport_kop, purchase.transport_basis)
    if entered == (data.cost_kop, data.basis.value) and not plan.changed:
        # A second press, or the same figures again: nobody is told twice.
        ctx.say("transport-same", cost=format_amount(data.cost_kop, ctx.lang))
        await show_menu(ctx, purchase)
        return
    told = await apply_split(ctx.uow, ctx.texts, purchase, plan, now=ctx.now())
    ctx.say(
        "transport-applied",
        cost=format_amount(plan.cost_kop, ctx.lang),
        basis=plan.basis.value,
        changed=len([row for row in plan.changed if not row.cancelled]),
        told=told,
    )
    await show_card(ctx, purchase)


# --- weights ----------------------------------------------------------------------------------


@router.button(TransportWeights, role=Role.ORGANIZER)
async def on_weights(ctx: Context, data: TransportWeights) -> None:
    purchase = await transport_purchase(ctx, data.purchase_id)
    items = await TransportRepository(ctx.uow.session).ordered_items(purchase.id)
    if not items:
        raise UserError("transport-error-nothing-to-split")
    await ctx.dialog.start(TRANSPORT, "weights", {"purchase_id": purchase.id})
    back = Button(ctx.t("transport-button-back"), TransportMenu(purchase_id=purchase.id).pack())
    ctx.answer(weights_text(ctx, purchase, items), [[back]])


def weights_text(ctx: Context, purchase: Purchase, items: list[PurchaseItem]) -> str:
    lines = [ctx.t("transport-weights-ask", title=purchase.title)]
    for number, item in enumerate(items, start=1):
        lines.append(
            ctx.t(
                "transport-weights-item",
                number=number,
                name=short(item.name, 60),
                article=f" ({item.article})" if item.article else "",
                weighed="yes" if item.weight_g else "no",
                grams=item.weight_g or 0,
            )
        )
    return "\n".join(lines)


@router.step(TRANSPORT, "weights")
async def on_weights_typed(ctx: Context) -> None:
    purchase = await dialog_purchase(ctx)
    if purchase is None:
        return
    items = await TransportRepository(ctx.uow.session).ordered_items(purchase.id)
    weights, errors = parse_weights(ctx.event.text, len(items))
    if errors:
        raise UserError(
            "transport-weights-bad",
            errors="\n".join(
                ctx.t(
                    "transport-weights-line",
                    line=error.line,
                    error=ctx.t(f"transport-error-{error.error.code}", **error.error.args_),
                )
                for error in errors
            ),
        )
    for number, grams in weights.items():
        items[number - 1].weight_g = grams
    await ctx.dialog.finish()
    ctx.say("transport-weights-saved", count=len(weights))
    await show_menu(ctx, purchase)
