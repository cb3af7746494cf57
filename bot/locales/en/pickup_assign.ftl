## The organizer assigns pickup points to a purchase's orders (handlers/organizer/pickup.py).

pickup-assign-button-open = 📍 Pickup points{ $unassigned ->
    [0] {""}
   *[other] { " " }({ $unassigned } without)
}
pickup-assign-button-orders = « To the orders
pickup-assign-button-back = « To pickup points
pickup-assign-button-all = All without a point → { $point }
pickup-assign-button-yes = Yes, assign
pickup-assign-button-no = No

pickup-assign-title =
    Pickup points of the orders in "{ $title }": { $total } orders, { $unassigned } without a point.
    Press an order to choose its point. Page { $page } of { $pages }:
pickup-assign-entry = { $number }. { $order } · { $buyer } · { $pickup }
pickup-assign-choose = Order { $order } ({ $buyer }) in "{ $title }": where to pick it up? ✓ marks the current point.
pickup-assign-same = Order { $order } is already at "{ $point }".
pickup-assign-done = Done: order { $order } ({ $buyer }) goes to "{ $point }". The buyer has been notified.
pickup-assign-all-confirm =
    Assign { $count } { $count ->
        [one] order
       *[other] orders
    } without a pickup point to
    { $point }?
    The buyers ({ $buyers }) will be notified.
pickup-assign-all-done = Done: "{ $point }" assigned to { $count } { $count ->
    [one] order
   *[other] orders
}. Buyers notified: { $buyers }.
pickup-assign-none-unassigned = No orders in this purchase are without a pickup point.
pickup-assign-no-orders = "{ $title }" has no orders, so there is nothing to assign.
pickup-assign-no-points = You have no active pickup points. Add one: /organizer → "Pickup points".
pickup-assign-purchase-over = "{ $title }" is { $status }: pickup points no longer change.
pickup-assign-point-unknown = That is not one of your active pickup points. Choose a point with a button from the last message.
pickup-assign-order-unknown = There is no such live order in this purchase. The purchase's orders are in its orders list.

pickup-assign-notify =
    📍 "{ $title }": the organizer assigned the pickup point for { $count ->
        [one] order
       *[other] orders
    } { $numbers }:
    { $point }
