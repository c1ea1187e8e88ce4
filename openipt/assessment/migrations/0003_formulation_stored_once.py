"""The formulation is stored once: a course's own formulation text becomes a version of the assessment's.

Before this, a course kept `formulation_text` and `formulation_agreed_on` beside the assessment's
versioned formulation, and the two could differ (the course's "Focus and formulation" form wrote
only the course). The versioned formulation is now the only one; courses' next migration removes
the two fields. Forward, for each course with formulation text:

* When the latest shared version already holds that text, nothing new is written; an agreement date
  the course had and the version lacks is copied to the version (for the same problem area).
* Otherwise the text becomes a new version, saved by the course's therapist when the course last
  changed. It is shared with the client only if the client had agreed it (they have seen it, and the
  phase rules counted it as agreed); otherwise it waits, saved but not shared, for the therapist.
* A course without a working draft gets one holding the newest text, so the editor opens on it.

Backward, each course's text is read again from its latest version, and its agreement date from that
version when it was shared and agreed for the course's area; the versions written forward are kept
(they are true history, and the old code reads them too).
"""

from django.db import migrations

COURSE_TEXT_LIMIT = 20000  # what the course field held (openipt.courses.actions.MAX_TEXT at the time)


def _same(version_text, course_text):
    if version_text.strip() == course_text:
        return True
    # The course kept a shortened copy of a longer shared version: its start is the version's start.
    head = COURSE_TEXT_LIMIT - 1000
    return len(version_text) > COURSE_TEXT_LIMIT and course_text[:head] == version_text[:head]


def forward(apps, schema_editor):
    Course = apps.get_model("courses", "Course")
    Version = apps.get_model("assessment", "FormulationVersion")
    Draft = apps.get_model("assessment", "FormulationDraft")
    courses = Course.objects.exclude(formulation_text="").order_by("pk")
    for course in courses.iterator():
        text = course.formulation_text.strip()
        if not text:
            continue
        versions = list(Version.objects.filter(course_id=course.pk).order_by("number"))
        shared = [v for v in versions if v.shared_at is not None]
        latest_shared = shared[-1] if shared else None
        when = course.updated_at
        agreed_on = course.formulation_agreed_on
        if latest_shared is not None and _same(latest_shared.text, text):
            if agreed_on and latest_shared.agreed_on is None and latest_shared.area == course.primary_area:
                latest_shared.agreed_on = agreed_on
                latest_shared.agreement_recorded_by_id = course.therapist_id
                latest_shared.agreement_recorded_at = when
                latest_shared.save(update_fields=["agreed_on", "agreement_recorded_by", "agreement_recorded_at"])
        else:
            Version.objects.create(
                course_id=course.pk, number=(versions[-1].number if versions else 0) + 1, text=text, staff_text="",
                area=course.primary_area, stage=course.dispute_stage, saved_by_id=course.therapist_id, saved_at=when,
                shared_at=when if agreed_on else None, shared_by_id=course.therapist_id if agreed_on else None,
                agreed_on=agreed_on, agreed_by_client=False,
                agreement_recorded_by_id=course.therapist_id if agreed_on else None,
                agreement_recorded_at=when if agreed_on else None,
            )
        if not Draft.objects.filter(course_id=course.pk).exists():
            newest = Version.objects.filter(course_id=course.pk).order_by("-number").first()
            Draft.objects.create(course_id=course.pk, text=newest.text, staff_text=newest.staff_text, version=1,
                                 updated_by_id=course.therapist_id, updated_at=when)


def backward(apps, schema_editor):
    Course = apps.get_model("courses", "Course")
    Version = apps.get_model("assessment", "FormulationVersion")
    tail = "\n\n(Shortened here. The full formulation is on the assessment page.)"
    latest = {}
    for version in Version.objects.order_by("course_id", "number").iterator():
        latest[version.course_id] = version
    for course_id, version in latest.items():
        text = version.text
        if len(text) > COURSE_TEXT_LIMIT:
            text = text[: COURSE_TEXT_LIMIT - len(tail)].rstrip() + tail
        course = Course.objects.get(pk=course_id)
        agreed = version.shared_at is not None and version.area == course.primary_area
        course.formulation_text = text
        course.formulation_agreed_on = version.agreed_on if agreed else None
        course.save(update_fields=["formulation_text", "formulation_agreed_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0002_grief_is_for_a_death"),
        ("courses", "0003_screening_answers"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
