## Communities: the bot in groups and channels, linking them to an organizer, posting purchases.

communities-welcome-group =
    Hello! I am a joint-purchase bot.
    An admin of this group who runs purchases can link the group to their organizer profile with the button below; purchases will then be posted here. Orders and payments happen only in private messages with me.
communities-added-notice = I was added to “{ $title }”. To post purchases there, link the community to your profile: /link
communities-removed = I was removed from “{ $title }”: purchases are no longer posted there.
communities-taken-over = An admin of “{ $title }” linked it to another organizer: you can no longer post purchases there.

communities-title = Your groups and channels:
communities-entry-linked = { $number }. { $title } ({ $kind }) — linked to you
communities-entry-not-linked = { $number }. { $title } ({ $kind }) — not linked
communities-hint = You can link only a community you administer. To post a purchase: /post
communities-none =
    There are no communities to link yet.
    Add me as an admin to your group or channel and come back here: /link. In a group you can also type /link right there.
communities-unsupported = Groups and channels are not available here: link them on Telegram or VK.
communities-not-found = The community was not found or I am no longer in it. Open the list again: /link
communities-check-failed = I could not check your rights in the community. Please try again in a minute.
communities-not-admin = Only an admin of “{ $title }” can link it. Ask an admin, or get the rights and try again.
communities-already-linked = “{ $title }” is already linked to your profile.
communities-linked = Done: “{ $title }” is linked to the organizer “{ $organizer }”. You can post purchases there now: /post
communities-unlinked = “{ $title }” is unlinked from your profile.

communities-choose-purchase = Which purchase should I post?
communities-choose-community = Where should I post “{ $title }”?
communities-no-open-purchases = No open purchases: only a purchase that takes orders can be posted.
communities-none-linked = You have no linked groups or channels. Add me to a community as an admin and link it: /link
communities-purchase-not-found = This purchase is not among yours. Your purchases: /mypurchases
communities-purchase-not-open = The purchase “{ $title }” does not take orders now: only an open purchase can be posted.
communities-post-forbidden = I cannot post in “{ $title }”: make me an admin allowed to post messages and try again.
communities-post-failed = The post could not be published. Please try again in a minute.
communities-posted = The purchase “{ $title }” is posted in “{ $community }” with an “Order” button.
communities-post-by-hand =
    VK does not let a community bot publish on the community wall. Publish the text of the next message on the wall of “{ $community }” yourself (you may add a photo): I will recognize the post by its “Order” link and link it to the purchase “{ $title }”.
communities-post-picked-up = The post on the wall of “{ $community }” is now linked to the purchase “{ $title }”: comments under it go to the buyers' /comments, and comments that read like orders come to them to confirm.

communities-button-link = Link to my organizer profile
communities-button-link-to = Link: { $title }
communities-button-unlink = Unlink: { $title }
communities-button-order = Order

cmd-link = link a group or channel
cmd-post = post a purchase to a community
