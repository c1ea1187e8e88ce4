"""The migration that stores the formulation once: a course's own text becomes a version of the assessment's.

Rows written before the change go through the real migrations (unapplied, then applied again, then
unapplied once more), so the test sees what a site upgrading, or going back, gets. As in
test_migration_grief_kinds.py, SQLite runs outside the test's transaction and PostgreSQL inside it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("assessment", "0002_grief_is_for_a_death"), ("courses", "0003_screening_answers")]
AGREED = date(2026, 3, 2)
ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]


def _owner():
    """Clients and a therapist made directly (no actions), so no audit row blocks the database flush afterwards."""
    from django.contrib.auth import get_user_model

    from openipt.accounts.models import Membership, Organisation
    from openipt.clients.models import Client

    org = Organisation.objects.create(name="Formulation Clinic", slug="formulation-clinic")
    user = get_user_model().objects.create(username="formulation-therapist")
    member = Membership.objects.create(user=user, organisation=org, role="therapist")
    clients = [
        Client.objects.create(organisation=org, record_number=f"F-{n}", given_name=name)
        for n, name in enumerate(("Bea", "Cal", "Dee", "Eli", "Fay"), start=1)
    ]
    return org, clients, member


@pytest.mark.skipif(ON_POSTGRESQL, reason="SQLite variant")
@pytest.mark.django_db(transaction=True)
def test_course_formulations_become_versions_and_come_back_when_the_migration_is_reversed():
    _check_the_move()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="PostgreSQL variant")
@pytest.mark.django_db
def test_course_formulations_become_versions_and_come_back_when_the_migration_is_reversed_postgresql():
    _check_the_move()


def _migrate(targets):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks may block ALTER TABLE
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _check_the_move():
    org, clients, member = _owner()
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    # given the database as it was when courses kept their own formulation text
    _migrate(BEFORE)
    state = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    Course = state.get_model("courses", "Course")
    Version = state.get_model("assessment", "FormulationVersion")
    Draft = state.get_model("assessment", "FormulationDraft")
    now = timezone.now()

    def course(
        text, agreed_on=None, area="grief"
    ):  # one client each: a client has one open course per format
        return Course.objects.create(
            organisation_id=org.pk,
            client_id=clients.pop().pk,
            format_id="individual",
            therapist_id=member.pk,
            created_by_id=member.pk,
            start_date=AGREED - timedelta(days=14),
            sessions_planned=12,
            frequency="weekly",
            planned_end_date=AGREED + timedelta(days=80),
            primary_area=area,
            primary_rationale="Her mother died in the spring.",
            formulation_text=text,
            formulation_agreed_on=agreed_on,
        ).pk

    def version(course_id, number, text, *, shared=True):
        return Version.objects.create(
            course_id=course_id,
            number=number,
            text=text,
            area="grief",
            saved_by_id=member.pk,
            saved_at=now,
            shared_at=now if shared else None,
            shared_by_id=member.pk if shared else None,
        )

    agreed_only_here = course("Your low mood began after your mother died.", AGREED)
    written_only_here = course("A first idea, not yet talked through.")
    same_as_shared = course("The grief has not been talked about yet.", AGREED)
    version(same_as_shared, 1, "The grief has not been talked about yet.")
    edited_after_sharing = course("Changed on the focus page after sharing.")
    version(edited_after_sharing, 1, "The version the client was shown.")
    Draft.objects.create(
        course_id=edited_after_sharing,
        text="The therapist's working text.",
        version=3,
        updated_by_id=member.pk,
        updated_at=now,
    )
    nothing_written = course("")

    # when the migrations run forward
    _migrate(leaves)
    from openipt.assessment.models import FormulationDraft, FormulationVersion
    from openipt.courses.models import Course as CourseNow

    def versions(course_id):
        return list(
            FormulationVersion.objects.filter(course_id=course_id)
            .order_by("number")
            .values_list("number", "text", "shared_at", "agreed_on")
        )

    assert not hasattr(CourseNow, "formulation_text")
    # an agreed text becomes a shared, agreed version: the client agreed it, so they have it
    [(number, text, shared_at, agreed_on)] = versions(agreed_only_here)
    assert (number, text, agreed_on) == (1, "Your low mood began after your mother died.", AGREED)
    assert shared_at is not None
    # a text nobody agreed waits, saved but not shared, for the therapist to share
    [(_, text, shared_at, agreed_on)] = versions(written_only_here)
    assert (text, shared_at, agreed_on) == ("A first idea, not yet talked through.", None, None)
    # a text already shared is not written twice; the agreement the course held moves to the version
    assert [(n, t, a) for n, t, _s, a in versions(same_as_shared)] == [
        (1, "The grief has not been talked about yet.", AGREED)
    ]
    # a text changed on the focus page after sharing is kept as the newest version, not shared
    assert [(n, t, s is None) for n, t, s, _a in versions(edited_after_sharing)] == [
        (1, "The version the client was shown.", False),
        (2, "Changed on the focus page after sharing.", True),
    ]
    assert versions(nothing_written) == []
    # the formulation editor opens on the text; a working draft the therapist had is left alone
    assert (
        FormulationDraft.objects.get(course_id=agreed_only_here).text
        == "Your low mood began after your mother died."
    )
    assert (
        FormulationDraft.objects.get(course_id=edited_after_sharing).text == "The therapist's working text."
    )
    assert not FormulationDraft.objects.filter(course_id=nothing_written).exists()

    # and when the change is undone, each course reads its text and agreement back from the versions
    _migrate(BEFORE)
    state = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    OldCourse = state.get_model("courses", "Course")
    back = {
        pk: (t, a)
        for pk, t, a in OldCourse.objects.values_list("pk", "formulation_text", "formulation_agreed_on")
    }
    assert back[agreed_only_here] == ("Your low mood began after your mother died.", AGREED)
    assert back[written_only_here] == ("A first idea, not yet talked through.", None)
    assert back[same_as_shared] == ("The grief has not been talked about yet.", AGREED)
    assert back[edited_after_sharing] == ("Changed on the focus page after sharing.", None)
    assert back[nothing_written] == ("", None)
    _migrate(leaves)
