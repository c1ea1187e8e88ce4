"""The initial-phase screening recorded on a course (imported by models.py so Django finds it).

Answers are append-only: a new answer for a topic is a new row, and the latest row of each topic
is the one the start checks read. The wording asked is stored with the answer.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openipt.accounts.models import Membership

DECISION_VALUES = ("proceed", "refer", "shared_care")


class ScreeningAnswer(models.Model):
    """One screened topic of a course: what was asked, the answer, and what was decided."""

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="screening_answers")
    topic = models.CharField(max_length=40)
    asked = models.TextField(_("what was asked"))
    answer = models.TextField(_("the answer"))
    decision = models.CharField(_("decision"), max_length=12)
    by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(decision__in=DECISION_VALUES), name="screening_decision_valid"),
            models.CheckConstraint(condition=~Q(topic=""), name="screening_has_topic"),
            models.CheckConstraint(condition=~Q(answer=""), name="screening_has_answer"),
        ]
        indexes = [models.Index(fields=["course", "topic"])]

    def __str__(self) -> str:
        return f"{self.topic} screening on course {self.course_id}"
