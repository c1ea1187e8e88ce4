"""Pages of the client portal and of the staff view of a client's between-session work."""
