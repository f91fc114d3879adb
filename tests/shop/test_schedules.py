"""The periodic jobs: registered with the huey the worker runs, and due when the docs say (UTC)."""

import re
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta

import pytest
from huey.contrib.djhuey import HUEY

from tests.support.processes import ROOT, child_env
from tests.support.waiting import wait_until

# Every periodic task, and the (hour, minute) of each day it is due: docs/RELIABILITY.md says the same.
SCHEDULES = {
    "checkout.tasks.release_expired_holds": {(h, m) for h in range(24) for m in range(0, 60, 5)},
    "checkout.tasks.sweep_outbox": {(h, m) for h in range(24) for m in range(0, 60, 2)},
    "checkout.tasks.housekeeping": {(3, 17)},
    "storefront.tasks.low_stock_digest": {(7, 0)},
}


def _name(task) -> str:
    return HUEY._registry.task_to_string(type(task))  # as the worker lists it: module.function


def test_each_periodic_task_is_due_exactly_when_documented():
    import checkout.tasks  # noqa: F401  (what the worker imports; the next test shows it does)
    import storefront.tasks  # noqa: F401

    assert {_name(task) for task in HUEY._registry.periodic_tasks} == set(SCHEDULES)
    day = datetime(2026, 3, 2)  # huey's scheduler asks with naive UTC times, one a minute
    due = {name: set() for name in SCHEDULES}
    for minute in range(24 * 60):
        moment = day + timedelta(minutes=minute)
        for task in HUEY.read_periodic(moment):
            due[_name(task)].add((moment.hour, moment.minute))
    assert due == SCHEDULES


@pytest.mark.django_db(transaction=True)  # a job the worker runs meanwhile finds the (empty) test database
def test_the_procfile_worker_registers_every_periodic_task_and_runs_the_schedule(redis_base_url):
    import redis

    redis_url = f"{redis_base_url}/13"
    redis.Redis.from_url(redis_url).flushdb()
    command = re.search(r"^worker: python (.+)$", (ROOT / "Procfile").read_text(), re.M).group(1).split()
    worker = subprocess.Popen([sys.executable, *command], cwd=ROOT, env=child_env(REDIS_URL=redis_url),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []

    def read():
        for line in worker.stdout:
            lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        started = wait_until(lambda: any("The following commands are available" in line for line in lines)
                             or worker.poll() is not None, timeout=60, interval=0.1)
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(30)
        reader.join(10)
        redis.Redis.from_url(redis_url).flushdb()
    output = "".join(lines)
    # Not the exit code: huey installs its signal handlers after listing its commands, so a SIGINT that
    # arrives in between ends the worker with KeyboardInterrupt instead of a clean stop.
    assert started and "The following commands are available" in output, output
    assert "Periodic tasks are enabled." in output
    listed = output.split("The following commands are available:")[1]
    registered = set(re.findall(r"^\+ (\S+)$", listed, re.M))
    assert set(SCHEDULES) <= registered, output
