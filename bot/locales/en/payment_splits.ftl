## One payment for several orders: its split over the orders and a decision per order.

## Buyer: the split
payment-splits-order-none = • Order { $number } "{ $title }": { $part }, this payment does not pay it
payment-splits-hint = The payment is split over the orders: each gets its balance, in order. To change an order's part, press its button.
payment-splits-button-edit = ✏️ Order { $number }: { $part }
payment-splits-button-reset = ↩️ Split again by balances
payment-splits-ask-part = How much of { $amount } goes to order { $number } "{ $title }"? Now: { $part }; the order's balance: { $balance }. Type an amount, e.g. 1,000; 0 if this payment does not pay this order. Leave: /cancel.
payment-splits-part-above-amount = An order's part cannot be more than the whole payment ({ $amount }). Type a smaller amount.
payment-splits-problem = { $problem ->
    [negative] An order's part cannot be negative.
    [nothing] All parts are zero: the payment must pay at least one order.
   *[sum] { $direction ->
        [more] The parts add up to { $total }, { $difference } more than the payment ({ $amount }).
       *[less] The parts add up to { $total }, { $difference } less than the payment ({ $amount }).
    }
} Change the parts with the orders' buttons so that together they make { $amount }.

## Organizer: a decision per order
payment-splits-part-decided = { $status ->
    [confirmed] { " " }— ✅ confirmed
   *[rejected] { " " }— ❌ rejected
}
payment-splits-button-confirm-all = ✅ Confirm all
payment-splits-button-reject-all = ❌ Reject all
payment-splits-button-confirm-part = ✅ Order { $number }
payment-splits-button-reject-part = ❌ Order { $number }
payment-splits-button-confirm-part-n = ✅ #{ $id } · { $number }
payment-splits-button-reject-part-n = ❌ #{ $id } · { $number }
payment-splits-part-already = The payment for order { $number } is already { $status ->
    [confirmed] confirmed; it is not counted twice.
   *[rejected] rejected.
}
payment-splits-part-confirmed = Payment #{ $id }: the part of { $part } for order { $number } is confirmed. The buyer will be notified.
payment-splits-ask-part-reason = Why do you reject payment #{ $id } for order { $number }? Write the reason for the buyer ({ $min }–{ $max } characters). Leave: /cancel.
payment-splits-part-rejected = Payment #{ $id } for order { $number } rejected; the buyer will get the reason.
payment-splits-all-decided = Every order of this payment is decided.
payment-splits-decision-part-confirmed =
    ✅ { $organizer } confirmed your payment for order { $number } "{ $title }": { $part } (of the payment of { $amount } at { $time } Moscow time).
    { $orders }
payment-splits-decision-part-rejected =
    ❌ { $organizer } rejected your payment for order { $number } "{ $title }": { $part } (of the payment of { $amount } at { $time } Moscow time).
    Reason: { $reason }
    { $orders }
    If this is a mistake, report this order's payment again: /pay

## Referral-round discounts: who bears them
payment-splits-round-discount-above-minimum = The discount of { $discount } is more than the minimum order of { $minimum }: orders near the minimum would be free, and the purchase's organizer bears the discount. Type a minimum of at least { $discount } or a discount no larger than the minimum; to start the round over: /rounds.
payment-splits-card-round-discounts = Referral-round discounts: { $accepts ->
    [yes] accepted; a round's discount is borne by the organizer
   *[no] not accepted; round codes do not apply to this purchase's orders
}
payment-splits-button-round-discounts = { $accept ->
    [yes] Accept round discounts
   *[no] Do not accept round discounts
}
payment-splits-button-card = ◀️ To the purchase
payment-splits-round-discounts-set = { $accepts ->
    [yes] "{ $title }" accepts referral-round codes: a round's discount is borne by the organizer (you receive that much less).
   *[no] "{ $title }" no longer accepts referral-round codes. Codes already applied to orders stay.
}
payment-splits-round-discounts-settled = "{ $title }" is over: accepting round discounts no longer matters.
payment-splits-promo-opted-out = The organizer of "{ $title }" does not accept referral-round codes, so code { $code } was not applied to order { $number }. The code stays unused: apply it to an order of another purchase: /promo
payment-splits-rec-round-discounts = A referral round's discount (a code earned by inviting friends) is borne by the organizer: you receive that much less.
