"""The read side of consent: rows loaded for a page or panel in a fixed number of queries."""
