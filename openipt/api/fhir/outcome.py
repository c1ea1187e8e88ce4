"""FHIR's error answer, the OperationOutcome: one issue with a FHIR issue type, our code and a sentence.

The REST API's refusals (`ApiError`: token, scope, rate limit, size) carry a status and a code;
here each becomes an OperationOutcome with the same status, so the FHIR server and the REST API
refuse the same calls for the same reasons.
"""

from __future__ import annotations

from typing import Any

ERROR_SYSTEM = "https://openipt.org/fhir/CodeSystem/api-error"

# HTTP status -> FHIR issue type (http://hl7.org/fhir/issue-type).
ISSUE_TYPE = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    409: "conflict",
    413: "too-costly",
    415: "not-supported",
    422: "processing",
    429: "throttled",
}


def outcome(status: int, code: str, message: str, *, severity: str = "error") -> dict[str, Any]:
    """An OperationOutcome with one issue: FHIR's issue type for the status, our code, and the sentence."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{
            "severity": severity,
            "code": ISSUE_TYPE.get(status, "exception"),
            "details": {"coding": [{"system": ERROR_SYSTEM, "code": code}], "text": message},
            "diagnostics": message,
        }],
    }
