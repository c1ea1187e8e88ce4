"""The read side of the measures pages: rows loaded for a page or panel in a fixed number of queries."""
