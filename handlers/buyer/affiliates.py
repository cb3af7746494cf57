"""Affiliates (bloggers, partners): /affiliate to apply (a short description of the audience
and channel) and, once a service admin approved, the catalogue of shared codes by category
(newest first, paged), following categories, a personal share link per code and one's own
figures per code (visits, orders, their sum; never buyers' names). Buyers who open such a
link (`/start aff_<token>`) are attributed to the affiliate for that code."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import CommandPayload, Payload
from bot.core.replies import Button
from bot.core.router import Router
from bot.services.promo_codes import (
    AFFILIATE_LINK_PREFIX,
    affiliate_payload,
    code_offer,
    dates_text,
    ensure_link,
    open_link,
    purchase_title,
    scope_text,
)
from domain.money import format_amount
from handlers.buyer.catalog import PurchaseCard
from handlers.kit import DbId, PageNumber, Paging, short
from storage.models import Affiliate, ApprovalStatus

router = Router("affiliates")

APPLY = "affiliate_apply"
MIN_ABOUT = 10
MAX_ABOUT = 1000
PER_PAGE = 4
CATEGORIES_SHOWN = 8


class AffApply(Payload, prefix="afap"):
    pass


class AffCategory(Payload, prefix="afc"):
    index: int
    page: PageNumber


class AffFollow(Payload, prefix="afw"):
    index: int
    follow: bool


class AffLink(Payload, prefix="afl"):
    code_id: DbId


class AffMine(Payload, prefix="afm"):
    pass


def share_link(ctx: Context, payload: str) -> str:
    """A deep link that opens the bot with `/start <payload>` on the platform in hand (the
    console has no port: there it is the command to type)."""
    port = ctx.event.port
    if port is not None:
        return port.start_link(payload)
    return f"/start {payload}"


def category_name(ctx: Context, category: str) -> str:
    return category or ctx.t("promo-category-any")


# --- applying ----------------------------------------------------------------------------------


@router.command("affiliate", aliases=("партнёр", "партнер", "блогер"))
async def affiliate(ctx: Context) -> None:
    found = await ctx.uow.promos.affiliate_of(ctx.user.id)
    if found is None:
        await start_apply(ctx)
    elif found.status is ApprovalStatus.PENDING:
        ctx.say("promo-aff-pending")
    elif found.status is ApprovalStatus.REJECTED:
        again = Button(ctx.t("promo-button-apply-again"), AffApply().pack())
        ctx.say("promo-aff-refused", [[again]], reason=found.refusal_reason or "—")
    else:
        await show_categories(ctx)


async def start_apply(ctx: Context) -> None:
    await ctx.dialog.start(APPLY, "about")
    ctx.say("promo-aff-ask-about", min=MIN_ABOUT, max=MAX_ABOUT)


@router.button(AffApply)
async def on_apply_again(ctx: Context, data: AffApply) -> None:
    found = await ctx.uow.promos.affiliate_of(ctx.user.id)
    if found is not None and found.status is not ApprovalStatus.REJECTED:
        await affiliate(ctx)
        return
    await start_apply(ctx)


@router.step(APPLY, "about")
async def on_about(ctx: Context) -> None:
    about = ctx.event.text.strip()
    if len(about) < MIN_ABOUT:
        raise UserError("promo-aff-about-short", min=MIN_ABOUT)
    if len(about) > MAX_ABOUT:
        raise UserError("promo-aff-about-long", max=MAX_ABOUT)
    found = await ctx.uow.promos.affiliate_of(ctx.user.id)
    if found is None:
        await ctx.uow.promos.add_affiliate(
            Affiliate(
                user_id=ctx.user.id,
                about=about,
                status=ApprovalStatus.PENDING,
                created_at=ctx.now(),
            )
        )
    elif found.status is ApprovalStatus.REJECTED:
        found.about, found.status, found.refusal_reason = about, ApprovalStatus.PENDING, None
        found.decided_at = None
    await ctx.dialog.finish()
    ctx.say("promo-aff-applied")


async def approved(ctx: Context) -> None:
    found = await ctx.uow.promos.affiliate_of(ctx.user.id)
    if found is None or found.status is not ApprovalStatus.APPROVED:
        raise UserError("promo-aff-not-approved")


# --- the catalogue -----------------------------------------------------------------------------


async def show_categories(ctx: Context) -> None:
    categories = await ctx.uow.promos.catalogue_categories(ctx.now())
    follows = set(await ctx.uow.promos.follows(ctx.user.id))
    mine = Button(ctx.t("promo-button-my-links"), AffMine().pack())
    if not categories:
        ctx.say("promo-aff-catalogue-empty", [[mine]])
        return
    buttons = []
    for index, (category, count) in enumerate(categories[:CATEGORIES_SHOWN]):
        label = ctx.t(
            "promo-button-category",
            category=short(category_name(ctx, category), 30),
            count=count,
            followed=str(category in follows).lower(),
        )
        buttons.append([Button(label, AffCategory(index=index, page=0).pack())])
    buttons.append([mine])
    ctx.say("promo-aff-catalogue", buttons)


async def category_at(ctx: Context, index: int) -> str:
    categories = await ctx.uow.promos.catalogue_categories(ctx.now())
    if not 0 <= index < len(categories):
        raise UserError("promo-aff-category-gone")
    return categories[index][0]


@router.button(AffCategory)
async def on_category(ctx: Context, data: AffCategory) -> None:
    await approved(ctx)
    category = await category_at(ctx, data.index)
    now = ctx.now()
    counts = dict(await ctx.uow.promos.catalogue_categories(now))
    paging = Paging.of(counts.get(category, 0), PER_PAGE, data.page)
    codes = await ctx.uow.promos.catalogue(category, now, offset=paging.start, limit=PER_PAGE)
    lines = [
        ctx.t(
            "promo-aff-category-title",
            category=category_name(ctx, category),
            page=paging.page + 1,
            pages=paging.pages,
        )
    ]
    buttons = []
    for entry in codes:
        code = entry.code
        lines += [
            "",
            ctx.t(
                "promo-aff-code-entry",
                code=code.code,
                offer=code_offer(ctx.texts, ctx.lang, code),
                organizer=entry.organizer_name,
            ),
            scope_text(ctx.texts, ctx.lang, code, entry.purchase_title),
            dates_text(ctx.texts, ctx.lang, code),
        ]
        label = ctx.t("promo-button-get-link", code=code.code)
        buttons.append([Button(label, AffLink(code_id=code.id).pack())])
    nav = paging.nav(ctx.t, lambda p: AffCategory(index=data.index, page=p).pack())
    if nav:
        buttons.append(nav)
    following = category in set(await ctx.uow.promos.follows(ctx.user.id))
    key = "promo-button-unfollow" if following else "promo-button-follow"
    buttons.append([Button(ctx.t(key), AffFollow(index=data.index, follow=not following).pack())])
    ctx.answer("\n".join(lines), buttons, edit=data.page > 0)


@router.button(AffFollow)
async def on_follow(ctx: Context, data: AffFollow) -> None:
    await approved(ctx)
    category = await category_at(ctx, data.index)
    await ctx.uow.promos.set_follow(ctx.user.id, category, data.follow)
    key = "promo-aff-followed" if data.follow else "promo-aff-unfollowed"
    ctx.say(key, category=category_name(ctx, category))


@router.button(AffLink)
async def on_link(ctx: Context, data: AffLink) -> None:
    await approved(ctx)
    code = await ctx.uow.promos.visible_code(data.code_id, ctx.now())
    if code is None:
        raise UserError("promo-aff-code-gone")
    link = await ensure_link(ctx.uow, ctx.user, code)
    url = share_link(ctx, affiliate_payload(link.token))
    title = await purchase_title(ctx.uow, code)
    ctx.say(
        "promo-aff-link",
        code=code.code,
        link=url,
        offer=code_offer(ctx.texts, ctx.lang, code),
        scope=scope_text(ctx.texts, ctx.lang, code, title),
    )


@router.button(AffMine)
async def on_mine(ctx: Context, data: AffMine) -> None:
    await approved(ctx)
    rows = await ctx.uow.promos.links_figures(ctx.user.id)
    if not rows:
        ctx.say("promo-aff-mine-none")
        return
    lines = [ctx.t("promo-aff-mine-title")]
    for row in rows:
        lines.append(
            ctx.t(
                "promo-aff-mine-entry",
                code=row.code.code,
                visits=row.link.visits,
                orders=row.orders,
                sum=format_amount(row.due_kop, ctx.lang),
            )
        )
    ctx.answer("\n".join(lines))


# --- buyers arriving by a link -----------------------------------------------------------------


@router.start_link(AFFILIATE_LINK_PREFIX)
async def on_affiliate_link(ctx: Context, token: str) -> None:
    visit = await open_link(ctx.uow, token, ctx.user, ctx.now())
    purchases = Button(ctx.t("referrals-button-purchases"), CommandPayload(name="purchases").pack())
    if visit.code is None:
        ctx.say("promo-link-unknown", [[purchases]])
        return
    code = visit.code
    title = await purchase_title(ctx.uow, code)
    if code.scope_purchase_id is not None:
        # A code for one purchase: its card, a press away.
        card = PurchaseCard(purchase_id=code.scope_purchase_id).pack()
        purchases = Button(ctx.t("promo-button-open-purchase"), card)
    ctx.say(
        "promo-link-own" if visit.own else "promo-link-opened",
        [[purchases]],
        code=code.code,
        offer=code_offer(ctx.texts, ctx.lang, code),
        scope=scope_text(ctx.texts, ctx.lang, code, title),
        dates=dates_text(ctx.texts, ctx.lang, code),
    )
