## /broadcast: a message to the buyers of a purchase, delivery reports.

cmd-broadcast = message the buyers of a purchase

broadcast-no-purchases = None of your purchases has active orders yet, so there is nobody to write to. A broadcast goes to the buyers with active orders.
broadcast-choose-purchase = Who is it for? Choose a purchase (buyers with orders in brackets):
broadcast-purchase-button = { $title } ({ $buyers })
broadcast-purchase-not-found = You have no such purchase with active orders. Choose a purchase: /broadcast
broadcast-ask-text =
    A broadcast to the buyers of "{ $title }": { $buyers } people.
    Send the text of the message (up to { $limit } { $limit ->
        [one] character
       *[other] characters
    }) or a photo with a caption. To leave: /cancel.
broadcast-text-empty = Send the text of the message or a photo with a caption.
broadcast-text-too-long = Too long: { $length } { $length ->
        [one] character
       *[other] characters
    }, at most { $limit }. Please shorten it and send it again.
broadcast-attachment-unsupported = Only a photo can go with a broadcast. Send a text or a photo with a caption.
broadcast-preview =
    This is what the buyers will see:
    ━━━━━━━━
    { $message }
    ━━━━━━━━
    Will get it: { $recipients }.
    { $not_reached }
    Send it? To replace the text, just send a new one.
broadcast-button-send = ✅ Send ({ $recipients })
broadcast-button-edit = ✏️ Change
broadcast-button-cancel = Cancel
broadcast-nobody-to-send = The purchase has no buyers with active orders any more; nothing was sent.
broadcast-outdated = This broadcast was already sent or cancelled. A new one: /broadcast.
broadcast-queued =
    📣 The broadcast is queued: { $total } { $total ->
        [one] recipient
       *[other] recipients
    }.
    I will send you a delivery report when it is done.
broadcast-message =
    📣 { $organizer } · "{ $title }"

    { $text }
broadcast-button-notify = 🔕 Notification settings
broadcast-progress = 📣 Broadcast "{ $title }": { $done } of { $total } processed, { $sent } delivered.
broadcast-report =
    📣 Broadcast "{ $title }" is done. Recipients: { $total }.
    ✅ Delivered: { $sent }
    🔕 Not delivered, notifications or messages not allowed: { $not_allowed }
    🚫 Unreachable (blocked the bot): { $blocked }
    ⚠️ Not delivered because of an error: { $failed }
