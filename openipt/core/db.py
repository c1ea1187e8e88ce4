"""Database housekeeping that keeps queries fast after large changes."""

from django.db import connection


def refresh_statistics() -> None:
    """Update the query planner's statistics (after bulk loads and at start-up)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
