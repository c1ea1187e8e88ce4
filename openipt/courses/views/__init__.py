"""Pages for courses, sessions and the calendar (split by subject)."""
