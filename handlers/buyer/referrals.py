"""Friendly discounts for everyone: /invite (link, ready text, progress, friends' statuses),
invite links (`/start inv_<token>`) and /promo (personal codes, put on an open order)."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import CommandPayload, Payload
from bot.core.replies import Button
from bot.core.router import Router
from bot.services.referrals import (
    INVITE_LINK_PREFIX,
    MAX_CODE_LENGTH,
    arrive_by_token,
    ensure_invite_token,
    invite_payload,
    moment,
    offer_text,
    promo_error,
    redeem,
    round_offer,
)
from domain.codes import normalize_code
from domain.money import format_amount
from domain.referrals import (
    CodeFacts,
    InviteStatus,
    PromoRefusal,
    QualifyingAction,
    RefusalReason,
    code_refusal,
    code_state,
)
from handlers.buyer.organizer_codes import find_typed, offer_typed, say_code_orders
from handlers.common import help_button, help_text
from handlers.kit import DbId, PageNumber, Paging, short
from storage.models import PromoCode, ReferralRound

router = Router("referrals")

FRIENDS_PER_PAGE = 10
NAME_SHOWN = 32
ORDERS_OFFERED = 8


class FriendsPage(Payload, prefix="rffr"):
    page: PageNumber


class PromoUse(Payload, prefix="rfpu"):
    code_id: DbId


class PromoApply(Payload, prefix="rfpa"):
    code_id: DbId
    order_id: DbId


def invite_link(ctx: Context, payload: str) -> str:
    """A link that opens the bot with `/start <payload>`.

    The platform adapters know their bot (Telegram https://t.me/<bot>?start=..., VK
    https://vk.me/club<id>?ref=...) and hand a port with every update; the console has
    none, so there it is the command to type.
    """
    port = ctx.event.port
    if port is not None:
        return port.start_link(payload)
    return f"/start {payload}"


# --- /invite ----------------------------------------------------------------------------------


@router.command("invite", aliases=("пригласить", "друзья", "friends"))
async def invite(ctx: Context) -> None:
    now = ctx.now()
    round_ = await ctx.uow.referrals.open_round(now)
    if round_ is None:
        await between_rounds(ctx)
        return
    token = await ensure_invite_token(ctx.uow, ctx.user)
    link = invite_link(ctx, invite_payload(token))
    counts = await ctx.uow.referrals.inviter_counts(round_.id, ctx.user.id, now)
    lines = [
        ctx.t(
            "referrals-invite-round",
            round=str(round_.id),
            ends=moment(round_.ends_at),
            threshold=round_.threshold,
            offer=round_offer(ctx.texts, ctx.lang, round_),
        ),
        ctx.t(rule_key(round_.qualifying_action)),
        "",
        ctx.t("referrals-invite-progress", count=counts.counted, threshold=round_.threshold),
    ]
    if counts.waiting:
        lines.append(ctx.t("referrals-invite-waiting", count=counts.waiting))
    code = await ctx.uow.referrals.code_of(round_.id, ctx.user.id)
    if code is not None:
        lines.append(ctx.t("referrals-invite-done", code=code.code))
    lines += ["", ctx.t("referrals-invite-link", link=link), ctx.t("referrals-invite-forward-hint")]
    buttons = [
        [
            Button(ctx.t("referrals-button-friends"), FriendsPage(page=0).pack()),
            Button(ctx.t("referrals-button-my-codes"), CommandPayload(name="promo").pack()),
        ]
    ]
    ctx.answer("\n".join(lines), buttons)
    # A message of its own, so it can be forwarded as it is or copied and extended.
    ctx.say("referrals-invite-forward", link=link)


def rule_key(action: str) -> str:
    if action == QualifyingAction.FIRST_ORDER:
        return "referrals-rule-first-order"
    if action == QualifyingAction.FIRST_PAYMENT:
        return "referrals-rule-first-payment"
    return "referrals-rule-start"


async def between_rounds(ctx: Context) -> None:
    following = await ctx.uow.referrals.next_round()
    if following is None:
        ctx.say("referrals-invite-none-planned")
        return
    ctx.say(
        "referrals-invite-next",
        starts=moment(following.starts_at),
        threshold=following.threshold,
        offer=round_offer(ctx.texts, ctx.lang, following),
    )


@router.button(FriendsPage)
async def on_friends(ctx: Context, data: FriendsPage) -> None:
    repo = ctx.uow.referrals
    total = await repo.count_invites_of(ctx.user.id)
    if not total:
        ctx.say("referrals-friends-empty")
        return
    paging = Paging.of(total, FRIENDS_PER_PAGE, data.page)
    page, pages = paging.page, paging.pages
    rows = await repo.invites_of(ctx.user.id, offset=paging.start, limit=FRIENDS_PER_PAGE)
    rounds = await repo.rounds_by_ids([row.invite.round_id for row in rows])
    lines = [ctx.t("referrals-friends-title", count=total, page=str(page + 1), pages=str(pages))]
    for row in rows:
        name = short(row.friend_name.strip(), NAME_SHOWN) or ctx.t("referrals-friend-unnamed")
        lines.append(
            invite_line(
                ctx,
                row.invite.status,
                row.invite.refusal_reason,
                name,
                rounds.get(row.invite.round_id or 0),
            )
        )
    nav = paging.nav(ctx.t, lambda p: FriendsPage(page=p).pack())
    ctx.answer("\n".join(lines), [nav] if nav else None, edit=data.page > 0)


def invite_line(
    ctx: Context,
    status: InviteStatus,
    reason: str | None,
    name: str,
    round_: ReferralRound | None,
) -> str:
    if status is InviteStatus.COUNTED:
        return ctx.t("referrals-friend-counted", name=name)
    if status is InviteStatus.WAITING:
        action = round_.qualifying_action if round_ is not None else ""
        key = (
            "referrals-friend-waiting-payment"
            if action == QualifyingAction.FIRST_PAYMENT
            else "referrals-friend-waiting-order"
        )
        return ctx.t(key, name=name)
    return ctx.t("referrals-friend-refused", name=name, reason=reason_text(ctx, reason))


def reason_text(ctx: Context, reason: str | None) -> str:
    known = {r.value for r in RefusalReason}
    value = reason if reason in known else RefusalReason.VOIDED.value
    return ctx.t("referrals-reason-" + value.replace("_", "-"))


# --- friends arriving by a link ---------------------------------------------------------------


@router.start_link(INVITE_LINK_PREFIX)
async def on_invite_link(ctx: Context, token: str) -> None:
    result = await arrive_by_token(
        ctx.uow,
        token,
        ctx.user,
        first_contact=ctx.first_contact,
        now=ctx.now(),
        texts=ctx.texts,
    )
    welcome = ctx.t("start-welcome", name=ctx.user.name or "👋")
    if result.repeat:
        # The same link again: the first arrival stands (bot/services/referrals.py).
        waits_for = result.round.qualifying_action if result.round is not None else ""
        status = "counted" if result.verdict is InviteStatus.COUNTED else waits_for
        ctx.say("small-invite-again", help_button(ctx), status=status)
    elif result.verdict is InviteStatus.COUNTED:
        ctx.answer(welcome + "\n\n" + ctx.t("referrals-arrived-counted"), help_button(ctx))
    elif result.verdict is InviteStatus.WAITING:
        key = (
            "referrals-arrived-waiting-payment"
            if result.round is not None
            and result.round.qualifying_action == QualifyingAction.FIRST_PAYMENT
            else "referrals-arrived-waiting-order"
        )
        ctx.answer(welcome + "\n\n" + ctx.t(key), help_button(ctx))
    elif result.reason is RefusalReason.UNKNOWN_TOKEN:
        ctx.answer(ctx.t("referrals-link-unknown") + "\n\n" + help_text(ctx))
    elif result.reason is RefusalReason.SELF_INVITE:
        ctx.say("referrals-arrived-self")
    elif result.reason is RefusalReason.NO_OPEN_ROUND:
        text = ctx.t("referrals-arrived-no-round")
        ctx.answer(welcome + "\n\n" + text if ctx.first_contact else text, help_button(ctx))
    else:  # not new, or already a friend of someone
        ctx.say("referrals-arrived-not-new", help_button(ctx))


# --- /promo -----------------------------------------------------------------------------------


@router.command("promo", aliases=("промокод", "промокоды", "codes"))
async def promo(ctx: Context) -> None:
    typed = ctx.args.strip()
    if typed:
        code = await ctx.uow.referrals.code_by_text(normalize_typed(typed))
        if code is None:
            # Not a personal code: maybe an organizer's (handlers/buyer/organizer_codes.py).
            await offer_typed(ctx, await find_typed(ctx, normalize_typed(typed)))
            return
        if code.owner_id != ctx.user.id:
            raise promo_error(PromoRefusal.NOT_FOUND)
        await offer_orders(ctx, code)
        return
    rows = await ctx.uow.referrals.codes_of(ctx.user.id)
    if not rows:
        ctx.say("referrals-promo-none")
        return
    now = ctx.now()
    lines = [ctx.t("referrals-promo-title")]
    buttons = []
    for row in rows:
        code = row.code
        state = code_state(facts(code, ctx.user.id, redeemed=row.order_number is not None), now)
        lines.append(
            ctx.t(
                "referrals-promo-entry",
                code=code.code,
                offer=code_offer(ctx, code),
                until=moment(code.ends_at) if code.ends_at else "—",
            )
            + " — "
            + state_text(ctx, state, row.order_number)
        )
        if state == "open":
            label = ctx.t("referrals-promo-button-apply", code=code.code)
            buttons.append([Button(label, PromoUse(code_id=code.id).pack())])
    if buttons:
        lines += ["", ctx.t("referrals-promo-how")]
    ctx.answer("\n".join(lines), buttons)


def normalize_typed(text: str) -> str:
    return normalize_code(text)[:MAX_CODE_LENGTH]


def facts(code: PromoCode, user_id: int, *, redeemed: bool) -> CodeFacts:
    return CodeFacts(
        owner_matches=code.owner_id == user_id,
        active=code.active,
        redeemed=redeemed,
        starts_at=code.starts_at,
        ends_at=code.ends_at,
    )


def state_text(ctx: Context, state: str, order_number: str | None) -> str:
    if state == "used":
        return ctx.t("referrals-promo-state-used", number=order_number or "—")
    if state == "expired":
        return ctx.t("referrals-promo-state-expired")
    return ctx.t("referrals-promo-state-open")


def code_offer(ctx: Context, code: PromoCode) -> str:
    return offer_text(
        ctx.texts, ctx.lang, code.discount_kind, code.discount_value, code.min_order_kop
    )


async def own_code(ctx: Context, code_id: int) -> PromoCode:
    """The user's own code; anyone else's is answered like a code that does not exist."""
    code = await ctx.uow.referrals.code(code_id)
    if code is None or code.owner_id != ctx.user.id:
        raise promo_error(PromoRefusal.NOT_FOUND)
    return code


async def offer_orders(ctx: Context, code: PromoCode) -> None:
    redeemed = await ctx.uow.referrals.redemption_of(code.id) is not None
    refusal = code_refusal(facts(code, ctx.user.id, redeemed=redeemed), ctx.now())
    if refusal is not None:
        until = moment(code.ends_at) if code.ends_at else ""
        raise promo_error(refusal, code=code.code, until=until)
    orders = await ctx.uow.referrals.open_orders(ctx.user.id, limit=ORDERS_OFFERED)
    say_code_orders(
        ctx,
        code,
        orders,
        none_key="referrals-promo-no-orders",
        apply=lambda order: PromoApply(code_id=code.id, order_id=order.id),
        offer=code_offer(ctx, code),
    )


@router.button(PromoUse)
async def on_promo_use(ctx: Context, data: PromoUse) -> None:
    await offer_orders(ctx, await own_code(ctx, data.code_id))


@router.button(PromoApply)
async def on_promo_apply(ctx: Context, data: PromoApply) -> None:
    code = await ctx.uow.referrals.lock_code(data.code_id)
    if code is None or code.owner_id != ctx.user.id:
        raise promo_error(PromoRefusal.NOT_FOUND)
    discount = await redeem(ctx.uow, ctx.user, code, data.order_id, ctx.now())
    order = await ctx.uow.referrals.lock_order(data.order_id)
    if order is None:  # cannot happen: redeem checked it under the lock
        raise UserError("referrals-promo-order-not-found")
    ctx.say(
        "referrals-promo-applied",
        code=code.code,
        number=order.number or str(order.id),
        discount=format_amount(discount, ctx.lang),
        due=format_amount(order.due_kop, ctx.lang),
    )
