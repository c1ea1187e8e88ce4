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


class Heartbeat(models.Model):
    """The last time a background runner finished a round (readiness fails when one is stale)."""

    name = models.CharField(max_length=40, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class TaskRequest(models.Model):
    """The request id a queued task was enqueued under, so the worker's log lines carry it too."""

    task_id = models.CharField(max_length=64, primary_key=True)
    request_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"task {self.task_id} from request {self.request_id}"
