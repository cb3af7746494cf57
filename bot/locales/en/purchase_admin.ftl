## The organizer's purchases: creating, items, statuses, orders, exports.

cmd-newpurchase = new purchase (step by step or in one line)
cmd-mypurchases = my purchases
cmd-purchase = a purchase by number: /purchase 12

purchase-admin-status = { $status ->
    [draft] draft
    [open] collecting orders
    [stopped] stopped
    [payment] payment
    [ordered] ordered from the supplier
    [arrived] arrived
    [distribution] distribution
    [closed] closed
   *[cancelled] cancelled
    }
purchase-admin-move = { $status ->
    [open] Open for orders
    [stopped] Stop
    [payment] Start payment
    [ordered] Ordered from the supplier
    [arrived] Goods arrived
    [distribution] Start distribution
    [closed] Close the purchase
   *[cancelled] Cancel the purchase
    }

purchase-admin-button-card = « To the purchase
purchase-admin-button-skip = Skip
purchase-admin-button-one-by-one = One by one
purchase-admin-button-paste = As a list
purchase-admin-button-done = Done
purchase-admin-button-add-items = Add items
purchase-admin-button-new = New purchase
purchase-admin-button-items = Items ({ $count })
purchase-admin-button-orders = Orders ({ $count })
purchase-admin-button-exports = Exports
purchase-admin-button-mine = « My purchases
purchase-admin-button-yes = Yes
purchase-admin-button-no = No
purchase-admin-button-retire-item = Retire #{ $number }
purchase-admin-button-restore-item = Restore #{ $number }
purchase-admin-button-supplier-csv = Supplier, CSV
purchase-admin-button-supplier-xlsx = Supplier, XLSX
purchase-admin-button-distribution-csv = Distribution, CSV
purchase-admin-button-distribution-xlsx = Distribution, XLSX
purchase-admin-button-stale = This button no longer fits. Start again with a command, e.g. /mypurchases.

purchase-admin-not-found = You have no such purchase. Your purchases: /mypurchases.
purchase-admin-item-not-found = There is no such item in your purchases. Your purchases: /mypurchases.
purchase-admin-bad-id = Type the purchase number in digits, e.g. /purchase 12. Your purchases: /mypurchases.
purchase-admin-items-locked = Items change only in a draft or while collecting orders; this purchase is now "{ $status }".

## A new purchase step by step.
# The one-line form, with a stop a week ahead and a payment deadline four days after it.
purchase-admin-form-example = /newpurchase Title; Supplier; Category; fee 15%; stop { DAY(7) }; pay { DAY(11) }; min 30000
purchase-admin-ask-title =
    A new purchase. What is it called? For example: "Orby kids' clothes, autumn".
    Faster, in one line: { purchase-admin-form-example }
    Leave with /cancel.
purchase-admin-ask-description = A description for buyers: terms, timing, size chart. You may skip this.
purchase-admin-ask-supplier = The supplier (name or site). You may skip this.
purchase-admin-ask-category = Category: pick a button or type your own.
purchase-admin-ask-fee = Organizer fee in percent: pick a button or type it, e.g. "12.5".
purchase-admin-ask-stop =
    Stop date: the last day orders are taken (inclusive, Moscow time).
    For example: { DAY(7) }, { DAY(7, style: "short") } or { DAY(7, style: "iso") }.
purchase-admin-ask-pay = Pay by which day? Not before the stop date ({ $stop }).
purchase-admin-ask-min = The supplier's minimum to buy out: a sum (e.g. 30000) or pieces (e.g. 50 pcs). You may skip this.

purchase-admin-category-clothes = Clothes
purchase-admin-category-shoes = Shoes
purchase-admin-category-kids = Kids
purchase-admin-category-beauty = Beauty
purchase-admin-category-home = Home
purchase-admin-category-food = Food
purchase-admin-category-other = Other

purchase-admin-error-title = The title must be { $min } to { $max } { $max ->
        [one] character
       *[other] characters
    }, one line, with no links. Please try again.
purchase-admin-error-supplier = The supplier must be up to { $max } { $max ->
        [one] character
       *[other] characters
    }, one line. Please try again.
purchase-admin-error-category = The category must be up to { $max } { $max ->
        [one] character
       *[other] characters
    }, one line, with no links. Please try again.
purchase-admin-error-description = The description must be up to { $max } { $max ->
        [one] character
       *[other] characters
    }, with no control characters. Please try again.
purchase-admin-error-fee-empty = Type the organizer fee in percent, e.g. 15.
purchase-admin-error-fee-not_a_number = The fee is a number of percent, e.g. 15 or 12.5.
purchase-admin-error-fee-negative = The fee cannot be negative.
purchase-admin-error-fee-too_large = A fee above { $max }% looks like a typo. Please type it again.
purchase-admin-error-fee-too_precise = At most two decimals in the fee, e.g. 12.5.
purchase-admin-error-fee-zero = The fee cannot be zero.
purchase-admin-error-min-empty = Type an amount, e.g. 30000, or pieces, e.g. 50 pcs, or skip this step.
purchase-admin-error-min-not_a_number = I didn't understand the minimum. Type a sum, e.g. 30000 or 30000.50, or pieces, e.g. 50 pcs.
purchase-admin-error-min-negative = The amount cannot be negative.
purchase-admin-error-min-zero = The minimum must be above zero, or skip this step.
purchase-admin-error-min-too_large = An amount above { $max } looks like a typo.
purchase-admin-error-min-too_precise = At most two decimals (kopecks) in an amount.
purchase-admin-error-date-format = I didn't understand the date. Type e.g. { DAY(7) }, { DAY(7, style: "short") } or { DAY(7, style: "iso") }.
purchase-admin-error-date-invalid = There is no such date in the calendar. Check the day and month.
purchase-admin-error-date-past = That date has passed. The earliest possible is { $today }.
purchase-admin-error-date-too-far = That date is too far away: more than two years ahead. Check the year.
purchase-admin-error-pay-before-stop = The payment deadline cannot be before the stop date ({ $stop }).
purchase-admin-error-form-parts =
    Some parts are missing. The one-line format:
    { purchase-admin-form-example }
    Supplier and category may be "-"; the minimum is optional. Or just /newpurchase and I'll ask step by step.
purchase-admin-error-form-unknown = I didn't understand "{ $part }". After title, supplier and category come: fee …, stop …, pay …, min ….
purchase-admin-error-form-missing = The { $field ->
    [fee] organizer fee is missing: add "fee 15%"
    [stop] stop date is missing: add "stop { DAY(7) }"
   *[pay] payment deadline is missing: add "pay { DAY(11) }"
    }.
purchase-admin-error-form-twice = "{ $part }" is given twice. Keep one.

purchase-admin-created =
    Purchase #{ $id } "{ $title }" is created as a draft: buyers don't see it yet.
    Fee { $fee }, stop { $stop }, pay by { $pay } (dates end at midnight Moscow time).

## Items.
purchase-admin-items-ask-paste =
    Add items to "{ $title }": one per line, fields separated by semicolons:
    Name; price; sizes separated by commas; article
    For example:
    Blue dress; 1290; 42,44,46; PL-15
    Scarf; 590
    You can send a photo with such a line as its caption: the photo goes with that item.
    If the list has errors, nothing is added: I'll show the wrong lines.
purchase-admin-items-photo-caption = Add the item's line as the photo caption, e.g. "Blue dress; 1290; 42,44,46".
purchase-admin-items-photo-one = One photo is one item: the caption must be a single line.
purchase-admin-items-line-error = Line { $line }: { $error }
purchase-admin-items-rejected =
    Nothing added: { $errors ->
        [one] { $errors } line
       *[other] { $errors } lines
    } of { $lines } with errors.
    { $details }
    Fix them and send the list again. Leave with /cancel.
purchase-admin-items-added = Items added: { $added }. The purchase has { $total } now. Send more or press "Done".
purchase-admin-item-invalid = { $error } Please try again.
purchase-admin-item-ask-name = The item's name:
purchase-admin-item-ask-price = The price of "{ $name }" in rubles, e.g. 1290 or 1,290.50:
purchase-admin-item-ask-sizes = Sizes or variants separated by commas, e.g. 42,44,46 or red, blue. You may skip this.
purchase-admin-item-ask-article = The supplier's article number. You may skip this.
purchase-admin-item-ask-photo = A photo of the item. You may skip this.
purchase-admin-item-photo-expected = I need a photo: send an image or skip this step.
purchase-admin-item-added = "{ $name }" at { $price } added ({ $total } items now). Send the next item's name, or "Done".

purchase-admin-item-error-name = the name must be { $min } to { $max } { $max ->
        [one] character
       *[other] characters
    }, with no links.
purchase-admin-item-error-price-missing = no price. The format: Name; price; sizes; article.
purchase-admin-item-error-price-empty = no price.
purchase-admin-item-error-price-not_a_number = the price is not a number (e.g. 1290 or 1,290.50).
purchase-admin-item-error-price-negative = the price cannot be negative.
purchase-admin-item-error-price-zero = the price must be above zero.
purchase-admin-item-error-price-too_large = a price above { $max } looks like a typo.
purchase-admin-item-error-price-too_precise = at most two decimals in a price.
purchase-admin-item-error-sizes-too-many = more than { $max } { $max ->
        [one] size
       *[other] sizes
    }.
purchase-admin-item-error-size-bad = the size "{ $size }" doesn't fit (up to { $max } { $max ->
        [one] character
       *[other] characters
    }, no links).
purchase-admin-item-error-article = the article must be up to { $max } { $max ->
        [one] character
       *[other] characters
    }, one line.
purchase-admin-item-error-fields-too-many = more than five fields. The format: Name; price; sizes; article; weight.
purchase-admin-item-error-paste-empty = the list is empty.
purchase-admin-item-error-paste-too-long = at most { $max } { $max ->
        [one] line
       *[other] lines
    } at a time.
purchase-admin-item-error-purchase-full = a purchase holds up to { $max } { $max ->
        [one] item
       *[other] items
    }; { $left } { $left ->
        [one] more item
       *[other] more items
    } can be added.

purchase-admin-items-empty = No items yet.
purchase-admin-items-title = Items of "{ $title }" ({ $total }), page { $page } of { $pages }:
purchase-admin-item-article = art. { $article }
purchase-admin-item-retired = retired
purchase-admin-item-retired-now = "{ $name }" is retired: no new orders for it.
purchase-admin-item-restored = "{ $name }" can be ordered again.

## My purchases and the card.
purchase-admin-mine-empty = You have no purchases yet. Create the first one: /newpurchase.
purchase-admin-mine-title = My purchases ({ $total }), page { $page } of { $pages }:
purchase-admin-mine-entry = #{ $id } "{ $title }": { $status }, buyers: { $buyers }
purchase-admin-card =
    Purchase #{ $id }: { $title }
    Status: { $status }
    Supplier: { $supplier }
    Category: { $category }
    Organizer fee: { $fee }
    Stop: { $stop }; pay by: { $pay }
    Items: { $items }{ $retired ->
        [0] {""}
       *[other] {" "}(and retired: { $retired })
    }
    Buyers: { $buyers }, orders: { $orders }
    Items worth { $items_sum }, fee { $fee_sum }, discounts { $discount }
    Due: { $due }; paid (confirmed): { $paid }
    Link for buyers: { $link }
purchase-admin-card-money-open = Buyers still owe: { $owed }{ $has_awaiting ->
        [yes] ; awaiting confirmation: { $awaiting }
       *[no] {""}
    }{ $has_refund ->
        [yes] ; to refund: { $refund }
       *[no] {""}
    }

## Statuses.
purchase-admin-status-stale = The purchase is already "{ $status }": this step is not available now. Open it again: /mypurchases.
purchase-admin-open-needs-items = Add at least one item before opening the purchase for orders.
purchase-admin-move-confirm =
    Move "{ $title }" to "{ $status }"?{ $cancel ->
        [yes] {" "}A cancelled purchase cannot be reopened.
       *[no] {""}
    }
    { $buyers ->
        [0] No orders yet: nobody to notify.
       *[other] Buyers with orders ({ $buyers }) will be notified.
    }
purchase-admin-moved = Done: the status is "{ $status }". Buyers notified: { $notified }.

purchase-admin-notify-open = The purchase "{ $title }" is open for orders.
purchase-admin-notify-stopped = Stop in "{ $title }": no new orders. Your order { $numbers } is counted; we'll tell you the sum to pay.
purchase-admin-notify-payment =
    "{ $title }": time to pay for order { $numbers }.
    Due: { $due }, by { $deadline }. Report your payment with /pay.
purchase-admin-notify-ordered = "{ $title }": the organizer has ordered the goods from the supplier. Your order { $numbers } is on its way.
purchase-admin-notify-arrived =
    "{ $title }": the goods have arrived; distribution is coming. Order { $numbers }.
    { $pickup_known ->
        [yes] Pickup point:
    { $pickup }
       *[no] The organizer will tell you where to pick it up.
    }
purchase-admin-notify-distribution =
    "{ $title }": distribution! You can pick up order { $numbers }.
    { $pickup_known ->
        [yes] Where:
    { $pickup }
       *[no] The organizer will tell you where to pick it up.
    }
purchase-admin-notify-closed = The purchase "{ $title }" is closed. Thank you for taking part! Your orders: /orders.
purchase-admin-notify-cancelled = The organizer cancelled "{ $title }"; order { $numbers } will not be fulfilled. If you have already paid, the organizer will return the money.

## Orders and exports.
purchase-admin-orders-empty = No orders in this purchase yet.
purchase-admin-orders-title = Orders of "{ $title }" ({ $total }), page { $page } of { $pages }:
purchase-admin-order-entry = { $number }. { $order } · { $buyer } · { $pieces } pcs · due { $due }{ $discounted ->
    [yes] { " " }(discount { $discount }{ $has_code ->
        [yes] { " " }with promo code { $code }
       *[no] {""}
    })
   *[no] {""}
}, paid { $paid } · { $pickup }
purchase-admin-order-note = {"   "}✎ { $item }: { $note }
purchase-admin-order-notes-more = {"   "}…and { $count } more { $count ->
    [one] note
   *[other] notes
}: all of them are in the distribution export
purchase-admin-no-pickup = no pickup point
purchase-admin-exports = Order exports for "{ $title }": for the supplier (by item and size) and for distribution (by pickup point and buyer).
purchase-admin-export-supplier-sheet = Supplier
purchase-admin-export-distribution-sheet = Distribution
purchase-admin-export-supplier-columns = Item|Article|Size|Quantity|Price|Sum|Buyers' notes
purchase-admin-export-distribution-columns = Pickup point|Buyer|Contact|Order|Item|Article|Size|Quantity|Price|Sum|Note|Order items|Organizer fee|Discount|Promo code|Transport|Due|Paid|Still owed|To refund
purchase-admin-export-total = Total
purchase-admin-export-empty = No orders yet: nothing to export.
purchase-admin-export-ready = { $shape ->
    [supplier] Supplier order
   *[distribution] Distribution list
    } for "{ $title }", orders: { $orders }.

## Purchase dates (handlers/organizer/dates.py) and the automatic stop (bot/services/purchases.py).
purchase-admin-button-dates = 📅 Dates
purchase-admin-dates-menu = Dates of “{ $title }”: stop { $stop }, payment by { $pay }. What to change?
purchase-admin-button-date-stop = 📅 Change the stop date
purchase-admin-button-date-pay = 📅 Change the payment deadline
purchase-admin-button-open-card = Open the purchase
purchase-admin-date-ask-stop =
    New stop date for "{ $title }": the last day orders are taken (inclusive, Moscow time). Now: { $current }; pay by { $pay }.
    For example: { DAY(7) }, { DAY(7, style: "short") } or { DAY(7, style: "iso") }. To leave: /cancel.
purchase-admin-date-ask-pay =
    New payment deadline for "{ $title }". Now: { $current }; not before the stop date ({ $stop }).
    For example: { DAY(11) }, { DAY(11, style: "short") } or { DAY(11, style: "iso") }. To leave: /cancel.
purchase-admin-date-locked = { $field ->
    [stop] The stop date can be changed only in a draft and while orders are collected
   *[pay] The payment deadline can be changed until the goods are ordered from the supplier
    }, and the purchase is now "{ $status }".
purchase-admin-date-stop-passed = The stop date has come ({ $stop }): ordering is closed and the purchase is stopping now. This date can no longer be moved.
purchase-admin-date-stop-after-pay = The stop date cannot be after the payment deadline ({ $pay }). Type a date no later, or move the payment deadline first.
purchase-admin-date-stop-saved = Done: "{ $title }" stops on { $stop } (end of the day, Moscow time).
purchase-admin-date-pay-saved = Done: "{ $title }" is to be paid by { $pay } (end of the day, Moscow time).
purchase-admin-open-stop-passed = The stop date ({ $stop }) has passed: orders would close at once. Move it first with "Change the stop date".
purchase-admin-auto-stopped =
    ⏰ Stop in purchase #{ $id } "{ $title }": its stop date ({ $stop }) has come, and orders are closed automatically.
    Orders: { $orders }, buyers: { $buyers }, items worth { $items_sum }. Buyers with orders have been told.
purchase-admin-stop-moved = 📅 The stop date of «{ $title }» has moved: orders are taken and changed until { $stop } (Moscow time).
