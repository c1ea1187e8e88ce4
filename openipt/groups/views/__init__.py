"""Views of the groups app."""
