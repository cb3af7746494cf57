"""What buyers do: browse purchases, order, see their orders, pay, comment, invite friends."""
