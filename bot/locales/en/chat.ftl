## Buyer–organizer chat, claims and moderation (issue 19).

cmd-chat = write to the organizer about an order
cmd-claim = a claim: defect, wrong item, missing item
cmd-chats = chats with buyers and claims
cmd-moderation = chat violations and suspensions

# --- moderation ---
chat-rule = { $rule ->
    [contacts] exchanging contacts or personal data (phones, e-mails, cards, addresses, handles and profile links) is not allowed — all messages go through the bot
    [links] links to other sites, shops or platforms are not allowed
    [abuse] insults, obscene language and threats are not allowed
    [one_word] organizers answer buyers in full sentences, not with one word
    [disparage] organizers may not disparage the service
   *[other] the message breaks the chat rules
    }
chat-blocked = ⛔ Message not sent: { chat-rule }. Found: { $detail ->
    [phone] a phone number
    [email] an e-mail address
    [url] a link
    [one_word] a one-word answer
   *[other] { $detail }
    }. Please edit the text and send it again.
chat-suspended = ⛔ Your chats are suspended until { $until } (Moscow time) after repeated rule violations. If this is a mistake, the service admin can lift it.
chat-suspended-now = ⛔ This is not the first violation: your chats are suspended until { $until } (Moscow time). The service admin has been told.
chat-admin-suspended = ⛔ Chats suspended until { $until } (Moscow time): { $who } ({ $role ->
    [organizer] organizer
   *[other] buyer
    }), violations in a row: { $strikes }. Details and lifting: /moderation

# --- a thread ---
chat-button-reply = ✍ Reply
chat-button-order = No. { $number } · { $title }
chat-no-orders = You have no active orders, so there is nothing to write to an organizer about yet. Orders: /orders
chat-pick-order = Which order do you want to write to the organizer about?
claim-pick-order = Which order is the claim about?
chat-order-unknown = There is no such order among yours.
chat-order-typed-unknown = Order "{ $number }" is not among your active orders. Pick an order with a button: /chat
chat-unknown = This conversation is not among yours.
chat-history-line = { $when } { $author ->
    [me] You
    [organizer] { $organizer }
   *[other] Buyer
    }: { $text }{ $photos ->
    [0] {""}
    [one] {" "}🖼 { $photos } photo
   *[other] {" "}🖼 { $photos } photos
    }
chat-thread = { $kind ->
    [claim] 📝 Claim
   *[other] 💬 Conversation
    } about order No. { $number } ("{ $title }"){ $side ->
    [buyer] {" "}with the organizer { $organizer }
   *[other] {""}
    }.
    { $count ->
    [0] No messages yet.
   *[other] Latest messages:
    { $history }
    }

    Write your message (up to { $max } characters; a photo with a caption works too). Contacts and links are not let through: you talk through the bot only. Leave: /cancel
chat-too-long = Too long: { $length } characters, the limit is { $max }. Please shorten it and send again.
chat-empty = The message is empty: write some text or send a photo.
chat-sent = ✅ Sent { $side ->
    [buyer] to the organizer. The answer will come here; organizers answer within { $days ->
        [one] { $days } day
       *[other] { $days } days
    }.
   *[other] to the buyer of order No. { $number }.
    }
chat-relayed = { $kind ->
    [claim] 📝 Claim about order No. { $number } ("{ $title }")
   *[other] 💬 Order No. { $number } ("{ $title }")
    }{ $side ->
    [buyer] {" "}— the buyer writes:
   *[other] {" "}— { $organizer } answers:
    }
    { $text }
chat-photo-only = (a photo without a caption)
chat-photo-elsewhere = (a photo from another platform came with this message; it cannot be shown here)

# --- /chats ---
chat-org-none = No buyer has written to you yet.
chat-org-title = 💬 Chats with buyers{ $waiting ->
    [0] : everyone has an answer.
   *[other] : { $waiting } awaiting an answer.
    } Longest waiting first:
chat-wait = { $unit ->
    [minutes] { $waited ->
        [one] { $waited } minute
       *[other] { $waited } minutes
    }
    [hours] { $waited ->
        [one] { $waited } hour
       *[other] { $waited } hours
    }
   *[days] { $waited ->
        [one] { $waited } day
       *[other] { $waited } days
    }
    }
chat-org-entry = { $position }. { $kind ->
    [claim] 📝 claim
   *[other] 💬
    } No. { $number } "{ $title }" — { $waiting ->
    [yes] waiting for { chat-wait }
   *[other] { $status ->
        [resolved] closed
        [escalated] with the service admin
       *[other] answered
    }
    }
chat-button-open = { $position }. No. { $number }

# --- answer deadlines ---
chat-deadline-reminder = ⏰ A buyer has waited { $waited ->
    [one] { $waited } day
   *[other] { $waited } days
    } for your answer about order No. { $number } ("{ $title }"). Please answer by { $due } (Moscow time): { $left ->
    [one] { $left } day
   *[other] { $left } days
    } left, then the conversation goes to the service admin and counts as a violation.
chat-deadline-overdue = ⚠ The buyer of order No. { $number } got no answer within { $days ->
    [one] { $days } day
   *[other] { $days } days
    }. The conversation went to the service admin and a violation was recorded. Please answer the buyer as soon as you can.
chat-deadline-buyer = The organizer did not answer about order No. { $number } within { $days ->
    [one] { $days } day
   *[other] { $days } days
    }. We passed it on to the service admin, who will look into it.
chat-admin-overdue = ⚠ An answer to a buyer is overdue: organizer { $organizer }, order No. { $number } ("{ $title }"), no answer for { $days ->
    [one] { $days } day
   *[other] { $days } days
    }. A violation was recorded: /moderation

# --- claims ---
claim-no-lines = This order has no items to attach a claim to.
claim-button-line = { $item } · { $size } · { $quantity } pcs
claim-pick-line = Order No. { $number }: which item is the claim about?
claim-problem = { $problem ->
    [defect] 🔧 Defective
    [wrong] 🔄 Wrong item
   *[missing] 📦 Missing (not delivered)
    }
claim-ask-problem = "{ $item }": what is wrong?
claim-stale = This button belongs to another form. Start the claim again: /claim
claim-ask-text = Describe what is wrong{ $problem ->
    [defect] {" "}with the item
   *[other] {""}
    } (up to { $max } characters).
claim-text-empty = Please describe the problem in words: it helps the organizer.
claim-ask-photos = { $required ->
    [yes] Send photos of the defect, at least one
   *[other] Send photos if you have any
    } (up to { $max }). Received: { $count }. When you are done, press "Done".
claim-button-photos-done = ✅ Done
claim-photo-expected = Waiting for a photo. When you are done, press "Done".
claim-photos-full = That is { $max } photos already, the maximum. Press "Done".
claim-photo-required = A claim about a defect needs at least one photo. Send it, then press "Done".
claim-wish = { $wish ->
    [refund] 💸 Money back
    [compensation] 💰 Partial compensation
    [replacement] 🔁 Replacement
   *[missing] 📦 Deliver the missing part
    }
claim-ask-wish = What would you like?
claim-sent = 📝 Your claim about order No. { $number } went to the organizer. They answer within { $days ->
    [one] { $days } day
   *[other] { $days } days
    }; the decision will come here. To add something: /chat
claim-photo-caption = 📝 Claim about order No. { $number }: photo { $position } of { $total }
claim-problem-text = { $problem ->
    [defect] defective
    [wrong] wrong item
   *[missing] missing item
    }
claim-wish-text = { $wish ->
    [refund] money back
    [compensation] partial compensation
    [replacement] replacement
   *[missing] deliver the missing part
    }
claim-to-organizer = 📝 Claim about order No. { $number } ("{ $title }")
    Item: { $item }, size { $size }, { $quantity } pcs.
    Problem: { claim-problem-text }. The buyer wants: { claim-wish-text }.
    "{ $text }"{ $photos ->
    [0] {""}
   *[other] {" "}(photos: { $photos })
    }
    Your decision:
claim-decision-button = { $decision ->
    [refund] 💸 Full refund
    [comp] 💰 Partial compensation
    [replace] 🔁 Replacement
    [missing] 📦 Deliver the missing part
   *[reject] ✖ Reject
    }
claim-decision-text = { $decision ->
    [full_refund] full refund for the item: { $amount }
    [partial_compensation] partial compensation: { $amount }
    [replacement] the item is replaced
    [deliver_missing] the missing part is delivered
   *[rejected] the claim is rejected. Reason: { $reason }
    }
claim-escalated = The claim is with the service admin, who decides it.
claim-decided = This claim has already been decided.
claim-ask-amount = How much compensation? Type an amount in rubles, e.g. 500 (at most { $most }).
claim-amount-invalid = I could not read the amount. Type a number of rubles, e.g. { $example }.
claim-amount-too-large = That is more than the order costs after other compensations: at most { $most }.
claim-ask-reason = Write the reason for rejecting (up to { $max } characters); the buyer will see it.
claim-reason-empty = The reason is empty: please write it in words.
claim-decided-to-buyer = { $final ->
    [yes] ⚖ The service admin decided
   *[other] 📝 { $organizer } answered
    } your claim about order No. { $number } ("{ $title }"): { claim-decision-text }.{ $decision ->
    [full_refund] {" "}To be refunded for the order: { $refund }; still to pay: { $owed }.
    [partial_compensation] {" "}To be refunded for the order: { $refund }; still to pay: { $owed }.
   *[other] {""}
    }{ $final ->
    [yes] {""}
   *[other] {" "}Agree: "Accept". Disagree: pass it to the service admin.
    }
claim-button-accept = ✅ Accept
claim-button-escalate = ⚖ To the admin
claim-admin-decided-to-organizer = ⚖ The service admin decided the claim about order No. { $number } ("{ $title }"): { claim-decision-text }.
claim-decided-done = Decision recorded: { claim-decision-text }.{ $decision ->
    [full_refund] {" "}To be refunded for the order: { $refund }; pay it out in /reconcile.
    [partial_compensation] {" "}To be refunded for the order: { $refund }; pay it out in /reconcile.
   *[other] {""}
    }
claim-not-decided = The organizer has not decided yet.
claim-closed = This claim { $status ->
    [escalated] is already with the service admin
   *[other] is already settled
    }.
claim-accepted = ✅ You accepted the decision about order No. { $number }. The claim is closed.
claim-escalated-done = ⚖ Your claim about order No. { $number } went to the service admin. Their decision will come here.
claim-admin-escalated = ⚖ A buyer disagrees with a claim decision: order No. { $number } ("{ $title }"), item { $item }, size { $size }, { $quantity } pcs.
    Problem: { claim-problem-text }. Wants: { claim-wish-text }.
    "{ $text }"
    Buyer: { $buyer }. Organizer: { $organizer }.
    The organizer's decision: { claim-decision-text }.
    Your decision:

# --- /moderation ---
moderation-title = { $count ->
    [0] No violations yet.
   *[other] Recent violations:
    }
moderation-entry = { $position }. { $when } · { $rule } · { $source } · { $who }, { $role ->
    [organizer] organizer
   *[other] buyer
    }{ $false ->
    [yes] {" "}· false block
   *[other] {""}
    }
    "{ $excerpt }"
moderation-suspended-title = Chats suspended ({ $count }):
moderation-suspended-entry = • { $who } — until { $until } (Moscow time)
moderation-button-false = False { $position }
moderation-button-lift = Lift: { $name }
moderation-button-export = ⬇ False blocks (CSV)
moderation-unknown = There is no such violation.
moderation-already-false = This violation is already marked as a false block.
moderation-marked-false = Marked as a false block, the strike taken back: "{ $excerpt }". The case is kept for tuning the word lists.
moderation-not-suspended = This person's chats are not suspended.
moderation-lifted = Suspension lifted: { $who }.
moderation-lifted-to-user = ✅ The service admin lifted the suspension: you can write through the bot again.
moderation-export-none = No false blocks yet.
moderation-export-caption = False blocks: { $count }.
moderation-claims-title = Claims awaiting your decision: { $count }.
moderation-button-claim = ⚖ Claim No. { $number }
moderation-claim-gone = This claim no longer awaits your decision.
moderation-claim = ⚖ Claim about order No. { $number } ("{ $title }").
    The organizer's decision: { claim-decision-text }.
    { $history }
    Your decision:
