## Common answers: welcome, help, language, cancel, errors.

start-welcome =
    Hello, { $name }! I am a joint-purchase bot.
    Here you can pick a purchase and order, see your orders and report payments, right in the messenger.

    Commands: /help.
start-link-unknown = This link is not recognised or has expired.

help-title = What I can do:
help-section-buyer = For buyers
help-section-organizer = For organizers
help-section-admin = For service admins
help-footer = /cancel leaves any dialog. Language: /lang.
help-become-organizer = Running joint purchases? Become an organizer: /organizer

lang-choose = Choose a language:
lang-set = Done: I speak English now.
lang-unknown = I don't know that language. Available: { $available }.

cancel-done = Cancelled. Nothing you entered was saved.
cancel-nothing = Nothing to cancel: you are not filling in any form.

unknown-command = There is no /{ $command } command. See /help for the list.
stray-text = I didn't understand that. Pick a command in /help or press the button below.
stray-empty = I understand text, commands and buttons. See /help for the commands.
button-help = Help
menu-purchases = 🛍 Purchases
menu-orders = 📦 My orders
menu-pay = 💳 Pay
menu-invite = 🎁 Invite friends
menu-my-purchases = 🧺 My purchases

group-use-private = I don't show personal data in groups. Please write to me in private messages.
need-organizer = This command is for organizers. Become one: /organizer
need-admin = This command is only for the service admins.

error-internal = Something went wrong and we are looking into it. Nothing is lost; please try again a little later.
error-button-outdated = This button is outdated or damaged. Open the section again with its command, e.g. /help.
error-text-too-long = The message is too long: at most { $limit } { $limit ->
        [one] character
       *[other] characters
    }. Please shorten it and send it again.
dialog-expired = This form is outdated after a bot update. Please start again with its command.

## Command descriptions for /help and the messenger's menu.
cmd-start = start, main menu
cmd-help = list of commands
cmd-lang = bot language
cmd-cancel = leave a dialog
cmd-organizer = organizer profile

## Turning the pages of a list.
button-prev = ◀ Back
button-next = Next ▶
