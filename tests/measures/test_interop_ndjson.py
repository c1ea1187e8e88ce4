"""Bulk NDJSON export: one file per resource type, streamed, every line a valid resource."""

import json

import pytest

from openipt.measures.interop import (
    BulkNdjsonWriter,
    ExportError,
    PatientRecord,
    iter_administration_lines,
    ndjson_line,
    validate_resource,
)

from .test_interop_support import admin, exporter, full_answers, phq9_answers


def _patients(n):
    return [PatientRecord(id=i, record_number=f"C{i:04d}", given_name="Given", family_name=f"Family{i}")
            for i in range(1, n + 1)]


def _admins(n_clients):
    out = []
    k = 0
    for c in range(1, n_clients + 1):
        k += 1
        out.append(admin("phq9", phq9_answers(1, 1, 1, 1, 1, 1, 1, 1, 0), total=8, band="mild", n=k, client_id=c))
        k += 1
        out.append(admin("gad7", full_answers("gad7", value_index=2), total=14, band="moderate", n=k, client_id=c))
    return out


def _read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_writer_produces_one_file_per_resource_type_with_valid_lines(tmp_path):
    # given three clients with a PHQ-9 and a GAD-7 each
    # when exported through the streaming writer
    with BulkNdjsonWriter(exporter(), tmp_path) as writer:
        writer.write_patients(_patients(3))
        writer.write_administrations(_admins(3))
    # then there are the four Bulk Data files, with the expected counts
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "Observation.ndjson", "Patient.ndjson", "Questionnaire.ndjson", "QuestionnaireResponse.ndjson"]
    assert writer.counts == {"Patient": 3, "QuestionnaireResponse": 6, "Observation": 6, "Questionnaire": 2}
    assert writer.total == 17
    for path in tmp_path.iterdir():
        for res in _read(path):
            assert res["resourceType"] == path.stem
            validate_resource(res)


def test_references_across_files_point_at_resources_in_the_export(tmp_path):
    with BulkNdjsonWriter(exporter(), tmp_path, per_item=True) as writer:
        writer.write_patients(_patients(2))
        writer.write_administrations(_admins(2))
    ids = {f"{res['resourceType']}/{res['id']}" for path in tmp_path.iterdir() for res in _read(path)}
    refs = set()
    for path in tmp_path.iterdir():
        for res in _read(path):
            for key in ("subject",):
                if key in res:
                    refs.add(res[key]["reference"])
            for key in ("derivedFrom", "hasMember"):
                refs.update(r["reference"] for r in res.get(key, []))
    assert refs and refs <= ids
    canonicals = {f"{q['url']}|{q['version']}" for q in _read(tmp_path / "Questionnaire.ndjson")}
    assert {r["questionnaire"] for r in _read(tmp_path / "QuestionnaireResponse.ndjson")} <= canonicals


def test_each_line_is_one_compact_json_object_ending_in_a_newline():
    line = ndjson_line({"resourceType": "Patient", "id": "x", "note": "línea\ncon salto"})
    assert line.endswith("\n") and line.count("\n") == 1
    assert json.loads(line)["note"] == "línea\ncon salto"
    assert ", " not in line and "í" in line  # compact separators, UTF-8 kept as is


def test_writer_consumes_records_lazily_from_a_generator(tmp_path):
    # given a generator that records how far it has been read
    produced = []

    def rows():
        for rec in _admins(3):
            produced.append(rec.id)
            yield rec

    # when the line iterator is advanced by one administration's lines
    lines = iter_administration_lines(exporter(), rows())
    first = next(lines)
    # then only the first record has been pulled from the generator
    assert produced == [1]
    assert first[0] == "QuestionnaireResponse"


def test_writer_accepts_patients_and_administrations_in_several_chunks(tmp_path):
    admins = _admins(4)
    with BulkNdjsonWriter(exporter(), tmp_path) as writer:
        for chunk in (admins[:3], admins[3:6], admins[6:]):
            writer.write_administrations(chunk)
        writer.write_patients(_patients(2))
        writer.write_patients(_patients(4)[2:])
    assert writer.counts["QuestionnaireResponse"] == 8
    assert len(_read(tmp_path / "Patient.ndjson")) == 4
    assert len(_read(tmp_path / "Questionnaire.ndjson")) == 2


def test_pseudonymised_by_default_and_names_only_when_asked(tmp_path):
    with BulkNdjsonWriter(exporter(), tmp_path / "plain") as writer:
        writer.write_patients(_patients(1))
    with BulkNdjsonWriter(exporter(), tmp_path / "named", identifiable=True) as writer:
        writer.write_patients(_patients(1))
    assert "Family1" not in (tmp_path / "plain" / "Patient.ndjson").read_text()
    assert "Family1" in (tmp_path / "named" / "Patient.ndjson").read_text()


def test_validate_mode_accepts_per_item_export_with_one_observation_per_answer(tmp_path):
    with BulkNdjsonWriter(exporter(), tmp_path, validate=True, per_item=True) as writer:
        writer.write_patients(_patients(1))
        writer.write_administrations(_admins(1))
    # two totals + 9 PHQ-9 answers (difficulty unanswered) + 8 GAD-7 answers (7 + difficulty)
    assert writer.counts["Observation"] == 2 + 9 + 8


def test_a_bad_record_stops_the_export_with_its_id(tmp_path):
    bad = admin("phq9", {"q4": 7}, n=5)
    with pytest.raises(ExportError, match="administration 5"):
        with BulkNdjsonWriter(exporter(), tmp_path) as writer:
            writer.write_administrations([*_admins(1), bad])
    # the files are closed, and no Questionnaire was appended after the failure
    assert not (tmp_path / "Questionnaire.ndjson").exists()
