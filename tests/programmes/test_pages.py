"""The programme pages as each person uses them: the manager's dashboard, the monthly reports and the settings."""

from __future__ import annotations

import csv
import io
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openipt.accounts.models import Role
from openipt.audit.models import AuditEvent
from openipt.groups.models import Attendance
from openipt.programmes.models import ProgrammeSettings
from openipt.programmes.reporting import REPORTED, check_data_value_set
from tests.programmes.test_queries import build
from tests.support.groups import programme
from tests.support.people import login, make_member

FULL = "\n".join(f"{i} = IPT_{i.upper()}" for i in REPORTED)


def signed_in_manager(world, client):
    manager = make_member(world.org, Role.MANAGER)
    login(client, manager)
    return manager


def this_month() -> str:
    return timezone.localdate().strftime("%Y-%m")


def marks_this_month() -> int:
    """The group's sessions fall either side of a month's start, depending on today's date."""
    today = timezone.localdate()
    return sum(
        1
        for when in Attendance.objects.values_list("session__scheduled_start", flat=True)
        if (timezone.localtime(when).year, timezone.localtime(when).month) == (today.year, today.month)
    )


def test_the_manager_starts_on_the_dashboard_and_sees_counts_but_no_one_s_name(world, client):
    _grp, made = build(world)
    signed_in_manager(world, client)
    assert client.get("/")["Location"] == "/programme/"
    page = client.get("/programme/").content.decode()
    assert "Care cascade" in page and "Quality of care by facilitator" in page
    assert "<svg" in page  # the cascade chart
    for member in made:
        assert member.client.given_name not in page
    # five screened-and-eligible, four enrolled: each is hidden as a small number or by subtraction
    assert "&lt;5" in page


def test_the_manager_is_refused_every_client_page(world, client):
    _grp, made = build(world)
    signed_in_manager(world, client)
    for url in (
        f"/clients/{made[0].client_id}/",
        "/clients/",
        "/groups/",
        "/today/",
        "/audit/",
        f"/measures/course/{made[0].course_id}/",
    ):
        assert client.get(url).status_code in (403, 404), url


def test_supervisors_see_the_dashboard_and_therapists_do_not(world, client):
    build(world)
    login(client, world.m["supervisor"])
    assert client.get("/programme/").status_code == 200
    assert client.get("/programme/report/").status_code == 403  # reports are for managers and admins
    login(client, world.m["therapist"])
    assert client.get("/programme/").status_code == 403


def test_filters_that_make_no_sense_are_said_and_the_default_period_is_shown(world, client):
    signed_in_manager(world, client)
    page = client.get("/programme/", {"start": "2026-05-01", "end": "2026-04-01", "facilitator": "x"})
    assert page.status_code == 200
    assert "comes before its start" in page.content.decode()


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_dashboard_runs_the_same_number_of_queries_with_more_groups(world, client):
    signed_in_manager(world, client)
    prog = programme(world)
    build(world, prog=prog)
    small = _count(client, "/programme/")
    build(world, prog=prog, members=6, name="Second group")
    assert _count(client, "/programme/") == small


def test_the_month_as_csv_is_audited(world, client):
    build(world)
    signed_in_manager(world, client)
    response = client.get("/programme/report/", {"month": this_month(), "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = {r["indicator"]: r for r in csv.DictReader(io.StringIO(response.content.decode()))}
    assert rows["attendance_marks"]["value"] == str(marks_this_month())
    assert rows["enrolled"]["value"] == "<5"
    event = AuditEvent.objects.filter(event_type="programmes.exported").latest("pk")
    assert event.details["kind"] == "csv" and event.details["period"] == this_month()


def test_a_month_with_nothing_in_it_says_so_instead_of_an_empty_file(world, client):
    signed_in_manager(world, client)
    response = client.get("/programme/report/", {"month": "2019-02", "format": "csv"})
    assert response["Content-Type"].startswith("text/html")
    assert "There is nothing to report for 2019-02" in response.content.decode()
    assert not AuditEvent.objects.filter(event_type="programmes.exported").exists()


def test_dhis2_needs_a_complete_mapping_and_then_gives_a_data_value_set(world, client):
    build(world)
    signed_in_manager(world, client)
    ProgrammeSettings.objects.create(
        organisation=world.org,
        dhis2_org_unit="OU_RIVER",
        dhis2_mapping=FULL.replace("remission = IPT_REMISSION", ""),
    )
    refused = client.get("/programme/report/", {"month": this_month(), "format": "dhis2"}).content.decode()
    assert "cannot be used yet" in refused and "remission" in refused
    ProgrammeSettings.objects.filter(organisation=world.org).update(dhis2_mapping=FULL)
    response = client.get("/programme/report/", {"month": this_month(), "format": "dhis2"})
    doc = json.loads(response.content)
    assert check_data_value_set(doc) == []
    assert doc["orgUnit"] == "OU_RIVER" and doc["period"] == this_month().replace("-", "")
    assert {"dataElement": "IPT_ATTENDANCE_MARKS", "value": str(marks_this_month())} in doc["dataValues"]


def test_a_bad_month_is_said_beside_the_field(world, client):
    signed_in_manager(world, client)
    page = client.get("/programme/report/", {"month": "2026-13", "format": "csv"}).content.decode()
    assert "Write the month as year-month" in page


def _settings(**changes):
    values = {
        "min_sessions": 4,
        "suppress_below": 5,
        "attendance_target": 75,
        "fidelity_target": 80,
        "checks_missed_target": 10,
        "ack_minutes_target": 30,
        "dhis2_org_unit": "OU_RIVER",
        "dhis2_data_set": "",
        "dhis2_mapping": "enrolled = IPT_ENROLLED",
        "version": 1,
    }
    values.update(changes)
    return values


def test_the_admin_saves_the_settings_and_a_wrong_code_is_named(world, client):
    login(client, world.m["admin"])
    page = client.post(
        "/programme/settings/", _settings(dhis2_mapping="enrolled = IPT ENROLLED")
    ).content.decode()
    assert "&#x27;IPT ENROLLED&#x27; is not a DHIS2 data element code" in page
    assert not ProgrammeSettings.objects.exists()
    assert client.post("/programme/settings/", _settings()).status_code == 302
    saved = ProgrammeSettings.objects.get(organisation=world.org)
    assert (saved.min_sessions, saved.dhis2_mapping, saved.version) == (4, "enrolled = IPT_ENROLLED", 2)
    assert AuditEvent.objects.filter(event_type="programmes.settings_changed").exists()
    stale = client.post("/programme/settings/", _settings(min_sessions=6)).content.decode()
    assert "Someone else changed these settings" in stale


def test_far_off_dates_are_refused_beside_the_field_not_a_server_error(world, client):
    signed_in_manager(world, client)
    page = client.get("/programme/", {"start": "9999-12-31", "end": "9999-12-31"})
    assert page.status_code == 200 and "between the years 1900 and 9000" in page.content.decode()
    report = client.get("/programme/report/", {"month": "9999-12", "format": "csv"})
    assert report.status_code == 200 and "between the years 1900 and 9000" in report.content.decode()
    assert client.get("/programme/report/", {"month": "0001-01", "format": "csv"}).status_code == 200


def test_the_period_is_whole_calendar_months(world, client):
    signed_in_manager(world, client)
    page = client.get("/programme/", {"start": "2026-02-14", "end": "2026-04-03"}).content.decode()
    assert "Figures for 1 Feb 2026 to 30 Apr 2026" in page
    assert 'value="2026-02-01"' in page and 'value="2026-04-30"' in page


def test_the_threshold_for_hiding_counts_is_at_least_three_in_the_form_and_the_action(world, client):
    import pytest

    from openipt.core.errors import ActionError
    from openipt.programmes import actions
    from tests.support.people import actor

    login(client, world.m["admin"])
    page = client.post("/programme/settings/", _settings(suppress_below=2)).content.decode()
    assert "Hide counts below 3 at least" in page
    assert not ProgrammeSettings.objects.exists()
    fields = {k: v for k, v in _settings(suppress_below=2).items() if k != "version"}
    with pytest.raises(ActionError) as refused:
        actions.save_settings(actor(world.m["admin"]), actions.SettingsInput(**fields), expected_version=1)
    assert "Hide counts below 3 at least" in str(refused.value) and refused.value.field == "suppress_below"
    assert client.post("/programme/settings/", _settings(suppress_below=3)).status_code == 302


def test_the_quick_filter_lists_write_the_same_html_as_django_s_select():
    """The dashboard's long lists are drawn without a template per option; a reader (and a screen reader) gets
    exactly what Django's own select writes: escaped names, the chosen option, the field's attributes."""
    from django import forms

    from openipt.programmes.forms import QuickSelect

    options = [("", "All"), ("1", "Amina & <Joseph>"), ("2", 'The "Tuesday" group'), ("30", "Zoë")]
    for value in ("", "2", None, "30", "99"):
        for attrs in (None, {"id": "id_group", "aria-describedby": "group-help", "required": True, "disabled": False}):
            assert (QuickSelect(choices=options).render("group", value, attrs)
                    == forms.Select(choices=options).render("group", value, attrs))
    grouped = [("Site A", [("1", "One")]), ("", "None")]
    assert QuickSelect(choices=grouped).render("g", "1") == forms.Select(choices=grouped).render("g", "1")


# The facilitator row as the dashboard's template drew it before the rows were drawn in Python.
TEMPLATE_ROW = """{% load i18n %}{% for row in rows %}{% with v=row.result.values %}
      <tr{% if row.below %} class="oi-below-target"{% endif %}><th scope="row">{{ row.name }}</th>
        <td>{{ v.enrolled.shown|default:"0" }}</td>
        <td>{{ v.attendance_present.percent|default:"—" }}</td>
        <td>{{ v.checks_missed.percent|default:"—" }}</td>
        <td>{{ v.alerts.shown|default:"0" }}{% if v.alerts_breached.shown %} ({{ v.alerts_breached.shown }}){% endif %}</td>
        <td>{{ v.ack_minutes.shown|default:"—" }}</td>
        <td>{% if v.fidelity_mean.value is not None %}{{ v.fidelity_mean.shown }}% ({{ v.fidelity_ratings.shown }}){% else %}—{% endif %}</td>
        <td>{% if row.below %}<strong>{% translate "Below target:" %}</strong> {% for id in row.below %}{% if id == "attendance_present" %}{% translate "attendance" %}{% elif id == "checks_missed" %}{% translate "questionnaires" %}{% elif id == "ack_minutes" %}{% translate "alert time" %}{% else %}{% translate "fidelity" %}{% endif %}{% if not forloop.last %}, {% endif %}{% endfor %}{% else %}{% translate "No" %}{% endif %}</td>
      </tr>{% endwith %}{% endfor %}"""


def test_the_facilitator_rows_read_as_the_template_wrote_them():
    """The facilitator table's rows are drawn in Python; a reader gets what the template wrote: escaped names,
    small counts as "<5", each target missed named, in English and in Spanish."""
    from django.template import Context, Template
    from django.utils import translation

    from openipt.programmes import indicators as ind
    from openipt.programmes import present

    base = ind.counts(ind.Cohort((), [], [], [], []))
    each = {
        1: {**base, "enrolled": 12, "attendance_marks": 80, "attendance_present": 50, "checks_missed": 20,
            "alerts": 7, "alerts_breached": 6, "ack_minutes": 45.0, "fidelity_ratings": 6, "fidelity_mean": 70.5},
        2: {**base, "enrolled": 3, "attendance_marks": 40, "attendance_present": 38, "checks_missed": 1},
        3: {**base, "enrolled": 30, "attendance_marks": 200, "attendance_present": 190, "checks_missed": 2,
            "alerts": 2, "alerts_breached": 0, "ack_minutes": 5.0, "fidelity_ratings": 9, "fidelity_mean": 91.0},
        4: base,
    }
    names = {1: "Amina & <Joseph>", 2: 'The "Tuesday" one', 3: "Zoë"}  # 4: a former facilitator
    for language in ("en", "es"):
        with translation.override(language):
            rows = present.rows_from_counts(each, names, threshold=5, targets=ind.Targets())
            assert any(row.below for row in rows) and any(not row.below for row in rows)
            drawn = "".join(row.html() for row in rows)
            assert drawn == Template(TEMPLATE_ROW).render(Context({"rows": rows}))
    assert "Amina &amp; &lt;Joseph&gt;" in drawn and "&lt;5" in drawn
