## Friendly discounts: /invite, invite links, /promo, /rounds for service admins.

cmd-invite = invite friends and get a discount
cmd-promo = my promo codes
cmd-rounds = friendly discount rounds

referrals-offer = { $discount } off any order
referrals-offer-min = { $discount } off an order of at least { $min }

referrals-button-invite = Invite friends
referrals-button-my-codes = My promo codes
referrals-button-friends = My friends
referrals-button-purchases = Purchases

## /invite

referrals-invite-round =
    🎁 Friendly discounts — round #{ $round }, until { $ends } (Moscow time).
    Invite { $threshold } { $threshold ->
        [one] friend
       *[other] friends
    } and get a personal promo code: { $offer }.
referrals-rule-start = A friend counts when they start the bot for the first time through your link.
referrals-rule-first-order = A friend counts when they start the bot for the first time through your link and place their first order.
referrals-rule-first-payment = A friend counts when they start the bot for the first time through your link and the organizer confirms their first payment.
referrals-invite-progress = Progress: { $count } of { $threshold } { $threshold ->
        [one] friend
       *[other] friends
    }.
referrals-invite-waiting = Still waiting for { $count } { $count ->
        [one] friend
       *[other] friends
    } to act.
referrals-invite-done = You reached this round's goal! Your promo code: { $code } — use it: /promo
referrals-invite-link = Your link: { $link }
referrals-invite-forward-hint = Below is a ready message for your friends: forward it, or copy it and add your own words.
referrals-invite-forward =
    Hi! I order in joint purchases through this bot: orders, payments and pickup — all in one chat.
    Join through my link: { $link }
referrals-invite-none-planned = There is no friendly discount round right now, and the next one is not planned yet. We will let you know when it opens.
referrals-invite-next = There is no friendly discount round right now. The next one opens { $starts } (Moscow time): invite { $threshold } { $threshold ->
        [one] friend
       *[other] friends
    } — { $offer }.

referrals-friends-empty = Nobody has come through your link yet. Send it to your friends: /invite
referrals-friends-title = Your friends ({ $count }), page { $page } of { $pages }:
referrals-friend-unnamed = no name
referrals-friend-counted = ✅ { $name } — counted
referrals-friend-waiting-order = ⏳ { $name } — waiting for their first order
referrals-friend-waiting-payment = ⏳ { $name } — waiting for their first confirmed payment
referrals-friend-refused = ❌ { $name } — not counted: { $reason }
referrals-reason-self = it is your own link
referrals-reason-not-new = used the bot before the invitation
referrals-reason-already-invited = already counted for someone else
referrals-reason-no-round = no round was running then
referrals-reason-round-ended = did not act before the round ended
referrals-reason-voided = voided by an administrator
referrals-reason-unknown-token = the link was not recognized

referrals-friend-counted-note = 🎉 Your friend counted: { $count } of { $threshold } { $threshold ->
        [one] friend
       *[other] friends
    }.

referrals-code-issued =
    🎉 You invited { $threshold } { $threshold ->
        [one] friend
       *[other] friends
    }! Your personal promo code: { $code }
    It is { $offer }, valid until { $until } (Moscow time), for one order.
    Use it on an order: /promo

## A friend arrives through a link

referrals-arrived-counted = You came by a friend's invitation — thank you, they get a bonus for it.
referrals-arrived-waiting-order = You came by a friend's invitation. It counts once you place your first order: /purchases
referrals-arrived-waiting-payment = You came by a friend's invitation. It counts once the organizer confirms your first payment.
referrals-arrived-self = This is your own invite link. Send it to your friends: only new users of the bot count.
referrals-arrived-no-round = There is no friendly discount round right now, so the invitation did not count. The bot is fully at your service anyway.
referrals-arrived-not-new = You already use the bot, so the invitation does not count: it is for new users only. Commands — /help.
referrals-link-unknown = This invite link was not recognized: perhaps it was not copied in full.

## /promo

referrals-promo-none = You have no promo codes yet. Invite friends and get a discount: /invite
referrals-promo-title = Your promo codes:
referrals-promo-entry = { $code } — { $offer }, until { $until } (Moscow time)
referrals-promo-state-open = ready to use
referrals-promo-state-used = used (order { $number })
referrals-promo-state-expired = expired
referrals-promo-how = A code applies to one of your orders. Press "Use" or type /promo CODE.
referrals-promo-button-apply = Use { $code }
referrals-promo-choose-order = Which order should { $code } ({ $offer }) go on?
referrals-promo-order-button = { $number } · { $title } · { $sum }
referrals-promo-no-orders = Nowhere to use { $code } yet: it needs a live order without another code, not fully paid, in a purchase that is not over. Place an order and come back: /promo
referrals-promo-applied = Promo code { $code } is on order { $number }: { $discount } off. Now due: { $due }.

referrals-promo-not-found = You have no such promo code. Check the spelling — /promo shows your codes.
referrals-promo-used = Promo code { $code } is already used: each code works for one order.
referrals-promo-expired = Promo code { $code } expired on { $until } (Moscow time).
referrals-promo-not-started = Promo code { $code } is not valid yet.
referrals-promo-order-not-found = You have no such order. Pick one from the list: /promo
referrals-promo-order-closed = A code cannot go on order { $number }: the order is cancelled or the purchase is over.
referrals-promo-order-paid = Order { $number } is already fully paid — a code cannot go on it.
referrals-promo-order-has-code = Order { $number } already has a promo code: one code per order.
referrals-promo-below-minimum = The code works on orders of at least { $min } (items + organizer fee), and order { $number } is { $sum }. Add items or pick another order.

## Round announcements

referrals-round-opened =
    🎁 Friendly discount round #{ $round } is open!
    Invite { $threshold } { $threshold ->
        [one] friend
       *[other] friends
    } by { $ends } (Moscow time) and get a personal promo code: { $offer }.
    Your link — /invite
referrals-round-closed = Friendly discount round #{ $round } is over. Your promo codes — /promo
referrals-round-next = The next round opens { $starts } (Moscow time): { $threshold } { $threshold ->
        [one] friend
       *[other] friends
    } — { $offer }.

## /rounds: service admins

referrals-status-scheduled = scheduled
referrals-status-open = running
referrals-status-closed = closed
referrals-status-cancelled = cancelled

referrals-action-none = none (starting the bot)
referrals-action-first-order = the friend's first order
referrals-action-first-payment = the friend's first confirmed payment

referrals-duration-zero = at once
referrals-duration-days = { $count } { $count ->
    [one] day
   *[other] days
}
referrals-duration-hours = { $count } { $count ->
    [one] hour
   *[other] hours
}
referrals-duration-minutes = { $count } { $count ->
    [one] minute
   *[other] minutes
}
referrals-series-none = none (a single round)
referrals-series-pause = the next round with the same settings { $pause } after the end

referrals-admin-summary =
    Time: { $starts } — { $ends } (Moscow time)
    Invite: { $threshold } { $threshold ->
        [one] friend
       *[other] friends
    }
    Reward: { $offer }
    Codes valid until: { $codes } (Moscow time)
    Friend must: { $action }
    Series: { $series }
referrals-admin-stats =
    Participants: { $participants }. Friends counted: { $counted }, waiting to act: { $waiting }, flagged: { $flagged }.
    Refused: { $refused }.
    Codes issued: { $codes }, used: { $redeemed }, discounts given: { $discount }.
referrals-admin-refused-entry = { $reason } — { $count }
referrals-admin-refused-none = none

referrals-admin-usage = Usage: /rounds — the rounds; /rounds new — a new round; /rounds 3 — round #3; /rounds credit 15 or /rounds void 15 — count or void invite #15.
referrals-admin-bad-id = "{ $id }" is not a number. Type a number, e.g. 15.
referrals-admin-list-empty = No rounds yet. Create the first one:
referrals-admin-list-title = Friendly discount rounds (latest):
referrals-admin-list-entry = #{ $id } · { $status } · { $starts } — { $ends } (Moscow time)
referrals-admin-round-not-found = There is no round #{ $id }. The list — /rounds
referrals-admin-card-title = Round #{ $id } — { $status }
referrals-admin-button-new = ➕ New round
referrals-admin-button-edit = Edit
referrals-admin-button-cancel = Cancel round
referrals-admin-button-cancel-sure = Yes, cancel
referrals-admin-button-top = Top inviters
referrals-admin-button-flagged = Flagged ({ $count })
referrals-admin-button-list = ← All rounds
referrals-admin-button-back = ← Back
referrals-admin-button-create = ✅ Create round
referrals-admin-button-credit = ✔ #{ $id }
referrals-admin-button-void = ✖ #{ $id }

referrals-admin-ask-start = When should the round open? Date and time in Moscow, e.g. "{ DAY(1) } 10:00", or "now". Leave — /cancel
referrals-admin-ask-end = When should it close? Date and time in Moscow ("{ DAY(8) } 22:00") or a length: "7" (days), "36 h", "2 weeks".
referrals-admin-ask-threshold = How many friends earn a code? A number from 1, { $threshold } by default.
referrals-admin-ask-discount = What discount does the code give? An amount, e.g. "399", or a percent — "10%".
referrals-admin-ask-minimum = Minimum order sum (items + organizer fee), e.g. "400". "0" — no minimum.
referrals-admin-ask-codes = How long do codes stay valid after the round? Days ("30"), a length ("2 weeks") or a date. By default — until the round ends.
referrals-admin-ask-action = What must a friend do to count? With no condition a friend counts on first starting the bot — easier to fake.
referrals-admin-ask-pause = Series: how long after the end should the next round with the same settings open? "3" (days), "12 h" — or "No series".
referrals-admin-default-threshold = { $threshold } (default)
referrals-admin-default-minimum = No minimum
referrals-admin-default-codes = Until the round ends
referrals-admin-default-pause = No series
referrals-admin-confirm = Check the round and press "Create". Leave without saving — /cancel
referrals-admin-use-create = Press "Create round" under the summary, or /cancel to leave.
referrals-admin-form-gone = This form is already closed. Start again: /rounds
referrals-admin-start-passed = While you filled in the form, the start time passed. Type a new start, e.g. "now":
referrals-admin-created = Round #{ $id } created: it opens { $starts } (Moscow time); everyone who allowed notifications hears about it.
referrals-admin-overlap = This time overlaps round #{ $id } ({ $starts } — { $ends } Moscow time): one round runs at a time. Choose another time.

referrals-admin-field-start = Start
referrals-admin-field-end = End
referrals-admin-field-threshold = Friends threshold
referrals-admin-field-discount = Discount
referrals-admin-field-minimum = Minimum order
referrals-admin-field-codes = Codes validity
referrals-admin-field-action = Friend must
referrals-admin-field-pause = Series
referrals-admin-edit-which = What to change in round #{ $id }?
referrals-admin-edited = Round #{ $id } changed.
referrals-admin-not-editable = Round #{ $id } has started or is over: only a round that has not started can be changed.

referrals-admin-cancel-scheduled = Cancel round #{ $id }? It will not open and nobody is told.
referrals-admin-cancel-open = Cancel running round #{ $id }? It closes now, without the series' next round; codes already issued stay valid.
referrals-admin-cancelled = Round #{ $id } cancelled.
referrals-admin-cancel-not-possible = Round #{ $id } is already { $status } — nothing to cancel.

referrals-admin-top-empty = Nobody has invited anyone in round #{ $id } yet.
referrals-admin-top-title = Top inviters, round #{ $id }:
referrals-admin-top-entry = { $place }. { $name } — counted { $counted }, waiting { $waiting }
referrals-admin-top-has-code = 🎟 code issued
referrals-admin-user-not-found = There is no such user.
referrals-admin-user-title = Friends of { $name } in round #{ $id }:
referrals-admin-flagged-empty = No flagged invites in round #{ $id }.
referrals-admin-flagged-title = Flagged in round #{ $id } — many friends in a short time who do nothing. Count (✔) or void (✖):
referrals-admin-flagged-entry = { $inviter } → { $line }
referrals-admin-flag-mark = ⚠️

referrals-admin-invite-not-found = There is no invite #{ $id }.
referrals-admin-credited = Invite #{ $id } counted.
referrals-admin-credited-code = Invite #{ $id } counted; the inviter reached the threshold and got a promo code.
referrals-admin-unflagged = Invite #{ $id } was already counted; the flag is removed.
referrals-admin-voided = Invite #{ $id } voided.
referrals-admin-voided-code-kept = Invite #{ $id } voided. The promo code already issued to the inviter stays valid.
referrals-admin-already-counted = Invite #{ $id } is already counted.
referrals-admin-already-refused = Invite #{ $id } is not counted anyway.
referrals-admin-no-round = Invite #{ $id } came when no round was running: there is no round to count it in.
referrals-admin-self = Invite #{ $id } is through the person's own link: that never counts.
referrals-admin-friend-taken = This friend already counts through invite #{ $other }: a friend has only one inviter.
referrals-admin-round-cancelled = The round of invite #{ $id } was cancelled: there is nothing to count it in.

## Round form errors

referrals-form-moment-format = I did not understand the date. Type e.g. "{ DAY(1) } 10:00" or "{ DAY(1, style: "short") } 10:00" (Moscow time).
referrals-form-moment-invalid = There is no such date or time. Check the day, month and hours.
referrals-form-duration-format = I did not understand the length. Type e.g. "7" (days), "36 h" or "2 weeks".
referrals-form-duration-zero = The length must be more than zero.
referrals-form-duration-too-long = Too long: at most { $days } { $days ->
        [one] day
       *[other] days
    }.
referrals-form-start-past = That time has passed. Type a future time or "now".
referrals-form-start-too-far = Too far ahead: a round can be planned at most two years ahead.
referrals-form-end-too-soon = The end must be at least an hour after the start.
referrals-form-round-too-long = A round cannot last longer than { $days } { $days ->
        [one] day
       *[other] days
    }.
referrals-form-threshold = The threshold is a whole number of friends from 1 to { $max }.
referrals-form-codes-before-end = Codes cannot expire before the round ends. Type a date after the end, or "-".
referrals-form-action = Choose the condition with a button: none, first order or first payment.
referrals-form-amount-empty = Type an amount, e.g. "399".
referrals-form-amount-not-a-number = I did not understand the amount. Type a number, e.g. "399" or "1,500.50".
referrals-form-amount-negative = The amount cannot be negative.
referrals-form-amount-zero = The discount must be more than zero.
referrals-form-amount-too-large = That amount is too large — check for extra digits.
referrals-form-amount-too-precise = At most two digits after the decimal point.
referrals-form-percent-empty = Type a percent, e.g. "10%".
referrals-form-percent-not-a-number = I did not understand the percent. Type e.g. "10%" or "12.5%".
referrals-form-percent-negative = A percent cannot be negative.
referrals-form-percent-zero = The discount must be more than zero.
referrals-form-percent-too-large = A discount cannot be more than 100%.
referrals-form-percent-too-precise = At most two digits after the decimal point in a percent.
referrals-promo-offer = You have a promo code that fits this order: press to apply the discount.
referrals-promo-offer-button = Apply { $code }: −{ $discount }
