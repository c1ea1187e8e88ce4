"""The machine interface: REST API clients and personal tokens, `/api/v1/` and its documentation."""
