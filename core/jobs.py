"""Periodic jobs leave a durable trace: `@recorded` writes each run's start, finish and error to `JobRun`.

Put it under huey's decorator (`@db_periodic_task(...)` then `@recorded`); the task keeps its name.
The rows are the answer to "did the sweep run in the last hour?" after a deploy or a worker crash,
which the worker's logs (gone with the dyno) cannot give.
"""

import functools

from django.utils import timezone

from core.models import JobRun

# Every job wrapped so far, by name ("checkout.tasks.sweep_outbox"), so a job that never ran shows too.
JOBS: set[str] = set()


def recorded(job):
    name = f"{job.__module__}.{job.__name__}"
    JOBS.add(name)

    @functools.wraps(job)
    def run(*args, **kwargs):
        JobRun.objects.update_or_create(name=name, defaults={"last_started": timezone.now()})
        try:
            result = job(*args, **kwargs)
        except Exception as error:
            JobRun.objects.filter(name=name).update(last_error=f"{type(error).__name__}: {error}"[:2000])
            raise
        JobRun.objects.filter(name=name).update(last_finished=timezone.now(), last_error="")
        return result

    return run
