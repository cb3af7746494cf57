## Transport costs: item weights, the delivery cost, its split among orders, reminders.

transport-button = 🚚 Transport costs
transport-button-cost = { $entered ->
    [yes] Change the transport cost
   *[no] Enter the transport cost
}
transport-button-weights = ⚖ Item weights
transport-button-back = ◀ Back
transport-button-apply = ✅ Split it
transport-basis = { $basis ->
    [weight] By weight
    [sum] By order sum
   *[pieces] By pieces
}
transport-basis-name = { $basis ->
    [weight] by weight
    [sum] by order sum
   *[pieces] by pieces
}
transport-basis-amount = { $basis ->
    [weight] { $value } g
   *[pieces] { $value } { $value ->
        [one] pc
       *[other] pcs
    }
}
transport-locked = Transport costs are entered once the goods have arrived (stages "arrived" and "distribution"). The purchase is now at "{ $status }".

transport-menu = 🚚 Transport costs of "{ $title }"
    { $entered ->
        [yes] Now: { $cost }, { transport-basis-name }, entered { $day }.
       *[no] The delivery cost is not entered yet.
    }
    { $weighed } of { $items } ordered { $items ->
        [one] item has
       *[other] items have
    } a weight (a split by weight needs them all).
transport-menu-order = • { $number } { $buyer }: { $share }

transport-ask-cost = What did the delivery of "{ $title }" cost? Type the sum in rubles, e.g. 1500 or 1500.50.{ $entered ->
    [yes] {" "}Entered now: { $cost }; 0 removes the transport costs.
   *[no] {""}
}
transport-cost-bad = { $reason ->
    [empty] Type the delivery cost as a number, e.g. 1500.
    [negative] The delivery cost cannot be negative.
    [too_large] Too large: at most { $max }.
    [too_precise] At most two digits of kopecks, e.g. 1500.50.
   *[other] I could not read the sum. Type it as a number, e.g. 1500 or 1500.50.
} Nothing was saved: please try again.
transport-ask-basis = Delivery { $cost }. How should it be split among the orders?{ $weighed ->
    [yes] {""}
   *[no] {" "}By weight needs a weight for every ordered item (the "Item weights" button).
}

transport-preview = Splitting { $cost } { transport-basis-name } among { $orders } { $orders ->
    [one] order
   *[other] orders
} of "{ $title }":
transport-preview-order = • { $number } { $buyer } ({ $amount }): share { $share }, due was { $before }, becomes { $after }
transport-preview-more = … and { $count } more { $count ->
    [one] order
   *[other] orders
}
transport-preview-paid = ⚠ { $count } { $count ->
    [one] buyer has
   *[other] buyers have
} already paid the earlier share: a smaller share becomes money to refund (/reconcile), a larger one an extra payment.
transport-preview-confirm = Split it and tell the buyers?
transport-same = Transport costs of { $cost } are already split this way: nothing changed.
transport-applied = Done: { $cost } split { transport-basis-name }. The share changed on { $changed } { $changed ->
    [one] order
   *[other] orders
}; { $told } { $told ->
    [one] buyer was
   *[other] buyers were
} told.

transport-error-weights-missing = A split by weight needs a weight for every ordered item: enter them with "Item weights", or split by sum or by pieces.
transport-error-nothing-to-split = The purchase has no live orders: there is nobody to split it among.
transport-error-weights-empty = Send lines "number weight", e.g. "1 350".
transport-error-weights-too-many = At most { $max } lines at a time.
transport-error-weight-line = line "{ $text }": it should be "number weight", e.g. "1 350" or "2 0.5 kg"
transport-error-weight-number = there is no item number { $number } (numbers 1 to { $count })
transport-error-weight-range = weight "{ $text }": from 1 g to { $max } g
transport-error-weight-bad = weight "{ $text }": type whole grams or kilograms, e.g. 350 or 0.35 kg

transport-weights-ask = Weight of one piece of the items of "{ $title }". Send lines "number weight" (grams, or "kg"), one per item, e.g.:
    1 350
    2 0.5 kg
transport-weights-item = { $number }. { $name }{ $article } — { $weighed ->
    [yes] { $grams } g
   *[no] no weight yet
}
transport-weights-bad = Weights not saved; correct them and send again:
    { $errors }
transport-weights-line = line { $line }: { $error }
transport-weights-saved = Weights saved: { $count } { $count ->
    [one] item
   *[other] items
}.

transport-buyer-share = 🚚 { $correction ->
    [yes] The transport costs of "{ $title }" were recalculated: the share of order { $number } was { $old }, now { $share }.
   *[no] The goods of "{ $title }" have arrived; the delivery cost { $cost }. The share of order { $number } ({ transport-basis-name }): { $share }.
}
    The order now costs { $due }: { $state }.
transport-reminder = 🚚 Reminder: the transport costs of "{ $title }" are still to be paid.
    { $orders }
transport-reminder-order = • Order { $number }: { $to_report } due (transport { $share })

transport-order-line = Including transport costs: { $share }.

## Exports: the supplier order (the supplier XLSX file's second sheet)

transport-export-order-sheet = Supplier order
transport-export-order-columns = Article|Item|Size|Quantity
transport-export-order-heading = Order for the supplier { $supplier }: purchase "{ $title }" (#{ $id })

## Reconciliation: the transport column

payments-rec-col-transport = Transport, ₽

## An item's weight in its line (the fifth field)

purchase-admin-item-error-weight = the weight of one piece: whole grams or kilograms, from 1 g to { $max } g, e.g. 350 or 0.35 kg
purchase-admin-items-weight-hint = A fifth field may give the weight of one piece (to split the delivery by weight): Платье синее; 1290; 42,44,46; PL-15; 350 g
