"""The read side of the course pages: rows loaded for a page or panel in a fixed number of queries."""
