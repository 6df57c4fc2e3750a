"""Referral of a case to the board chair (sections 3, 4, 5)."""
