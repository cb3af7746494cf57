"""What organizers do: their profile, purchases and items, orders and pickup, payments,
broadcasts, and the communities they post to."""
