"""The read side of messaging: rows loaded for a page or panel in a fixed number of queries."""
