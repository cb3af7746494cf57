## Small fixes (issue 20): whom a notification reaches, an invite link opened again,
## overlapping rounds, PDF receipts, exports.

## Whom a message reaches: one line per reason it will not reach someone.

small-reach-muted = { $count } { $count ->
        [one] buyer will not get it
       *[other] buyers will not get it
    }: notifications are off.
small-reach-unreachable = { $count } { $count ->
        [one] buyer cannot be reached
       *[other] buyers cannot be reached
    } (they blocked the bot): they will not get it.
small-reach-all = Everyone has notifications on.
small-broadcast-nobody-reached = Nobody would get this broadcast: none of the purchase's buyers has notifications on. The broadcast was not sent.

## A friend opened the same invite link again.

small-invite-again = { $status ->
        [counted] You already came by this invite link, and the invite already counts. There is no need to open it again.
        [first_payment] You already came by this invite link. The invite will count once an organizer confirms your first payment.
       *[other] You already came by this invite link. The invite will count once you place your first order: /purchases
    }

## A new round overlaps another: say so where it can be corrected.

small-round-start-overlap = Round #{ $id } runs at that time ({ $starts } to { $ends }, Moscow time), and only one round runs at a time. Send a start no earlier than { $ends } (Moscow time). Leave with /cancel
small-round-end-overlap = With that end the round runs into round #{ $id } ({ $starts } to { $ends }, Moscow time), and only one round runs at a time. Send an end no later than { $starts } (Moscow time), or /cancel to start again with another start.

## Order exports: the file name and a title row name the purchase; a sheet per pickup point.

small-export-file-name = { $title } #{ $id } - { $shape ->
        [supplier] supplier
       *[other] distribution
    }.{ $fmt }
small-export-heading = Purchase "{ $title }" (#{ $id })
small-export-point-total = Point total
small-export-signature = Given out / signature
