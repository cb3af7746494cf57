"""The conversation, by role: what everyone may do here (start, help, language, cancel,
notifications), then `buyer/`, `organizer/` and `admin/`, one router per idea.
`build_router` assembles them for the dispatcher; a new module adds its router here.
"""

from __future__ import annotations

from bot.core.router import Router


def build_router() -> Router:
    # Imported here so that importing `handlers` does not register payload prefixes twice
    # in tools that reload modules.
    from handlers import chat, claims, common, consent, notify
    from handlers.admin import approvals, inviters, moderation, round_form, rounds
    from handlers.buyer import (
        affiliates,
        catalog,
        comment_orders,
        comments,
        my_orders,
        ordering,
        organizer_codes,
        payment_form,
        payments,
        placing,
        post_comments,
        referrals,
    )
    from handlers.organizer import (
        broadcast,
        buyouts,
        communities,
        dates,
        editing,
        items,
        new_purchase,
        pickup,
        profile,
        promo_codes,
        purchases,
        reconciliation,
        round_discounts,
        transport,
    )
    from handlers.organizer import comments as organizer_comments
    from handlers.organizer import orders as purchase_orders
    from handlers.organizer import payments as organizer_payments
    from handlers.organizer import photos as purchase_photos

    root = Router("root")
    # The order of inclusion is the order of the commands in /help and the platforms' menus.
    root.include(
        common.router,
        profile.router,
        new_purchase.router,
        purchases.router,
        purchase_orders.router,
        pickup.router,
        items.router,
        purchase_photos.router,
        organizer_comments.router,
        dates.router,
        editing.router,
        catalog.router,
        ordering.router,
        placing.router,
        my_orders.router,
        comments.router,
        payments.router,
        payment_form.router,
        organizer_payments.router,
        round_discounts.router,
        reconciliation.router,
        transport.router,
        referrals.router,
        rounds.router,
        round_form.router,
        inviters.router,
        promo_codes.router,
        organizer_codes.router,
        affiliates.router,
        approvals.router,
        communities.router,
        post_comments.router,
        comment_orders.router,
        consent.router,
        notify.router,
        broadcast.router,
        buyouts.router,
        chat.router,
        claims.router,
        moderation.router,
    )
    # Size rows and what the supplier did not send (issue 21).
    from handlers.buyer import shortfalls as buyer_shortfalls
    from handlers.organizer import shortfalls

    root.include(shortfalls.router, buyer_shortfalls.router)
    return root
