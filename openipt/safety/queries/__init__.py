"""The read side of the safety pages: rows loaded for a page, banner or panel in a fixed number of queries."""
