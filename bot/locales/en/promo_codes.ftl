## Organizers' promo codes for bloggers and affiliates: /newpromo, /mypromos, /promoreport,
## /affiliate, /approve.

cmd-newpromo = new promo code for buyers and bloggers
cmd-mypromos = my organizer promo codes
cmd-promoreport = a promo code's sales report (CSV and XLSX)
cmd-affiliate = for affiliates and bloggers: promo code catalogue and links
cmd-approve = approve organizers, promo codes and affiliates

promo-scope-all = on all the organizer's purchases
promo-scope-category = on purchases in the category "{ $category }"
promo-scope-purchase = on the purchase "{ $title }"
promo-dates = Valid from { $starts } to { $ends } (Moscow time).
promo-category-any = Any category (all of an organizer's purchases)

## /newpromo

promo-ask-code = A new promo code. Type the code: Latin letters and digits, 4 to 32 characters (e.g. SUMMER2026), or press "Generate". Or all in one line: /newpromo SUMMER2026; 10%; all; now; 30; 100; 1; -; yes
promo-ask-discount = Discount: an amount ("300") or a percent ("10%").
promo-ask-scope = What does the code apply to? Press a button or type "all", "purchase 12" or a category name.
promo-ask-start = From when is the code valid? E.g. "now" or "{ DAY(1) } 10:00" (Moscow time).
promo-ask-end = Until when? A date ("{ DAY(30) }") or a length from the start ("30" days, "2 weeks"). We recommend two weeks or more.
promo-ask-limit = How many times in total may the code be used? A number, or "-" for no limit.
promo-ask-per-user = How many times may one buyer use it? A number; "-" for once.
promo-ask-minimum = Minimum order sum (items + organizer fee), e.g. "1000". A fixed discount cannot exceed it; for a percent discount "-" means no minimum.
promo-ask-shared = Share the code with bloggers and affiliates? They will find it in the catalogue and get personal links, and your report will show which orders came from them. You choose once: it cannot be changed later.

promo-button-generate = Generate
promo-button-scope-all = All my purchases
promo-button-scope-category = Category: { $category }
promo-button-scope-purchase = No. { $id } · { $title }
promo-button-now = Now
promo-button-no-limit = No limit
promo-button-once-per-buyer = Once
promo-button-no-minimum = No minimum
promo-button-share-yes = Yes, share
promo-button-share-no = No
promo-button-create = Create
promo-button-discard = Discard

promo-form-line = In one line a promo code is { $count } { $count ->
        [one] field
       *[other] fields
    } separated by ";": code (or "+"); discount; scope; start; end; total limit; per-buyer limit; minimum; share (yes/no). E.g.: /newpromo SUMMER2026; 10%; all; now; 30; 100; 1; -; yes
promo-form-code = A code is Latin letters and digits, { $min } to { $max } characters, e.g. SUMMER2026. Or "+" to generate one.
promo-form-code-taken = The code { $code } is taken. Choose another or press "Generate".
promo-form-scope = No such purchase or category. Your categories: { $categories }. Type "all", "purchase 12" or a category name.
promo-form-scope-purchase = Purchase No. { $id } is not among your current purchases.
promo-form-start-past = That time has passed. Give a future time or "now".
promo-form-start-too-far = Too far ahead: the start must be within a year.
promo-form-end-too-soon = The end must be at least an hour after the start.
promo-form-too-long = A code cannot be valid longer than { $days } { $days ->
        [one] day
       *[other] days
    }.
promo-form-limit = Type a whole number from 1 to { $max }, or "-".
promo-form-discount-above-minimum = The fixed discount { $discount } is larger than the minimum order sum { $minimum }: orders near the minimum would be almost free. Set a minimum of at least the discount.
promo-form-shared = Answer with a button: "Yes, share" or "No".
promo-form-stale = This button is out of place now: start again with /newpromo.
promo-confirm-use-buttons = Check the promo code and press "Create" or "Discard".

promo-confirm-title = Check the promo code:
promo-code-generated = to be generated
promo-summary-code = Code: { $code }
promo-summary-offer = Discount: { $offer }
promo-summary-scope = Valid { $scope }
promo-summary-limits = Usage limit: { $total } in total, { $per_buyer } per buyer
promo-summary-shared-yes = Bloggers and affiliates: shared (once a service admin approves)
promo-summary-shared-no = Bloggers and affiliates: not shared — only buyers who type it get the discount
promo-confirm-sharing-final = ⚠️ "Share with bloggers and affiliates" cannot be changed: not after creating the code, nor after cancelling it.
promo-warning-short-validity = ⚠️ The code is valid for less than two weeks. Bloggers need time to post: we recommend two weeks or more.
promo-warning-large-discount = ⚠️ The discount can take more than half an order. You bear it: check the amount.

promo-discarded = The promo code was not created.
promo-created = The promo code { $code } is created and works for buyers who type it (/promo { $code }). List and cancel: /mypromos.
promo-created-shared = The promo code { $code } is created and works for buyers who type it. It reaches the bloggers' and affiliates' catalogue once a service admin approves it; we will tell you. List: /mypromos.

## /mypromos

promo-mine-none = You have no promo codes yet. Create one: /newpromo.
promo-mine-title = Your promo codes:
promo-mine-entry = { $code } — { $state }: { $offer }
promo-mine-usage = Used { $used } { $used ->
        [one] time
       *[other] times
    } (limit: { $limit })
promo-mine-report-hint = A code's sales report: /promoreport.
promo-state-active = valid
promo-state-cancelled = cancelled
promo-state-expired = expired
promo-state-not-started = not started yet
promo-sharing-no = Not for bloggers and affiliates
promo-sharing-pending = For bloggers and affiliates: awaiting approval
promo-sharing-approved = For bloggers and affiliates: approved
promo-sharing-refused = For bloggers and affiliates: refused — { $reason }
promo-button-cancel-code = Cancel { $code }
promo-button-cancel-yes = Yes, cancel
promo-cancel-ask = Cancel the promo code { $code }? It can no longer be used; orders that used it keep their discount. Sharing with bloggers stays as chosen.
promo-cancelled = The promo code { $code } is cancelled. Orders that used it keep their discount.
promo-cancel-already = The promo code { $code } is already cancelled.
promo-not-yours = No such promo code among yours. Your codes: /mypromos.

## /promoreport

promo-report-choose = A report for which promo code?
promo-button-report = { $code } · { $used } { $used ->
        [one] order
       *[other] orders
    }
promo-report-summary = Promo code { $code }: { $orders } { $orders ->
        [one] order
       *[other] orders
    }, revenue { $revenue }, discounts { $discount }.
promo-report-file-csv = Promo code report, CSV
promo-report-file-xlsx = Promo code report, XLSX
promo-report-sheet = Promo code { $code }
promo-report-col-number = Order
promo-report-col-date = Date
promo-report-col-purchase = Purchase
promo-report-col-items = Items
promo-report-col-discount = Discount
promo-report-col-due = Due
promo-report-col-status = Order status
promo-report-col-paid = Paid
promo-report-col-buyer = Buyer (pseudonym)
promo-report-col-referred = Referred by affiliate
promo-report-paid-yes = yes
promo-report-paid-no = no
promo-report-status-active = active
promo-report-status-cancelled = cancelled
promo-report-total = Total

## Buyers: an organizer's code on an order

promo-refused-not-started = The promo code { $code } is valid from { $starts } (Moscow time).
promo-refused-expired = The promo code { $code } expired on { $until } (Moscow time).
promo-refused-used-up = The promo code { $code } has been used as many times as allowed.
promo-refused-user-limit = You have used the promo code { $code } as many times as one buyer may.
promo-refused-out-of-scope = The promo code { $code } does not apply to this order: it is for other purchases.
promo-typed-no-orders = Nowhere to use { $code } yet: it needs an active order in a purchase the code applies to, without another code and not fully paid. Place an order and come back: /promo { $code }
promo-linked-offer = An affiliate's link brought you a promo code for this order: press to apply the discount.

## Affiliate links

promo-link-opened = 🎁 A promo code for you: { $code } — { $offer }, { $scope }. { $dates } Place an order and the bot offers the code with one button.
promo-link-own = This is your own link to the promo code { $code } ({ $offer }): your own visits do not count.
promo-link-unknown = This promo code link is no longer valid. See the current purchases:
promo-button-open-purchase = Open the purchase

## /affiliate

promo-aff-ask-about = Become an affiliate: tell us briefly about your audience and channel (where you write, how many followers, what about), { $min } to { $max } characters. A service admin reviews it.
promo-aff-about-short = Too short: write at least { $min } { $min ->
        [one] character
       *[other] characters
    } about your audience and channel.
promo-aff-about-long = Too long: at most { $max } { $max ->
        [one] character
       *[other] characters
    }.
promo-aff-applied = Application sent. We will tell you once an admin has reviewed it.
promo-aff-pending = Your affiliate application awaits an admin's decision. We will tell you.
promo-aff-refused = Your affiliate application was refused: { $reason }. You may apply again.
promo-button-apply-again = Apply again
promo-aff-not-approved = The promo code catalogue is open to approved affiliates. Apply: /affiliate.
promo-aff-catalogue = The affiliates' promo code catalogue. Choose a category (⭐ — you follow it):
promo-aff-catalogue-empty = No promo codes in the catalogue yet. We will tell you of new ones in the categories you follow.
promo-button-category = { $followed ->
        [true] ⭐ { $category } ({ $count })
       *[other] { $category } ({ $count })
    }
promo-button-my-links = My links and sales
promo-aff-category-gone = The catalogue has changed. Open it again: /affiliate
promo-aff-category-title = { $category } — page { $page } of { $pages }, newest first:
promo-aff-code-entry = { $code } — { $offer } · { $organizer }
promo-button-get-link = My link to { $code }
promo-button-follow = ⭐ Tell me of new codes here
promo-button-unfollow = Stop telling me of new codes here
promo-aff-followed = Following: we will tell you of new promo codes in "{ $category }" (if notifications are on, /notify).
promo-aff-unfollowed = No more news of promo codes in "{ $category }".
promo-aff-code-gone = This promo code is no longer in the catalogue.
promo-aff-link =
    Your link to the promo code { $code }: { $link }
    Discount: { $offer }, { $scope }. Buyers who come by the link within 30 days get the code with one button when ordering, and the order counts for you.
promo-aff-mine-none = You have no links yet. Get them in the catalogue: /affiliate
promo-aff-mine-title = Your links and sales:
promo-aff-mine-entry = { $code }: { $visits } { $visits ->
        [one] visit
       *[other] visits
    }, { $orders } { $orders ->
        [one] order
       *[other] orders
    } for { $sum }
promo-button-catalogue = Promo code catalogue
promo-follow-new-code = 🆕 A new promo code in "{ $category }": { $code } — { $offer }, { $scope }. { $dates } Organizer: { $organizer }. Your link is in the catalogue.

## A service admin's decisions

promo-code-approved = The promo code { $code } is approved: bloggers and affiliates find it in the catalogue once your organizer profile is approved.
promo-code-refused = The promo code { $code } is not approved for bloggers and affiliates: { $reason }. Buyers who type the code still get the discount.
promo-organizer-approved = Your organizer profile is approved: your approved promo codes for bloggers and affiliates are in their catalogue.
promo-organizer-refused = Your organizer profile is not approved for bloggers' promo codes: { $reason }. Your codes still work for buyers who type them.
promo-affiliate-approved = Your affiliate application is approved! The promo code catalogue: /affiliate.
promo-affiliate-refused = Your affiliate application was refused: { $reason }. You may apply again: /affiliate.

## /approve

promo-approve-unknown-queue = No such queue. Type /approve, /approve organizers, /approve codes or /approve affiliates.
promo-approve-empty = Nothing awaits a decision.
promo-approve-org-title = Organizers who want to share promo codes:
promo-approve-org-entry = No. { $id } · { $name }
promo-approve-code-title = Promo codes for bloggers and affiliates:
promo-approve-code-entry =
    { $code } · { $organizer }{ $approved ->
        [true] {""}
       *[other] {" "}(organizer not approved yet)
    }
    { $offer }, { $scope }. { $dates }
promo-approve-aff-title = Affiliate applications:
promo-approve-aff-entry =
    No. { $id } · { $name }
    { $about }
promo-button-approve = ✅ { $what }
promo-button-refuse = ❌ { $what }
promo-approve-ask-reason = Type the reason for refusing: its author will see it.
promo-approve-reason-empty = Type the reason as text.
promo-approve-reason-long = The reason is at most { $max } { $max ->
        [one] character
       *[other] characters
    }.
promo-approve-decided = Already decided.
promo-approve-done-yes = Approved. The author has been told.
promo-approve-done-no = Refused. The author has been told the reason.
