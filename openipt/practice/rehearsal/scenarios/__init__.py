"""Rehearsal scenario files (YAML); a package only so that packaging ships them."""
