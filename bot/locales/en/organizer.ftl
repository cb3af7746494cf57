## Becoming an organizer and the profile: name, photo, description, payment details, pickup points.

organizer-ask-name =
    Let's make you an organizer. How should buyers see you?
    Send a name or title (e.g. "Anna's joint buys"). Leave with /cancel.
organizer-name-invalid = The name must be { $min } to { $max } { $max ->
        [one] character
       *[other] characters
    }, one line, with no links. Please try again.
organizer-registered =
    Done, { $name }, you are an organizer!
    Next: your profile, /organizer.
organizer-profile =
    Organizer profile: { $name }
    Status: { $status ->
        [approved] checked by an admin
        [suspended] suspended
       *[active] active
    }
    Photo: { $photo ->
        [yes] set
       *[no] none
    }
    About: { $about }
    Payment details: { $payment }
    Pickup points: { $pickup_points }
    Pickup point chosen by: { $choose ->
        [yes] the buyers
       *[no] you
    }

organizer-button-name = Name
organizer-button-photo = Photo
organizer-button-about = About
organizer-button-pay = Payment details
organizer-button-points = Pickup points
organizer-button-choose-on = Let buyers choose the pickup point
organizer-button-choose-off = Stop buyers choosing the pickup point
organizer-button-purchases = My purchases
organizer-button-new-purchase = New purchase
organizer-button-back = « Back
organizer-button-clear = Clear
organizer-button-remove-photo = Remove the photo
organizer-button-add-point = Add a pickup point
organizer-button-edit = Edit
organizer-button-retire = Retire
organizer-button-retire-yes = Yes, retire it
organizer-button-no = No
organizer-button-restore = Bring it back
organizer-button-skip = Skip
organizer-button-keep = Keep as is

organizer-ask-new-name =
    Now: { $current }
    Send the new name ({ $min }-{ $max } { $max ->
        [one] character
       *[other] characters
    }, no links). Leave with /cancel.
organizer-ask-photo = Send a photo for your profile (one image). Leave with /cancel.
organizer-photo-expected = I need a photo: please send an image, not text. Leave with /cancel.
organizer-ask-about = A few words about you for buyers: what you bring, how you work (up to { $max } { $max ->
        [one] character
       *[other] characters
    }, no links). Leave with /cancel.
organizer-about-invalid = The description must be up to { $max } { $max ->
        [one] character
       *[other] characters
    }, with no links or control characters. Please try again.
organizer-ask-pay =
    Payment details: buyers see them when they pay for an order.
    For example: "Card 2200 0000 0000 0000, Anna A." (up to { $max } { $max ->
        [one] character
       *[other] characters
    }). Leave with /cancel.
organizer-pay-invalid = Payment details must be up to { $max } { $max ->
        [one] character
       *[other] characters
    }, with no control characters. Please try again.
organizer-saved = Saved.
organizer-choose-on = Buyers now choose their pickup point when they order.
organizer-choose-off = You now assign pickup points; buyers don't choose them.
organizer-button-stale = This button no longer fits. Open your profile again: /organizer.

organizer-points-title = Pickup points (in use: { $count }):
organizer-point-entry = { $number }. { $point }
organizer-point-entry-retired = { $number }. { $point } (retired)
organizer-points-empty = No pickup points yet. Add at least one: buyers will see its address and hours.
organizer-points-buyers-choose = Buyers choose their point.
organizer-points-buyers-assigned = You assign the pickup point.
organizer-point-not-found = You have no such pickup point. See the list in your profile: /organizer.
organizer-point-card =
    Pickup point: { $name }
    Address: { $address }
    Hours: { $hours }
    { $active ->
        [yes] Buyers see it.
       *[no] Retired: buyers don't see it; past orders keep it.
    }
organizer-point-ask-name = The pickup point's name, e.g. "By Sokol metro" ({ $min }-{ $max } { $max ->
        [one] character
       *[other] characters
    }). Leave with /cancel.
organizer-point-ask-name-edit =
    Now: { $current }
    Send the new name ({ $min }-{ $max } { $max ->
        [one] character
       *[other] characters
    }), or keep it.
organizer-point-name-invalid = The name must be { $min } to { $max } { $max ->
        [one] character
       *[other] characters
    }, one line, with no links. Please try again.
organizer-point-ask-address = The pickup point's address: street, building, entrance or landmark.
organizer-point-ask-address-edit =
    Now: { $current }
    Send the new address, or keep it.
organizer-point-address-invalid = The address must be { $min } to { $max } { $max ->
        [one] character
       *[other] characters
    }, one line, with no links. Please try again.
organizer-point-ask-hours = Opening hours, e.g. "Mon-Fri 10-19, Sat 11-16". You may skip this.
organizer-point-ask-hours-edit =
    Now: { $current }
    Send the new hours, or keep them.
organizer-point-hours-invalid = Hours must be up to { $max } { $max ->
        [one] character
       *[other] characters
    }, one line, with no links. Please try again.
organizer-point-added = Pickup point "{ $name }" added.
organizer-point-updated = Pickup point "{ $name }" updated.
organizer-point-retire-confirm = Retire "{ $name }"? Buyers will no longer see it; orders already placed keep it.
organizer-point-retired = "{ $name }" is retired.
organizer-point-restored = "{ $name }" is back in the list.
