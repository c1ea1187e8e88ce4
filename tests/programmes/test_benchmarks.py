"""Published group IPT trial results on the programme dashboard: the data file's checks, the figures beside them
(worked out by hand here), small-number hiding, and who sees the panel."""

from __future__ import annotations

import pytest

from openipt.accounts.models import Role
from openipt.core.content.yamlload import ContentFileError
from openipt.programmes import benchmarks as bench
from openipt.programmes import indicators as ind
from tests.programmes.test_queries import build
from tests.support.people import login, make_member

GOOD = """\
benchmarks:
  - id: one-trial
    trial: A trial
    citation: Someone A. A title. A Journal 2001;1:1-2.
    doi: 10.1234/abc.1
    checked_at: https://example.org/abstract
    design: Randomised controlled trial
    country: Uganda
    population: Adults
    delivered_by: Lay workers
    sessions: 12
    timepoint: End of the group
    outcome: Had major depression
    measure: Interview
    arm_sizes: "100 and 100"
    comparable: not_in_remission
    figures:
      - arm: Group IPT
        published: "50%"
        proportion: 0.5
        n: 100
      - arm: Control
        published: "60%"
        proportion: 0.6
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(ContentFileError) as caught:
        bench.load(text, "test.yaml")
    return [str(p) for p in caught.value.problems]


def test_the_shipped_file_loads_and_every_entry_has_its_source():
    shipped = bench.load()
    assert shipped, "no benchmark shipped"
    for b in shipped:
        assert b.citation and b.doi.startswith("10.") and b.checked_at.startswith("https://"), b.id
        assert b.figures and all(f.published for f in b.figures), b.id
    assert any(b.comparable for b in shipped)  # at least one sits beside a programme figure
    by_id = {b.id: b for b in shipped}
    bass = by_id["bass-2006-uganda-6-months"]
    assert [f.published for f in bass.figures] == ["11.7%", "54.9%"]  # as published, Br J Psychiatry 2006


def test_every_shipped_benchmark_is_listed_in_the_sources_doc():
    sources = open("docs/clinical/sources.md", encoding="utf-8").read()
    for b in bench.load():
        assert b.doi in sources, b.id


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("    doi: 10.1234/abc.1\n", "", "benchmark 'one-trial': is missing"),
        ("    checked_at: https://example.org/abstract\n", "", "benchmark 'one-trial': is missing"),
        ("    citation: Someone A. A title. A Journal 2001;1:1-2.\n", "", "benchmark 'one-trial': is missing"),
        ("doi: 10.1234/abc.1", "doi: https://doi.org/x", "benchmark 'one-trial': must be a DOI"),
        ("checked_at: https://example.org/abstract", "checked_at: from memory", "must be the address"),
        ('        published: "50%"\n', "", "benchmark 'one-trial': is missing"),
        ("comparable: not_in_remission", "comparable: response", "must be one of"),
        ("proportion: 0.5", "proportion: 50", "must be at most 1"),
        ("n: 100", "n: 0", "must be above 0"),
    ],
)
def test_an_entry_without_its_source_or_with_a_bad_value_is_refused_by_name(old, new, expected):
    assert old in GOOD
    found = problems_of(GOOD.replace(old, new))
    assert any(expected in p and "one-trial" in p and p.startswith("test.yaml:") for p in found), found


def test_an_entry_with_no_figure_a_twice_used_id_or_no_list_is_refused():
    no_figures = GOOD.split("    figures:")[0] + "    figures: []\n"
    assert any("needs at least one published figure" in p for p in problems_of(no_figures))
    twice = GOOD + GOOD.split("benchmarks:\n")[1]
    assert any("'one-trial': the id is used twice" in p for p in problems_of(twice))
    assert any("needs a list called benchmarks" in p for p in problems_of("benchmark: []\n"))
    assert len(bench.load(GOOD, "test.yaml")) == 1


def test_the_derived_interval_is_wilson_from_the_published_n_and_kept_apart_from_the_published_figure():
    b = bench.load(GOOD, "test.yaml")[0]
    ipt, control = (bench.shown(f) for f in b.figures)
    # 50 of 100: centre 0.5, half-width 1.959964/1.038415 * sqrt(0.0025 + 3.841459/40000) = 0.0962 -> 40.4-59.6%
    assert (ipt.published, ipt.derived, ipt.no_n) == ("50%", "40–60%", False)
    # no n published: no interval can be derived, and the page says so
    assert (control.published, control.derived, control.no_n) == ("60%", "", True)


def cohort(cases: int, remitted: int, others: int = 5) -> ind.Cohort:
    """`cases` members who were a case at the start, `remitted` of them in remission; `others` who were not."""
    enrolments = [
        ind.Enrolment(i, 1, 6, True, False, True, i < remitted, i < remitted) for i in range(cases)
    ] + [ind.Enrolment(100 + i, 1, 6, True, False, False, False, False) for i in range(others)]
    return ind.Cohort(enrolments=enrolments)


def test_the_programme_figure_beside_a_trial_worked_out_by_hand():
    result = ind.compute(cohort(20, 8))
    panel = bench.panel(result, bench.load(GOOD, "test.yaml"))
    assert not panel.context
    figure = panel.comparable[0].programme
    # 20 cases at the start, 8 in remission: 12 of 20 = 60% not in remission.
    # Wilson: centre (0.6 + 3.8415/40) / 1.19207 = 0.58386; half 1.64420 * sqrt(0.012 + 0.0024009) = 0.19731
    # -> 38.7% to 78.1%.
    assert figure == bench.ProgrammeFigure("12", "20", "60%", "39–78%", False, False)


def test_the_programme_figure_is_hidden_when_it_would_give_a_small_number_away():
    # 3 in remission: a small cell, and 20 - 3 would give it away
    assert bench.not_in_remission(ind.compute(cohort(20, 3))).hidden
    # 17 of 20 in remission: 3 not in remission is itself a small number
    assert bench.not_in_remission(ind.compute(cohort(20, 17))).hidden
    # 3 cases at the start: the denominator is small
    small = bench.not_in_remission(ind.compute(cohort(3, 0)))
    assert small.hidden and small.count == "<5" and small.of == "<5"
    # none in remission is not hidden (0 is not a small cell) ...
    assert bench.not_in_remission(ind.compute(cohort(20, 0))).count == "20"
    # ... and with no one a case at the start there is nothing to show
    assert bench.not_in_remission(ind.compute(cohort(0, 0))).none_yet


def test_context_benchmarks_are_kept_apart_and_the_file_order_is_kept():
    panel = bench.panel(ind.compute(cohort(20, 8)))
    assert [r.benchmark.id for r in panel.comparable] == ["bass-2006-uganda-6-months"]
    assert all(r.programme is None for r in panel.context)
    assert [r.benchmark.id for r in panel.comparable + panel.context] == [b.id for b in bench.shipped()]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN, Role.SUPERVISOR])
def test_the_dashboard_shows_the_panel_to_those_who_may_see_it(world, client, role):
    build(world)
    login(client, make_member(world.org, role) if role == Role.MANAGER else world.m[role.value])
    page = client.get("/programme/").content.decode()
    assert "Published results from group IPT trials" in page
    assert "11.7%" in page and "54.9%" in page and "Interval not computable: n not in the abstract" in page
    assert "https://doi.org/10.1192/bjp.188.6.567" in page
    assert "Why these figures are hard to compare" in page
    # the group has four members: the programme's figure is hidden, not shown as a small number
    assert "hidden, as the counts it comes from are small" in page


def test_a_therapist_does_not_see_it(world, client):
    build(world)
    login(client, world.m["therapist"])
    response = client.get("/programme/")
    assert response.status_code == 403
    assert "Published results from group IPT trials" not in response.content.decode()


def test_the_panel_reads_the_same_from_kept_figures_as_from_the_records(world, client):
    from openipt.programmes import snapshot_actions

    build(world)
    login(client, make_member(world.org, Role.MANAGER))

    def panel_of(page: str) -> str:
        start = page.index('<section aria-labelledby="benchmarks-heading"')
        return page[start : page.index("</section>", start)]

    live = client.get("/programme/").content.decode()
    assert "These figures were computed at" not in live
    snapshot_actions.refresh(None, organisation_id=world.org.pk)
    kept = client.get("/programme/").content.decode()
    assert "These figures were computed at" in kept
    assert panel_of(live) == panel_of(kept)
    assert "Published results from group IPT trials" in panel_of(kept)
