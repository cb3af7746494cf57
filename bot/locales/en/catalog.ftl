## The buyer's catalogue: open purchases, a purchase's card, a purchase link.

cmd-purchases = open purchases

catalog-empty = There are no open purchases right now. Please look again later!
catalog-list-title = Open purchases ({ $total }), page { $page } of { $pages }:
catalog-list-entry = { $number }. { $title } by { $organizer }, fee { $fee }, orders until { $stop }
catalog-no-stop-date = no date set
catalog-button-back = ← Purchases
catalog-button-order = 🛒 Order
catalog-button-comment = 💬 Comment

catalog-card-title = 🛍 { $title }
catalog-card-organizer = Organizer: { $name }
catalog-card-supplier = Supplier: { $supplier }
catalog-card-category = Category: { $category }
catalog-card-fee = Organizer fee: { $fee }
catalog-card-stop = Orders until: { $date }
catalog-card-status = { $status ->
    [stopped] Orders are stopped.
    [payment] Orders are closed; payment is under way.
    [ordered] Orders are closed; the goods are ordered from the supplier.
    [arrived] Orders are closed; the goods have arrived.
    [distribution] Orders are closed; the goods are being handed out.
    [closed] The purchase is finished.
    [cancelled] The purchase was cancelled.
    [draft] Draft: buyers cannot see it yet.
   *[other] Orders are closed.
}
catalog-card-items = { $count ->
    [0] No items yet.
   *[other] Items:
}
catalog-card-sizes = sizes: { $sizes }
catalog-card-more-items = …and { $count } more, all shown when you order.
catalog-card-your-order = Your order in this purchase: { $number }. { $can_change ->
        [yes] Change it with "Order" or in /orders.
       *[no] Orders are closed, so it can no longer change; its lines and sum are in /orders.
    }

catalog-purchase-not-found = There is no such purchase, or it is not open yet. Open purchases: /purchases.
catalog-link-invalid = This purchase link is damaged. Open the purchase from the list: /purchases.
