"""The shipped instruments load to the same objects as when the content toolkit took them over."""

from openipt.measures.engine import SHIPPED_DIR, load_directories
from openipt.measures.engine.trajectory import load_model


def test_the_shipped_instruments_load_with_the_same_codes_items_and_cut_offs():
    registry = load_directories([SHIPPED_DIR])
    assert registry.codes() == ("auditc", "gad7", "hamd17", "ipt_goal", "phq2", "phq9", "session_feedback")
    phq9 = registry.get("phq9")
    assert (phq9.short_name, phq9.min_total, phq9.max_total, len(phq9.items)) == ("PHQ-9", 0, 27, 10)
    assert [(band.id, band.min, band.max) for band in phq9.bands][-1] == ("severe", 20, 27)
    assert phq9.caseness.cutoff == 10 and phq9.reliable_change.threshold == 6.0
    q9 = phq9.items[8]
    assert (q9.id, q9.loinc, [option.value for option in q9.options]) == ("q9", "44260-8", [0, 1, 2, 3])
    assert [(item.item, item.threshold) for item in phq9.safety_items] == [("q9", 1)]


def test_the_shipped_trajectory_model_loads_with_the_same_figures():
    model = load_model()
    assert (model.instruments, model.last_session) == (("phq9", "gad7"), 20)
    assert (model.rate_per_session, model.eventual_fall_fraction) == (0.2, 0.5)
