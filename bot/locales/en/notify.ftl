## /notify: consent to notifications.

cmd-notify = notifications: turn on or off

notify-state-on =
    🔔 Notifications are on.
    You get: status changes of your purchases, payment reminders and organizers' broadcasts.
    Answers to your own actions (orders, payments) always arrive.
notify-state-off =
    🔕 Notifications are off.
    Purchase status changes, reminders and organizers' broadcasts do not arrive.
    Answers to your own actions (orders, payments) always arrive.
notify-button-on = 🔔 Turn notifications on
notify-button-off = 🔕 Turn notifications off
notify-unknown-arg = I didn't understand "{ $arg }". Type /notify on or /notify off, or press the button in /notify.
