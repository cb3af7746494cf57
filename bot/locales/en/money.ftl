## An order's money: one wording for every screen (domain/balance.py, bot/services/money.py).

money-state = { $state ->
    [nothing_due] nothing to pay
    [unpaid] unpaid, { $owed } due
    [awaiting] awaiting confirmation: { $awaiting }{ $to_report_any ->
        [yes] , { $to_report } not paid yet
       *[no] {""}
    }
    [partially_paid] partially paid, { $owed } left
    [paid] paid in full
    [refund_due] { $refund } to refund
   *[refunded] { $refunded } refunded
}{ $extra_awaiting ->
    [yes] ; awaiting confirmation: { $awaiting }
   *[no] {""}
}
money-paid-line = Paid: { $confirmed }, { $state }
money-state-label = { $label ->
    [cancelled] cancelled
    [unpaid] unpaid
    [partially_paid] partially paid
    [paid] paid
    [overpaid] overpaid
    [refunded] refunded
   *[other] nothing to pay
}
money-reminder-order = • Order { $number }: { $to_report } due{ $awaiting_any ->
    [yes] { " " }({ $awaiting } more awaiting confirmation)
   *[no] {""}
}

## Refunds
money-refund-due =
    💸 The organizer "{ $organizer }" owes you { $amount } back for order { $number } ("{ $title }"): { $reason ->
        [cancelled] the purchase was cancelled
        [order_cancelled] the order was cancelled
       *[overpaid] more was confirmed than the order costs
    }. We will tell you when the organizer records the refund.
money-refund-recorded = ✅ The organizer "{ $organizer }" recorded refunding you { $amount } for order { $number } ("{ $title }").{ $left_any ->
    [yes] { " " }Still to refund: { $left }.
   *[no] {""}
}
money-refund-owed-org = 💸 { $buyer } cancelled order { $number } in "{ $title }", for which you received { $amount }: this money is to be refunded. Record the refund: /reconcile { $purchase }.
money-rec-refunds = Refunds: press a button once you have paid the money back; the buyer will be told.
money-rec-refunded = { " " }(already refunded { $refunded })
money-button-refund = 💸 { $number }: refund { $amount }
money-refund-confirm = Record that you refunded { $amount } to { $buyer } for order { $number }?
money-button-refund-yes = Yes, refunded
money-button-refund-no = No
money-refund-done = The refund of { $amount } for order { $number } is recorded; the buyer will be told.
money-refund-nothing = Nothing is to be refunded for order { $number } now: perhaps the refund is already recorded. Reconciliation: /reconcile.
money-refund-changed = The sum to refund for order { $number } has changed: it is { $amount } now. Press the button again in a fresh reconciliation: /reconcile { $purchase }.
money-refund-not-found = There is no such order in your purchases.

## Closing a purchase with money still open
money-close-open = ⚠️ Money is still open in "{ $title }" — { $count } { $count ->
    [one] order
   *[other] orders
}:
money-close-owes = • { $buyer }, order { $number }: { $amount } not paid
money-close-refund = • { $buyer }, order { $number }: { $amount } to refund
money-close-more = …and { $count } more { $count ->
    [one] order
   *[other] orders
} — the full list is in /reconcile { $purchase }.
money-close-totals = Not paid in all: { $owed }; to refund: { $refund }. Close the purchase anyway?
