## Paying for orders: /pay, organizer decisions, /payments, /reconcile, reminders.

cmd-pay = report a payment for an order
cmd-payments = payments awaiting your confirmation
cmd-reconcile = payments reconciliation of a purchase

payments-buyer-unnamed = buyer #{ $id }
payments-method = { $method ->
    [card] Card
    [sbp] SBP
    [cash] Cash
   *[other] Other
}

## Choosing orders
payments-nothing-to-pay =
    Nothing to pay right now: no orders are awaiting payment.
    Payment opens when the organizer moves the purchase to the payment stage. Your orders: /orders.
payments-select-title = Orders to pay ({ $count }), page { $page } of { $pages }. Tick the orders of one organizer this payment covers, then press "Continue". You can also type an order number.
payments-select-entry = • { $number } "{ $title }", by { $organizer }: { $balance } due
payments-select-pending = ({ $amount } already reported, awaiting confirmation)
payments-button-continue = Continue ▶ ({ $count } ticked)
payments-select-none = Tick at least one order with the buttons, or type an order number.
payments-one-organizer = One payment covers orders of one organizer. Report a payment to another organizer separately: /pay
payments-order-unavailable = This order cannot be paid now: it is not among your unpaid orders. Refresh the list: /pay
payments-number-invalid = "{ $number }" does not look like an order number (e.g. 7KXM-PT2N). Check it, or pick the order with a button: /pay
payments-order-not-found = Order { $number } is not among your orders. Check the number; your orders: /orders.
payments-order-cancelled = Order { $number } is cancelled: there is nothing to pay.
payments-purchase-not-payable = The purchase "{ $title }" is not taking payments now (stage: { $status ->
    [draft] draft
    [open] collecting orders
    [stopped] stopped, sums being settled
    [closed] closed
    [cancelled] cancelled
   *[other] { $status }
}). The organizer will tell you when to pay.
payments-order-paid = Order { $number } is already paid in full.
payments-form-closed = This button belongs to an earlier step or a closed form. Continue from the latest message, or start again: /pay

## Amount
payments-summary-title = Payment:
payments-summary-order = • Order { $number } "{ $title }": total { $due }, confirmed { $paid } — { $state }
payments-summary-pending =   already reported, awaiting confirmation: { $amount }
payments-summary-total = Total due: { $amount }
payments-details =
    Payment details of { $organizer }:
    { $details }
payments-details-missing = { $organizer } has not added payment details yet. Pay as you agreed, then report the payment here.
payments-ask-amount = How much did you pay? Type the amount, e.g. 1500 or 1500.50. Leave with /cancel.
payments-button-full = Whole amount: { $amount }
payments-amount-not-number = I didn't understand the amount. Type a number of rubles, e.g. { $example }.
payments-amount-negative = The amount cannot be negative. Type how much you paid.
payments-amount-zero = The amount must be more than zero.
payments-amount-too-large = That amount is too large, probably a typo. Please check and type it again.
payments-amount-too-precise = Kopecks have at most two digits, e.g. { $example }.
payments-amount-absurd = { $amount } is far more than is due ({ $balance }). It looks like a typo: please check the amount and type it again.

## Time, method, receipt, comment
payments-ask-time = Amount { $amount }. When did you pay? Press "Now" or type the date and time, Moscow time: { DAY(-1, style: "short") } 14:30, { DAY(-1) } 14:30 or just 14:30 (today).
payments-button-now = Now
payments-time-format = I didn't understand the time. Type e.g. { DAY(-1, style: "short") } 14:30 or 14:30 (Moscow time), or press "Now".
payments-time-need-time = Please add the time, e.g. { DAY(-1, style: "short") } 14:30 (Moscow time).
payments-time-bad-date = There is no such date. Check the day and month, e.g. { DAY(-1, style: "short") } 14:30.
payments-time-future = That time has not come yet. Give the time you paid, or press "Now".
payments-time-too-old = That is more than a year ago: please check the date.
payments-ask-method = Paid at { $time } (Moscow time). How did you pay?
payments-method-unknown = Choose the payment method with a button: card, SBP, cash or other.
payments-button-skip = Skip
payments-receipt-expected = Send the receipt — a photo, a screenshot or a PDF file — or press "Skip".
payments-receipt-too-big = The photo is over { $limit } MB, more than messengers accept. Send a screenshot or a smaller photo.
payments-receipt-saved = Receipt received.
payments-receipt-skipped = No receipt.
payments-ask-comment = Add a comment for the organizer (up to { $max } { $max ->
        [one] character
       *[other] characters
    }), or press "Skip".
payments-comment-text-only = A comment is text. Type it, or press "Skip".
payments-comment-too-long = The comment is longer than { $max } { $max ->
        [one] character
       *[other] characters
    }. Please shorten it.

## Check and send
payments-confirm-title = Check your payment report:
payments-confirm-order = • Order { $number } "{ $title }": { $part }
payments-confirm-receipt = Receipt: { $attached ->
    [yes] attached
   *[no] none
}
payments-confirm-overpaid = That is { $amount } more than is due: the organizer will see the overpayment.
payments-confirm-use-buttons = Send the report with the "Send" button, or leave with /cancel.
payments-button-send = Send
payments-button-cancel = Cancel
payments-send-stale = This payment report has already been sent, or the form was closed. A new one: /pay.
payments-sent =
    Done! Payment report #{ $id } for { $amount } has been sent to { $organizer }.
    I'll tell you as soon as they confirm it.

## Organizer: reports and decisions
payments-report-new = 💳 A new payment report: please confirm or reject it.
payments-report-head = Payment #{ $id } from { $buyer }
payments-report-order = • Order { $number } "{ $title }": { $part } ({ $state })
payments-report-amount = Amount: { $amount }
payments-report-time = Paid at: { $time } (Moscow time)
payments-report-method = Method: { $method ->
    [card] card
    [sbp] SBP
    [cash] cash
   *[other] other
}
payments-report-comment = Comment: { $comment }
payments-report-receipt = Receipt: photo attached.
payments-report-receipt-elsewhere = Receipt: the photo was sent from another messenger and cannot be shown here.
payments-receipt-caption = Receipt for payment #{ $id }
payments-button-confirm = ✅ Confirm
payments-button-reject = ❌ Reject
payments-button-confirm-n = ✅ #{ $id }
payments-button-reject-n = ❌ #{ $id }
payments-report-not-found = This payment report is not among yours. The list: /payments.
payments-already-confirmed = This payment is already confirmed; it is not counted twice.
payments-already-rejected = This payment is already rejected.
payments-confirmed = Payment #{ $id } for { $amount } confirmed. The buyer will be notified.
payments-ask-reason = Why are you rejecting payment #{ $id }? Write the reason for the buyer ({ $min }–{ $max } { $max ->
        [one] character
       *[other] characters
    }). Leave with /cancel.
payments-reason-length = The reason must be { $min } to { $max } { $max ->
        [one] character
       *[other] characters
    }. Please write it again.
payments-rejected = Payment #{ $id } rejected; the buyer will get the reason.
payments-order-state = • Order { $number } "{ $title }": { $state }
payments-decision-confirmed =
    ✅ { $organizer } confirmed your payment of { $amount } made { $time } (Moscow time).
    { $orders }
payments-decision-rejected =
    ❌ { $organizer } rejected your payment report of { $amount } made { $time } (Moscow time).
    Reason: { $reason }
    { $orders }
    If this is a mistake, report the payment again: /pay
payments-none-pending = No payments are awaiting confirmation. Reconciliation of a purchase: /reconcile.
payments-list-title = Awaiting confirmation: { $total } (page { $page } of { $pages }), oldest first.

## Reconciliation
payments-rec-choose = Payments reconciliation: choose a purchase.
payments-rec-no-purchases = You have no purchases to reconcile yet.
payments-rec-purchase-invalid = Give the purchase number in digits, e.g. /reconcile 12, or choose it: /reconcile
payments-rec-not-found = Purchase { $id } is not among yours. Choose it from the list: /reconcile
payments-rec-title = Payments reconciliation: "{ $title }" (purchase { $id })
payments-rec-empty = No orders yet.
payments-rec-row = • { $number } { $buyer }{ $cancelled ->
    [yes] { " " }(order cancelled)
   *[no] {""}
}: due { $due }{ $breakdown }{ $reported_any ->
    [yes] , reported by the buyer and awaiting confirmation { $reported }
   *[no] {""}
}, confirmed { $confirmed } — { $balance_kind ->
    [owes] still owes { $owed }
    [overpaid] overpaid, refund { $refund }
    [refund] refund { $refund }
   *[settled] settled
}
payments-rec-breakdown = { " " }(items { $items }{ $fee_any ->
    [yes] { " " }+ organizer fee { $fee }
   *[no] {""}
}{ $discount_any ->
    [yes] { " " }− discount { $discount }{ $has_code ->
        [yes] { " " }with promo code { $code }
       *[no] {""}
    }
   *[no] {""}
}{ $transport_any ->
    [yes] { " " }+ transport { $transport }
   *[no] {""}
})
payments-rec-more = …and { $count } more: every row is in the files.
payments-rec-totals = Total over { $orders } { $orders ->
    [one] order
   *[other] orders
}: due { $due } (items { $items } + organizer fee { $fee } − discounts { $discount }{ $transport_any ->
    [yes] { " " }+ transport { $transport }
   *[no] {""}
}), reported by buyers and awaiting confirmation { $reported }, confirmed { $confirmed }.
payments-rec-owed = Buyers still owe: { $owed }
payments-rec-refund = To refund to buyers (overpayments and cancelled orders): { $refund }
payments-rec-file-csv = Reconciliation, CSV
payments-rec-file-xlsx = Reconciliation, Excel
payments-rec-sheet = Reconciliation { $id }
payments-rec-col-number = Order
payments-rec-col-buyer = Buyer
payments-rec-col-status = State
payments-rec-col-items = Items, ₽
payments-rec-col-fee = Organizer fee, ₽
payments-rec-col-discount = Discount, ₽
payments-rec-col-promo = Promo code
payments-rec-col-due = Due, ₽
payments-rec-col-reported = Reported by buyer, awaiting confirmation, ₽
payments-rec-col-confirmed = Confirmed, ₽
payments-rec-col-owed = Still owed, ₽
payments-rec-col-refund = To refund, ₽
payments-rec-col-total = Total

## Reminders
payments-reminder-day-before =
    ⏰ Reminder: the purchase "{ $title }" must be paid by { $deadline } (Moscow time).
    { $orders }
    Already paid? Report the payment: /pay
payments-reminder-due-day =
    ⏰ Today is the last day to pay for "{ $title }": until { $deadline } (Moscow time).
    { $orders }
    Already paid? Report the payment: /pay
payments-button-pay = Report a payment
payments-deadline-moved = 📅 The payment deadline of «{ $title }» has moved: now until { $deadline } (Moscow time). Paid already? Report it: /pay
