"""The FHIR R4 server at /fhir/: read and search, on the REST API's tokens, scopes, rate limits and audit."""
