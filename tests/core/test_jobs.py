"""Each periodic job leaves a durable record of when it last ran and how its last run ended."""

import pytest

from checkout import tasks as checkout_tasks
from core.jobs import JOBS, recorded
from core.models import JobRun
from storefront import tasks as storefront_tasks

pytestmark = pytest.mark.django_db

PERIODIC = {"checkout.tasks.release_expired_holds", "checkout.tasks.sweep_outbox", "checkout.tasks.housekeeping",
            "storefront.tasks.low_stock_digest"}


def test_every_periodic_job_is_recorded_and_keeps_its_task_name():
    assert PERIODIC <= JOBS
    for job in (checkout_tasks.release_expired_holds, checkout_tasks.sweep_outbox, checkout_tasks.housekeeping,
                storefront_tasks.low_stock_digest):
        # huey names a task after its function: the wrapper must not rename it.
        assert f"{job.task_class.__module__}.{job.task_class.__name__}" in PERIODIC


def test_a_job_run_records_its_start_and_clean_finish():
    checkout_tasks.sweep_outbox()  # huey runs it at once in the tests
    run = JobRun.objects.get(name="checkout.tasks.sweep_outbox")
    assert run.last_started is not None and run.last_finished >= run.last_started
    assert run.last_error == ""


def test_a_failing_run_records_its_error_and_keeps_the_last_clean_finish():
    outcomes = ["ok", "fail", "ok"]

    def flaky_job():
        if outcomes.pop(0) == "fail":
            raise RuntimeError("the mail server said no")

    job = recorded(flaky_job)
    try:
        job()
        finished = JobRun.objects.get(name__endswith="flaky_job").last_finished
        with pytest.raises(RuntimeError):
            job()
        run = JobRun.objects.get(name__endswith="flaky_job")
        assert run.last_error == "RuntimeError: the mail server said no"
        assert run.last_finished == finished and run.last_started > finished
        job()
        run.refresh_from_db()
        assert run.last_error == "" and run.last_finished > finished
    finally:
        JOBS.discard(f"{flaky_job.__module__}.{flaky_job.__name__}")
