## An order from a comment under a purchase post (a VK wall, a Telegram channel's discussion).

comment-orders-draft = Your comment on "{ $title }": "{ $comment }"
comment-orders-draft-line = Order draft: { $line } — { $sum }.
comment-orders-draft-line-fee = Order draft: { $line } — { $sum } plus the organizer's fee of { $fee }.
comment-orders-draft-joins = The line will be added to your order { $number }.
comment-orders-draft-ask = Place the order?
comment-orders-button-confirm = ✅ Place it
comment-orders-button-cancel = ✖ No, thanks
comment-orders-reply = Order draft: { $line }. To place it, open the chat with us by the link: it has "Place it" and "No, thanks" buttons.
comment-orders-button-open = Open the draft
comment-orders-cancelled = OK, no order from this comment. The comment itself is still in /comments.
comment-orders-already-decided = This draft was already placed or dropped. Your orders: /orders.
comment-orders-not-found = Draft not found: the link or button is not from your comment.
comment-orders-expired = The draft is out of date: it is more than { $days } { $days ->
    [one] day
   *[other] days
} since the comment. Order from the purchase card: /purchases.
comment-orders-outdated = The purchase's items changed and the draft no longer fits. Order from the purchase card: /purchases.
comment-orders-added-to-cart = Added from your comment: { $line }. You have this purchase's cart open: place it as a whole.
