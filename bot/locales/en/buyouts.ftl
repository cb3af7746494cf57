## How a purchase really gets bought out (issue 21): the minimum, non-payers, the black list,
## the next buy-out.

cmd-nonpayers = a purchase's non-payers
cmd-blacklist = my black list of buyers

## The minimum to buy out.
buyouts-minimum-pieces = { $count ->
    [one] { $count } pc
   *[other] { $count } pcs
}
buyouts-minimum-progress = { $reached ->
    [yes] The minimum ({ $minimum }) is reached: { $percent } %.
   *[no] { $percent } % of the minimum ({ $minimum }) collected, { $left } to go.
}
buyouts-minimum-reached = Purchase #{ $id } "{ $title }" reached its minimum ({ $minimum }). Time to prepare the buy-out.

## Non-payers.
buyouts-button-nonpayers = Non-payers ({ $count })
buyouts-nonpayers-marked = The payment deadline of "{ $title }" ({ $deadline }) has passed with { $count } { $count ->
    [one] order
   *[other] orders
} unpaid. The list is behind the button, with one button to remind them all.
buyouts-nonpayers-which = Type the purchase number, e.g. /nonpayers 12. The "Non-payers" button also shows on the purchase card once the payment deadline has passed.
buyouts-nonpayers-title = Non-payers of "{ $title }" (payment deadline { $deadline }): { $count } { $count ->
    [one] order
   *[other] orders
}
buyouts-nonpayers-entry = • order { $number } — { $buyer }, { $owed } unpaid
buyouts-nonpayers-hint = A buyer who never paid may go on your black list: /blacklist and the number of their order.
buyouts-nonpayers-none = { $passed ->
    [yes] No non-payers in "{ $title }": everything is paid or awaits your confirmation.
   *[no] No non-payers in "{ $title }" yet: orders are marked once the payment deadline ({ $deadline }) has passed.
}
buyouts-button-remind-all = Remind them all ({ $count })
buyouts-button-blacklist = Black list
buyouts-nonpayers-not-payable = The purchase is "{ $status }": it takes no payments now, so there is nothing to remind of.
buyouts-nonpayers-nobody = There are no non-payers any more: nobody to remind.
buyouts-nonpayer-reminder = The payment deadline of "{ $title }" has passed ({ $deadline }), and your payment has not come:
    { $orders }
    Please pay, or write to the organizer through the bot. To pay: /pay.
buyouts-nonpayer-reminder-order = • order { $number }: { $owed }
buyouts-nonpayers-reminded = The reminder goes to { $count } { $count ->
    [one] buyer
   *[other] buyers
}.
buyouts-nonpayers-reminded-today = You already reminded these buyers today: you can again tomorrow.
buyouts-order-mark-unpaid = {"   "}⚠ not paid by the deadline
buyouts-order-mark-listed = {"   "}⚠ { $mode ->
    [prepay] on your black list: prepayment only
   *[refuse] on your black list: orders refused
}

## The black list.
buyouts-blacklist-mode = { $mode ->
    [prepay] Prepayment only
   *[refuse] Refuse orders
}
buyouts-blacklist-title = { $count ->
    [0] Your black list is empty.
   *[other] Your black list: { $count } { $count ->
        [one] buyer
       *[other] buyers
    }
}
buyouts-blacklist-entry = { $index }. { $buyer } (order { $number }) — { $mode }. Note: { $note }
buyouts-blacklist-explain = Only you see this list. "Prepayment only": the buyer may order, and is told at once to pay the order in full as soon as payment opens, before it goes to the supplier; you may leave an unpaid order out of the buy-out. "Refuse orders": the buyer is told politely that you take no orders from them.
buyouts-blacklist-button-add = Add by an order number
buyouts-blacklist-button-list = « Black list
buyouts-blacklist-button-remove = Remove { $index }. { $buyer }
buyouts-blacklist-ask-order = Type the number of one of this buyer's orders in any of your purchases (from an orders list or the non-payers list).
buyouts-blacklist-bad-number = "{ $typed }" does not look like an order number. A number looks like 7KXM-PT2N. Try again.
buyouts-blacklist-order-unknown = There is no order { $number } in your purchases. Check the number in the purchase's orders list.
buyouts-blacklist-self = This is your own order: you cannot put yourself on the list. Type a buyer's order number.
buyouts-blacklist-ask-mode = The buyer of order { $number }{ $listed ->
    [yes] {" "}is on your list already: choose the new mode.
   *[no] : what should happen to their orders?
}
buyouts-blacklist-use-buttons = Choose the mode with a button under the message.
buyouts-blacklist-ask-note = Mode: { $mode }. Type a note for yourself (e.g. "did not pay the autumn buy-out") or skip.
buyouts-blacklist-bad-note = A note is one line of up to 300 characters. Type it again or skip.
buyouts-blacklist-saved = Done: the buyer of order { $number } is on your black list ({ $mode }).
buyouts-blacklist-entry-gone = This entry is no longer on your list.
buyouts-blacklist-remove-confirm = Remove { $buyer } from your black list?
buyouts-blacklist-removed = { $buyer } is no longer on your black list.
buyouts-refused = The organizer "{ $organizer }" takes no orders from you. See other purchases: /purchases
buyouts-prepay-note = The organizer "{ $organizer }" takes your orders with prepayment: pay this order in full as soon as payment opens, or it may be left out of the buy-out.

## The next buy-out.
buyouts-button-repeat = Repeat the buy-out
buyouts-repeat-not-yet = A stopped, closed or cancelled purchase can be repeated, and this one is "{ $status }".
buyouts-repeat-ask-stop = The next buy-out of "{ $title }": the items with their prices and photos, the organizer fee, the text and the minimum ({ $minimum }) are copied. Type the new stop date, e.g. { DAY(7) }.
buyouts-repeat-ask-pay = Stop on { $stop }. Now the payment deadline, e.g. { DAY(11) }.
buyouts-repeat-created = Draft #{ $id } "{ $title }" is ready: { $items } { $items ->
    [one] item
   *[other] items
}. Check it and open it: the previous buy-out's buyers will hear of it.
buyouts-repeat-opened = A new buy-out of "{ $title }" is open, stop on { $stop }. You ordered last time: have a look!
buyouts-button-open-purchase = Open the purchase
