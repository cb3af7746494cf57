"""What service admins do: referral rounds and their people."""
