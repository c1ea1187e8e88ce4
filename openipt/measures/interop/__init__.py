"""Export and import of OpenIPT measures: FHIR R4 (JSON, Bundle, bulk NDJSON) and tidy CSV.

Programmes report to funders, registries and research partners, and some partners collect
questionnaires in their own apps. This package turns plain records (frozen dataclasses the
Django layer fills from database rows) into FHIR resources and CSV rows, and reads
QuestionnaireResponses back into answers. Pure Python with no Django import: resources are
built as dicts for speed; fhir.resources (R4B models) only checks them, on request.
"""

from __future__ import annotations

from .bundle import BUNDLE_TYPES, client_bundle, references_in
from .codes import (
    DEFAULT_BASE,
    LOINC,
    SCORE_UNIT,
    UCUM,
    answer_system,
    band_system,
    measure_system,
    questionnaire_url,
    record_number_system,
    version_token,
)
from .csv_export import (
    BASE_COLUMNS,
    IDENTIFIABLE_COLUMNS,
    columns,
    iter_tidy_csv,
    iter_tidy_rows,
    safe_cell,
    short_text,
    write_tidy_csv,
)
from .dictionary import (
    DICTIONARY_COLUMNS,
    dictionary_markdown,
    iter_dictionary_rows,
    write_dictionary_csv,
)
from .fhir_export import FhirExporter, build_questionnaire, wording_allowed
from .fhir_import import (
    ACCEPTED_STATUSES,
    ImportedResponse,
    parse_questionnaire_response,
    parse_questionnaire_response_json,
)
from .ndjson import (
    RESOURCE_TYPES,
    BulkNdjsonWriter,
    iter_administration_lines,
    iter_patient_lines,
    ndjson_line,
)
from .records import (
    AdministrationRecord,
    ExportError,
    ExportSettings,
    FhirImportError,
    FhirValidationError,
    InteropError,
    PatientRecord,
)
from .validation import validate_resource

__all__ = [
    "ACCEPTED_STATUSES", "BASE_COLUMNS", "BUNDLE_TYPES", "DEFAULT_BASE", "DICTIONARY_COLUMNS",
    "IDENTIFIABLE_COLUMNS", "LOINC", "RESOURCE_TYPES", "SCORE_UNIT", "UCUM",
    "AdministrationRecord", "BulkNdjsonWriter", "ExportError", "ExportSettings", "FhirExporter",
    "FhirImportError", "FhirValidationError", "ImportedResponse", "InteropError", "PatientRecord",
    "answer_system", "band_system", "build_questionnaire", "client_bundle", "columns",
    "dictionary_markdown", "iter_administration_lines", "iter_dictionary_rows", "iter_patient_lines",
    "iter_tidy_csv", "iter_tidy_rows", "measure_system", "ndjson_line", "parse_questionnaire_response",
    "parse_questionnaire_response_json", "questionnaire_url", "record_number_system", "references_in",
    "safe_cell", "short_text", "validate_resource", "version_token", "wording_allowed",
    "write_dictionary_csv", "write_tidy_csv",
]
