## The buyer's orders: cart, placing an order, /orders, /organizers, /pickup.

cmd-orders = my orders
cmd-organizers = my organizers and pickup points
cmd-pickup = change a pickup point

## Cart

orders-ask-item = What would you like from "{ $title }"? Tap an item or send its number (1–{ $count }). Leave with /cancel.
orders-item-unknown = There is no item with that number or name. Send a number from 1 to { $count } or tap an item.
orders-item-unavailable = This item is no longer on sale. Please choose another one.
orders-no-items = This purchase has no items yet.
orders-ask-size = "{ $name }": choose a size. Available: { $sizes }.
orders-size-unknown = "{ $name }" has no such size. Available: { $sizes }. Tap a button or type the size as listed.
orders-ask-quantity = "{ $name }", { $price } each. How many? Tap a button or send a number up to { $max }.
orders-ask-quantity-size = "{ $name }", size { $size }, { $price } each. How many? Tap a button or send a number up to { $max }.
orders-quantity-invalid = { $reason ->
    [zero] The quantity must be at least 1.
    [negative] The quantity cannot be negative.
    [too_large] Too many: at most { $max } per order line.
   *[other] Please send the quantity as a number, e.g. 2.
} Please try again.
orders-ask-note = A note for "{ $name }" (colour, wishes)? Send it, up to { $max } { $max ->
        [one] character
       *[other] characters
    }, or tap "No note".
orders-button-no-note = No note
orders-note-invalid = A note is one line of up to { $max } { $max ->
        [one] character
       *[other] characters
    }. Please shorten it or tap "No note".
orders-line-too-large = Together with what is already in the cart that makes more than { $max } of "{ $name }". Please choose a smaller quantity.
orders-too-many-lines = An order can have at most { $max } { $max ->
        [one] line
       *[other] lines
    }. Remove something or place what you have.
orders-added = Added: "{ $name }".
orders-button-stale = This button no longer fits. Continue from the latest message, or open the cart with "Order" on the purchase card.
orders-cart-expired = This cart is already closed. Open the purchase again: /purchases.
orders-purchase-closed = This purchase no longer takes orders: an order cannot be placed or changed now. Your orders: /orders.

orders-cart-title = 🛒 Cart for "{ $title }":
orders-cart-title-editing = 🛒 Order { $number } for "{ $title }" (changing):
orders-cart-totals =
    Items: { $items }
    Organizer fee { $fee_percent }: { $fee }
    Total due: { $due }
orders-cart-empty-hint = The cart is empty: add an item.
orders-cart-empty = The cart has no items. Add one; to cancel an order you placed, open it in /orders.
orders-cart-use-buttons = Please choose with the buttons under the cart. Leave without saving: /cancel.
orders-button-cart = 🛒 Cart ({ $count })
orders-button-add = ➕ Add an item
orders-button-lines = ✏️ Change a line
orders-button-confirm = ✅ Place the order
orders-button-save = ✅ Save changes
orders-button-discard = ✖ Leave without saving
orders-button-back-to-cart = ← Back to the cart
orders-button-remove-line = 🗑 Remove the line
orders-cart-discarded = The cart is cleared; no order was placed.
orders-cart-discarded-editing = Changes not saved: order { $number } stays as it was.
orders-editing = You already have order { $number } in this purchase; your changes will go into it.
orders-previous-cart-dropped = The unplaced cart of "{ $title }" was cleared: one cart is filled at a time.
orders-ask-line = Which line do you want to change?
orders-ask-line-quantity = "{ $name }": { $quantity } now. Tap or send a new quantity up to { $max }, or remove the line.
orders-ask-line-quantity-size = "{ $name }", { $size }: { $quantity } now. Tap or send a new quantity up to { $max }, or remove the line.
orders-line-updated = Quantity changed.
orders-line-removed = Line removed.
orders-item-gone = "{ $name }" is no longer on sale (or not in that size). Remove that line with "Change a line" and place the order again.

orders-ask-pickup = Where would you like to collect the order? Choose a pickup point:
orders-point = 📍 { $name }, { $address }
orders-point-hours = 📍 { $name }, { $address }, { $hours }
orders-pickup-unknown = That pickup point is not among the available ones. Please tap a point in the latest message.
orders-pickup-use-buttons = Please choose a pickup point with the buttons. Leave without saving: /cancel.

orders-placed = ✅ Order placed! Your order number: { $number }. Quote it when you pay and at pickup.
orders-saved = ✅ Changes saved; order { $number } is updated.
orders-button-my-orders = 📦 My orders

## An order

orders-order-head = 📦 { $number }: "{ $title }", placed { $date }
orders-order-cancelled = The order is cancelled.
orders-purchase-status = { $status ->
    [open] Purchase: collecting orders; you can still change the order.
    [stopped] Purchase: stopped; the order is fixed.
    [payment] Purchase: time to pay.
    [ordered] Purchase: ordered from the supplier.
    [arrived] Purchase: the goods have arrived.
    [distribution] Purchase: handing out.
    [closed] Purchase: finished.
    [cancelled] Purchase: cancelled by the organizer.
   *[other] Purchase: { $status }.
}
orders-order-more-lines = …and { $count } { $count ->
        [one] more line
       *[other] more lines
    }.
orders-order-sum = Due: { $due } (items { $items } + organizer fee { $fee })
orders-order-sum-discount = Due: { $due } (items { $items } + organizer fee { $fee } − discount { $discount })
orders-order-sum-cancelled = Items were { $items }; nothing is due.
orders-order-pickup = Pickup point: { $name }, { $address }

## /orders and one order

orders-none = You have no orders yet. Pick a purchase: /purchases.
orders-none-recent = No orders in the last two months. Older ones: "All orders".
orders-list-recent = { $pages ->
    [1] Your orders of the last two months ({ $total }):
   *[other] Your orders of the last two months ({ $total }), page { $page } of { $pages }:
}
orders-list-all = { $pages ->
    [1] All your orders ({ $total }):
   *[other] All your orders ({ $total }), page { $page } of { $pages }:
}
orders-button-all = 🗂 All orders
orders-button-order = 📦 { $number }
orders-button-change = ✏️ Change
orders-button-cancel-order = ✖ Cancel the order
orders-button-pickup = 📍 Pickup point
orders-not-found = This order is not among yours. Your orders: /orders.
orders-already-cancelled = Order { $number } is already cancelled.
orders-fixed = Order { $number } can no longer be changed or cancelled: { $status ->
    [cancelled] the purchase was cancelled.
    [closed] the purchase is finished.
   *[other] orders are closed and the organizer is already counting on it.
} Please ask the organizer about the order.
orders-cancel-confirm = Cancel order { $number } in "{ $title }"? Its items will not be ordered.
orders-button-cancel-yes = Yes, cancel
orders-button-cancel-no = No, keep it
orders-cancelled = Order { $number } in "{ $title }" is cancelled.

## /organizers

orders-organizers-none = The organizers of your purchases will appear here once you order something: /purchases.
orders-organizers-page = Your organizers, page { $page } of { $pages }:
orders-organizer-name = 👤 { $name }
orders-organizer-points = Pickup points:
orders-organizer-no-points = The organizer will tell you the pickup point separately.

## /pickup

orders-pickup-no-orders = You have no current orders to choose a pickup point for. Your orders: /orders.
orders-pickup-none-allowed = In your current orders the organizer assigns the pickup point; you cannot choose it yourself.
orders-pickup-not-allowed = In order { $number } the organizer assigns the pickup point; you cannot choose it yourself.
orders-pickup-purchase-over = The purchase of order { $number } is over; its pickup point no longer changes.
orders-pickup-no-points = The organizer of order { $number } has no pickup points to choose from right now.
orders-pickup-choose-order = For which order do you want to change the pickup point?
orders-pickup-choose-point = Order { $number } ("{ $title }"): where will you collect it? ✓ marks the current one.
orders-pickup-same = Order { $number } is already set to "{ $name }".
orders-pickup-set = Done: you will collect order { $number } here:

## Notifications to the organizer

orders-buyer-no-name = a buyer
orders-notify-new = 🆕 New order { $number } in "{ $title }" from { $buyer }: { $due } due.
orders-notify-changed = ✏️ { $buyer } changed order { $number } in "{ $title }": now { $due } due.
orders-notify-cancelled = ✖ { $buyer } cancelled order { $number } in "{ $title }".
orders-notify-pickup = 📍 { $buyer } chose pickup point "{ $point }" for order { $number } in "{ $title }".

## The stop date has passed though the scheduler has not stopped the purchase yet (domain/lifecycle.py collecting).
orders-purchase-stop-passed = Orders for "{ $title }" closed on { $date } (the stop date ends at midnight Moscow time): an order cannot be placed or changed now. Your orders: /orders.
orders-fixed-stop-passed = Order { $number } can no longer be changed or cancelled: orders closed on { $date }, and the organizer is already counting on it. Please ask the organizer about the order.
