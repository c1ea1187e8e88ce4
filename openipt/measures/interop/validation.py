"""Check a resource we built against the fhir.resources R4B models, on request.

Validation through pydantic costs far more than building the dict, so the export path never
needs it; tests and the `validate=True` switches call it. The package is imported only here,
and only when validation is asked for, so a deployment without it can still export.
"""

from __future__ import annotations

from typing import Any

from .records import FhirValidationError


def validate_resource(resource: dict[str, Any]) -> None:
    """Raise FhirValidationError unless the R4B model of the resource's type accepts it."""
    try:
        from fhir.resources.R4B import get_fhir_model_class
    except ImportError as exc:  # pragma: no cover - the package is a dependency of the tests
        raise FhirValidationError(f"fhir.resources is not installed, so nothing can be validated: {exc}") from None
    rtype = resource.get("resourceType") if isinstance(resource, dict) else None
    if not isinstance(rtype, str):
        raise FhirValidationError("resource has no resourceType")
    try:
        model = get_fhir_model_class(rtype)
    except (KeyError, ValueError, AttributeError, ImportError):
        raise FhirValidationError(f"unknown resourceType {rtype!r}") from None
    try:
        model.model_validate(resource)
    except Exception as exc:  # pydantic.ValidationError and fhir_core's own errors
        first = str(exc).strip().splitlines()
        summary = "; ".join(first[:4])
        rid = resource.get("id", "?")
        raise FhirValidationError(f"{rtype}/{rid} is not valid FHIR R4B: {summary}") from None
