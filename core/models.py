"""The one table core keeps: when each periodic job last ran (written by core.jobs.recorded)."""

from django.db import models


class JobRun(models.Model):
    """One row per periodic job: when it last started, when it last finished without an error, and the
    error its last run ended with ("" when it succeeded). The operator's health view shows them."""

    name = models.CharField(max_length=200, unique=True)
    last_started = models.DateTimeField(null=True, blank=True)
    last_finished = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
