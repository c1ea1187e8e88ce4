"""The practice app's read side: what its pages and panels load from the database (see docs/architecture.md).

`portal` reads for the client's own pages, `care` for the staff pages about one client, `panels` for what
practice adds to pages it does not own. Shaping rows already loaded (words, feedback, offers) is in
`openipt/practice/present.py`, which runs no queries.
"""
