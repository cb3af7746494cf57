## Size rows and what the supplier did not send (issue 21).

purchase-admin-item-error-rows-sizes = an item sold by rows needs at least two sizes, e.g. "row 42,44,46,48".
purchase-admin-item-error-rows-pieces = a row holds 2 to { $max } pieces, e.g. "row 5: red, blue".

## Rows as buyers and organizers see them

rows-place-taken = { $size } ✓
rows-place-free = { $size } — free
rows-places-free = { $count } { $count ->
    [one] place
   *[other] places
} free
rows-row = row { $number }: { $places }{ $state ->
    [filled] {" "}— complete
    [buy_out] {" "}— bought out by the organizer
    [drop] {" "}— dropped, not bought
   *[open] {""}
}
rows-item-title = { $has_number ->
    [yes] { $number }.{" "}
   *[no] {""}
}{ $name } — sold by rows { $kind ->
    [mixed] of { $pieces } pieces of any variants
   *[sizes] ({ $sizes })
}: { $rows } { $rows ->
    [one] row
   *[other] rows
}, { $filled } complete
rows-more = …and { $count } more { $count ->
    [one] row
   *[other] rows
}
rows-item-mark = { $pieces ->
    [0] by rows
   *[other] by rows of { $pieces }
}
rows-more-items = …and { $count } more { $count ->
    [one] item
   *[other] items
} sold by rows
rows-free-offer = Free places: { $sizes } — order them to complete the row.
rows-new-row-offer = { $any ->
    [yes] All rows are complete: a new order starts the next row.
   *[no] No orders yet: the first order starts the first row.
}
rows-card-title = 📏 Rows
rows-card-warning = A row is bought from the supplier only when all its places are taken. A piece in an unfilled row may not be bought: then it is left out of the order's sum.

## The organizer: rows at the stop

rows-button-rows = 📏 Rows{ $count ->
    [0] {""}
   *[other] {" "}(to decide: { $count })
}
rows-organizer-title = Rows of "{ $title }"
rows-organizer-none = No item of this purchase is sold by rows.
rows-organizer-waiting = { $count ->
    [0] Every unfilled row is decided: the purchase can move to payment.
    [one] { $count } unfilled row awaits your decision: buy it out at your cost or drop it.
   *[other] { $count } unfilled rows await your decision: buy out at your cost or drop.
}
rows-button-buy-out = Buy out: { $item }, row { $row }
rows-button-drop = Drop: { $item }, row { $row }
rows-decide-confirm = { $decision ->
    [drop] Drop row { $row } of "{ $item }"? { $taken } { $taken ->
        [one] piece
       *[other] pieces
    } will not be bought, the orders' sums go down and their buyers are told.
   *[buy_out] Buy out row { $row } of "{ $item }" at your cost? { $free } free places: you pay for them.
}
rows-dropped = Row { $row } of "{ $item }" dropped. { $orders } { $orders ->
    [one] order
   *[other] orders
} changed; their buyers are told.
rows-bought-out = Row { $row } of "{ $item }" is bought out at your cost ({ $free } free { $free ->
    [one] place
   *[other] places
}).
rows-not-stopped = Rows are decided in a stopped purchase. The purchase is now: { $status }.
rows-row-stale = Row { $row } is already complete or decided. Open the rows again.
rows-payment-needs-decisions = First decide the unfilled rows ({ $count }): buy them out at your cost or drop them. The "📏 Rows" button on the purchase card.

## Buyers told

rows-order-sum = Order { $number }: items { $items } + organizer fee { $fee } — now due { $due }.
rows-dropped-told = Row { $row } was not filled and the organizer does not buy it out: "{ $item }" × { $pieces } of order { $number } ("{ $title }") will not be bought.
rows-missing-told = Order { $number } ("{ $title }"): "{ $item }" × { $pieces } — { $kind ->
    [out_of_stock] out of stock at the supplier
    [short] short-shipped by the supplier
    [defect] defective, found at sorting
   *[refused] you refused the replacement
}. It is left out of the order's sum.
rows-credit-offer = The overpayment of { $amount } can be refunded, or kept with organizer "{ $organizer }" for your next order.
rows-button-keep-credit = Keep { $amount } for next order
rows-button-take-refund = Refund { $amount }
rows-credit-kept = { $amount } of order { $number } stays with organizer "{ $organizer }" for your next order. Your credit with them: { $balance }.
rows-credit-kept-organizer = { $buyer } keeps the overpayment of { $amount } on order { $number } with you for their next order: nothing to refund, their next order with you uses it.
rows-refund-chosen = Fine: organizer "{ $organizer }" will refund { $amount } of order { $number } and record it.
rows-credit-not-allowed = Organizer "{ $organizer }" does not keep overpayments for next orders: they will refund you.
rows-credit-stale = This order was not found.
rows-credit-stale-amount = { $nothing ->
    [yes] There is nothing to refund on order { $number } now.
   *[no] The refund on order { $number } has changed: it is now { $amount }. See the latest message.
}
rows-credit-used = Your credit with the organizer paid { $amount } of it.

## The organizer: what the supplier did not send

rows-button-shortfalls = 📦 Not delivered
rows-button-credits = { $allowed ->
    [yes] Let buyers keep overpayments as credit
   *[no] Always refund overpayments
}
rows-credits-set = { $allowed ->
    [yes] Buyers may now keep an overpayment with you for their next order.
   *[no] Overpayments are now always refunded.
}
rows-shortfalls-title = What the supplier did not send — "{ $title }". Choose a line by its number. { $credits ->
    [yes] Buyers may keep an overpayment for their next order.
   *[no] Overpayments are refunded.
}
rows-shortfalls-line = { $number }. { $order } · { $buyer } · { $item } × { $quantity }{ $has_state ->
    [yes] {" "}({ $state })
   *[no] {""}
}
rows-line-dropped = not bought (row dropped): { $pieces }
rows-line-missing = not delivered: { $pieces } — { $kind ->
    [out_of_stock] out of stock
    [short] short shipment
    [defect] defect
   *[refused] replacement refused
}
rows-line-replacement = replaced with "{ $replacement }": { $state ->
    [accepted] taken
    [refused] refused
   *[offered] awaiting the buyer's answer
}
rows-line-card = Order { $order }: { $item } × { $quantity }, { $kept } to come.{ $has_state ->
    [yes] {" "}{ $state }.
   *[no] {""}
} What about this line?
rows-button-mark = { $kind ->
    [out_of_stock] Out of stock
    [short] Short shipment
    [defect] Defect
   *[replace] Replacement
}
rows-button-back-lines = ← Back to lines
rows-ask-pieces = How many pieces of { $kept }? Type a number.
rows-ask-replacement = What did the supplier send instead of "{ $item }"? Type a size or a colour, e.g. 46 or blue.
rows-pieces-bad = A number from 1 to { $kept } is needed. Please type it again.
rows-replacement-bad = Type the replacement on one line, up to { $max } characters.
rows-replacement-waiting = This line already awaits the buyer's answer about "{ $replacement }".
rows-line-not-found = Line not found: the order may have been cancelled.
rows-line-nothing-left = Nothing of this line is coming any more.
rows-shortfalls-closed = Lines are marked after ordering from the supplier and before closing. The purchase is now: { $status }.
rows-marked = Marked: "{ $item }" × { $pieces } of order { $number } — { $kind ->
    [out_of_stock] out of stock
    [short] short shipment
   *[defect] defect
}. The sum is recounted and the buyer told. The order's money: { $state }.
rows-marked-next = What else did the supplier not send?
rows-replacement-offered = The buyer of order { $number } is offered "{ $replacement }" instead of "{ $item }" × { $pieces }. You will get their answer.
rows-replacement-ask = Order { $number } ("{ $title }"): instead of "{ $item }" × { $pieces } the supplier sent "{ $replacement }". Do you take it? If not, the line is left out of the order's sum.
rows-button-replacement-yes = Take it
rows-button-replacement-no = Refuse
rows-replacement-done = { $accept ->
    [yes] You took the replacement: "{ $replacement }" instead of "{ $item }" × { $pieces }.
   *[no] You refused "{ $replacement }". "{ $item }" × { $pieces } is left out of the order's sum.
}
rows-replacement-stale = This question is already answered.
rows-replacement-answered = Order { $number }: the buyer { $accept ->
    [yes] took
   *[no] refused
} the replacement "{ $replacement }" for "{ $item }" × { $pieces }.

## Exports

rows-export-rows = rows: { $rows }{ $has_own ->
    [yes] ; at the organizer's cost: { $own }
   *[no] {""}
}
rows-export-not-bought = not bought
