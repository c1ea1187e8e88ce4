"""Loading instruments: the shipped set, a site's own files, and refusing broken files."""

from pathlib import Path

import pytest

from openipt.measures.engine import (
    InstrumentFileError,
    UnknownInstrumentError,
    load_directories,
    load_instruments,
    score,
)
from openipt.measures.engine.registry import SHIPPED_DIR

DATA = Path(__file__).parent / "data"
EXAMPLE = (DATA / "example_perinatal.yaml").read_text(encoding="utf-8")
SHIPPED = ("phq9", "phq2", "gad7", "hamd17", "auditc", "ipt_goal", "session_feedback")


def _site_dir(tmp_path: Path, text: str, name: str = "site.yaml") -> Path:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / name).write_text(text, encoding="utf-8")
    return site


def _line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if fragment in line)


def _refused(tmp_path: Path, text: str) -> InstrumentFileError:
    site = _site_dir(tmp_path, text)
    with pytest.raises(InstrumentFileError) as info:
        load_instruments([site])
    return info.value


def test_every_shipped_instrument_loads_with_its_published_range():
    # given the shipped content directory / when loaded
    registry = load_instruments()
    # then all seven instruments are there with the ranges from the published rules
    assert set(SHIPPED) <= set(registry.codes())
    ranges = {i.code: (i.min_total, i.max_total, len(i.scored_items)) for i in registry}
    assert ranges["phq9"] == (0, 27, 9)
    assert ranges["phq2"] == (0, 6, 2)
    assert ranges["gad7"] == (0, 21, 7)
    assert ranges["hamd17"] == (0, 52, 17)
    assert ranges["auditc"] == (0, 12, 3)
    assert ranges["ipt_goal"] == (0, 10, 1)


def test_shipped_instruments_carry_licence_source_and_wording_source():
    for inst in load_instruments():
        assert inst.licence.text and inst.licence.embeddable is True
        assert inst.source and inst.wording_source and inst.version


def test_own_instruments_say_they_are_ours_and_not_validated():
    registry = load_instruments()
    for code in ("ipt_goal", "session_feedback"):
        inst = registry.get(code)
        assert "not validated" in inst.name.lower()
        assert "openipt" in inst.licence.text.lower()


def test_phq9_carries_loinc_codes_from_the_clinical_reference():
    phq9 = load_instruments().get("phq9")
    assert (phq9.loinc_panel, phq9.loinc_total) == ("44249-1", "44261-6")
    assert phq9.item("q9").loinc == "44260-8"
    assert phq9.item("difficulty").scored is False


def test_default_registry_is_cached_and_lookups_fail_clearly():
    registry = load_instruments()
    assert load_instruments() is registry
    with pytest.raises(UnknownInstrumentError, match="unknown instrument 'epds'"):
        registry.get("epds")
    assert registry.get("epds", None) is None
    assert "phq9" in registry and len(registry) == len(list(registry))


def test_site_can_add_a_licensed_instrument_as_a_file(tmp_path):
    # given a site directory holding a made-up licensed scale
    site = _site_dir(tmp_path, EXAMPLE)
    # when loaded with the shipped set
    registry = load_instruments([site])
    eps = registry.get("example_perinatal")
    # then it sits beside the shipped instruments and scores with its own rules
    assert "phq9" in registry
    assert eps.licence.embeddable is False
    assert (eps.min_total, eps.max_total) == (0, 30)
    # every answer "Yes, most of the time": 3 positive items score 0, 7 reversed items score 3
    result = score(eps, {f"q{i}": 0 for i in range(1, 11)})
    assert result.total == 21
    assert [f.item for f in result.flags] == ["q10"]


def test_a_duplicate_code_is_refused_unless_the_file_says_overrides(tmp_path):
    # given a site file that reuses the code phq9 without saying so
    dup = EXAMPLE.replace("code: example_perinatal", "code: phq9")
    err = _refused(tmp_path, dup)
    assert "already defined" in str(err) and "overrides: phq9" in str(err)
    # when the file says it overrides phq9, then it replaces the shipped one
    site = _site_dir(tmp_path, dup.replace("code: phq9", "code: phq9\noverrides: phq9"))
    assert load_instruments([site]).get("phq9").short_name == "EPS"
    # and the shipped default registry is untouched
    assert load_instruments().get("phq9").short_name == "PHQ-9"


def test_an_override_of_nothing_is_refused(tmp_path):
    text = EXAMPLE.replace("code: example_perinatal", "code: example_perinatal\noverrides: example_perinatal")
    assert "no earlier file defines" in str(_refused(tmp_path, text))


def test_overrides_must_name_the_files_own_code(tmp_path):
    text = EXAMPLE.replace("code: example_perinatal", "code: example_perinatal\noverrides: phq9")
    err = _refused(tmp_path, text)
    assert f":{_line_of(text, 'overrides: phq9')}:" in str(err)


def test_a_missing_site_directory_is_an_error(tmp_path):
    with pytest.raises(InstrumentFileError, match="directory not found"):
        load_instruments([tmp_path / "nowhere"])


@pytest.mark.parametrize(
    ("old", "new", "fragment", "message"),
    [
        ("{id: likely, min: 13,", "{id: likely, min: 14,", "id: likely", "no band covers 13-13"),
        ("{id: likely, min: 13,", "{id: likely, min: 12,", "id: likely", "overlaps"),
        ("max: 30, label: Likely", "max: 31, label: Likely", "id: likely", "beyond the possible totals 0-30"),
        ("max: 30, label: Likely", "max: 29, label: Likely", "bands:", "no band covers 30-30"),
        ("  - item: q10\n", "  - item: q11\n", "item: q11", "'q11' is not an item"),
        ("threshold: 1\n", "threshold: 4\n", "threshold: 4", "not a possible score of item 'q10'"),
        ("threshold: 1\n", "threshold: 0\n", "threshold: 0", "every answer would raise a flag"),
        ('{value: 2, label: "Not very often"}', '{value: 2.5, label: "Not very often"}', "value: 2.5", "options[2].value: must be a whole number, not 2.5"),
        ('{value: 2, label: "Not very often"}', '{value: "2", label: "Not very often"}', 'value: "2"', "whole number"),
        ('{value: 2, label: "Not very often"}', '{value: 1, label: "Not very often"}', '{value: 1, label: "Not very', "given twice"),
        ("{id: q4, text:", "{id: q3, text:", "{id: q3, text: I have felt relaxed", "'q3' is used twice"),
        ("cutoff: 13", "cutoff: 31", "cutoff: 31", "caseness cut-off 31 is outside"),
        ("  max: 30\n", "  max: 27\n", "  max: 27", "scoring.max is 27 but the scored items give 30"),
        ("below: 10", "below: 0", "below: 0", "remission.below 0 is outside"),
        ("max_missing: 1", "max_missing: 10", "max_missing: 10", "max_missing must be between 1 and 9"),
        ("method: jacobson_truax", "method: guess", "method: guess", "'threshold' or 'jacobson_truax'"),
        ("reliability: 0.8", "reliability: 1.2", "reliability: 1.2", "between 0 and 1"),
        ("kind: self_report", "kind: interview", "kind: interview", "kind: must be one of"),
        ("embeddable: false", "embeddable: maybe", "embeddable: maybe", "true or false"),
        ("timeframe: past 7 days", "timeframe: past 7 days\ntimefrme: typo", "timefrme", "timefrme: unknown key"),
        ("kind: self_report", "kind: self_report\nkind: clinician", "kind: clinician", "duplicate key 'kind'"),
        ("{id: q1, text: I have been able to laugh at small things.}", "{id: q1, text: Laugh, reverse: yes please}", "id: q1", "true or false"),
    ],
)
def test_a_file_whose_rules_do_not_fit_its_items_is_refused_with_file_and_line(tmp_path, old, new, fragment, message):
    # given the example scale with one fault put in
    assert old in EXAMPLE
    text = EXAMPLE.replace(old, new, 1)
    # when a site loads it / then it is refused, naming the file, the line and the fault
    err = _refused(tmp_path, text)
    assert message in str(err)
    assert f"site.yaml:{_line_of(text, fragment)}:" in str(err)


def test_all_problems_of_a_file_are_reported_together(tmp_path):
    text = EXAMPLE.replace("cutoff: 13", "cutoff: 31").replace("threshold: 1\n", "threshold: 4\n")
    err = _refused(tmp_path, text)
    assert len(err.problems) == 2
    assert "and 1 more problem" in err.first_line


def test_a_file_that_is_not_yaml_is_refused_with_its_line(tmp_path):
    text = EXAMPLE.replace("kind: self_report", "kind: [self_report")
    err = _refused(tmp_path, text)
    assert "not valid YAML" in str(err) and "site.yaml:" in str(err)


def test_an_empty_file_is_refused(tmp_path):
    assert "empty" in str(_refused(tmp_path, ""))


def test_shipped_directory_has_one_file_per_instrument():
    files = sorted(p.stem for p in SHIPPED_DIR.glob("*.yaml"))
    assert files == sorted(SHIPPED)
    assert len(load_directories([SHIPPED_DIR])) == len(SHIPPED)
