organizer-ask-name =
    Let's make you an organizer. How should buyers see you?
    Send a name or title (e.g. "Anna's joint buys"). Leave with /cancel.
organizer-name-invalid = The name must be { $min } to { $max } characters, one line, with no links. Please try again.
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
    Pickup points: { $pickup_points }
