"""The conversation, one router per area. `build_router` assembles them for the dispatcher."""

from __future__ import annotations

from bot.core.router import Router


def build_router() -> Router:
    # Imported here so that importing `handlers` does not register payload prefixes twice
    # in tools that reload modules.
    from handlers import (
        broadcast,
        catalog,
        comment_orders,
        comments,
        common,
        communities,
        consent,
        my_orders,
        new_purchase,
        notify,
        orders,
        organizer,
        payment_reports,
        payments,
        pickup_assign,
        purchase_dates,
        purchase_items,
        purchases_admin,
        reconciliation,
        referrals,
        rounds_admin,
    )

    root = Router("root")
    root.include(
        common.router,
        organizer.router,
        new_purchase.router,
        purchases_admin.router,
        pickup_assign.router,
        purchase_items.router,
        purchase_dates.router,
        catalog.router,
        orders.router,
        my_orders.router,
        comments.router,
        payments.router,
        payment_reports.router,
        reconciliation.router,
        referrals.router,
        rounds_admin.router,
        communities.router,
        comment_orders.router,
        consent.router,
        notify.router,
        broadcast.router,
    )
    return root
