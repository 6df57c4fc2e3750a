"""Session lifetime: idle and absolute timeouts, and the list of a user's sessions."""

# Unix timestamps kept in the session by the sign-in and the timeout middleware.
SESSION_SIGNED_IN_AT = "signed_in_at"
SESSION_LAST_SEEN = "last_seen"
