"""Shared model building blocks."""

from django.db import models


class TimeStamped(models.Model):
    """Adds creation and last-change times to a model."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Submission(models.Model):
    """A form submission already carried out, so a double click or a resend does it only once."""

    user_id = models.BigIntegerField()
    key = models.CharField(max_length=64)
    redirect_to = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user_id", "key"], name="submission_once_per_user")]

    def __str__(self) -> str:
        return f"submission {self.key}"
