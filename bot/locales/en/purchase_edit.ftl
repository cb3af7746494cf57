## Correcting a purchase: "Back" in /newpurchase, editing fields and items, deleting a draft, the archive.

purchase-edit-button-back = « Back
purchase-edit-value-empty = (empty)
purchase-edit-typed-before = Now: { $value }. Type a new value or press a button.
purchase-edit-back-first = This is the first step — there is nothing to go back to. To leave the new purchase: /cancel.

purchase-edit-button-edit = ✏️ Edit
purchase-edit-button-delete = 🗑 Delete draft
purchase-edit-button-delete-yes = Yes, delete
purchase-edit-button-clear = Clear
purchase-edit-button-items = « To items
purchase-edit-button-item = ✏️ #{ $number }
purchase-edit-button-archive = 🗄 Archive ({ $count })

purchase-edit-field = { $field ->
    [title] Title
    [description] Description
    [supplier] Supplier
    [category] Category
    [fee] Organizer fee
    [min] Minimum
   *[pickup] Pickup
    }
purchase-edit-menu =
    What to change in “{ $title }”? { $draft ->
        [yes] It is still a draft, so everything can change.
       *[no] The purchase is “{ $status }”: buyers already see it, so only the description and the pickup change (the dates — with the buttons on the card). Buyers with orders are told of a new pickup.
    }
purchase-edit-menu-entry = • { purchase-edit-field }: { $value }
purchase-edit-nothing = The purchase is “{ $status }” — nothing in it changes any more.
purchase-edit-field-locked = { purchase-edit-field } changes only in a draft, and the purchase is “{ $status }” now. Buyers have seen the terms and ordered by them.
purchase-edit-ask =
    { purchase-edit-field } of “{ $title }”. Now: { $value }
    { $field ->
        [title] Type the new title.
        [description] Type the new description for buyers.
        [supplier] Type the supplier (a name or a website).
        [category] Type the category, e.g. “Clothes”.
        [fee] Type the organizer fee in percent, e.g. 15 or 12.5.
        [min] Type the supplier's minimum to buy out: a sum, e.g. 30 000, or pieces, e.g. 50 pcs.
       *[pickup] Type where and when the goods are handed out, e.g. “Raduga mall, 2nd floor, 10–12 December, 10–20”.
    }{ $clearable ->
        [yes] {" "}To clear it, send “-” or press “Clear”.
       *[no] {""}
    }{ $notified ->
        [yes] {" "}Buyers with orders will be told.
       *[no] {""}
    } Back: type “back” or press the button.
purchase-edit-gone = This purchase is no longer among yours — editing stopped. Your purchases: /mypurchases.
purchase-edit-saved = Done: { purchase-edit-field } of “{ $title }” — { $value }.{ $told ->
    [0] {""}
    [one] {" "}{ $told } buyer with an order was told.
   *[other] {" "}{ $told } buyers with orders were told.
    }
purchase-edit-card-pickup = Pickup: { $note }
purchase-admin-error-pickup = Pickup — up to { $max } characters, no control characters. Please try again.

purchase-edit-delete-confirm =
    Delete the draft “{ $title }”{ $items ->
        [0] {""}
        [one] {" "}with its { $items } item
       *[other] {" "}with its { $items } items
    }? It cannot be restored.
purchase-edit-delete-not-draft = Only a draft can be deleted. This purchase is “{ $status }” — cancel it instead, and it moves to the archive.
purchase-edit-deleted = The draft “{ $title }” is deleted.
purchase-edit-deleted-already = The draft “{ $title }” was deleted — this button no longer works. Your purchases: /mypurchases.
purchase-edit-mine-only-archive = No current purchases — closed and cancelled ones are in the archive. Start a new one: /newpurchase.

purchase-edit-archive-empty = The archive is empty: closed and cancelled purchases go here.
purchase-edit-archive-title = Archive: closed and cancelled purchases ({ $total }), page { $page } of { $pages }:
purchase-edit-archive-entry = #{ $id } “{ $title }” — { $status } { $date }

purchase-edit-item-summary = Item “{ $name }”: price { $price }, sizes: { $sizes }.
purchase-edit-item-field = { $field ->
    [name] Name
    [price] Price
   *[sizes] Sizes
    }
purchase-edit-item-has-orders = This item already has orders: its price, name and sizes do not change.
purchase-edit-item-ask =
    { $summary }
    { $field ->
        [name] Type the new name.
        [price] Type the new price in roubles, e.g. 1290 or 1 290.50.
       *[sizes] Type sizes or variants separated by commas, e.g. 42,44,46; “-” for none.
    } Back: type “back” or press the button.
purchase-edit-item-saved = Done. { $summary }
purchase-edit-item-locked = Items change only in a draft and while orders are collected, and the purchase is “{ $status }” now.
purchase-edit-item-ordered-price =
    The price of “{ $name }” cannot change: the item already has orders, and buyers agreed to { $price }.
    What you can do: add a new item with the new price and retire this one (what was ordered keeps the old price) — or ask the buyers to cancel the ordered lines (e.g. with /broadcast): once the item has no orders, its price can change.
purchase-edit-item-ordered =
    { purchase-edit-item-field } of “{ $name }” does not change: the item already has orders, and buyers chose exactly it.
    Add a new item and retire this one — or ask the buyers to cancel the ordered lines.

purchase-edit-notify-pickup =
    📍 “{ $title }”: the organizer updated the pickup details.
    { $note }
purchase-edit-notify-pickup-cleared = 📍 “{ $title }”: the organizer removed the earlier pickup details — they will tell you where to pick up.
purchase-edit-notify-pay-date = 📅 “{ $title }”: the payment deadline moved to { $deadline } (Moscow time). We will tell you the sum when payment opens.
