"""The read side of the supervision pages: rows loaded for a page or panel in a fixed number of queries."""
