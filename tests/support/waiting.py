"""Waiting for something to become true, with a deadline: the one poll loop of the suite."""

import time


def wait_until(predicate, *, timeout: float, interval: float = 0.05):
    """Call `predicate` until it returns something true or `timeout` seconds have passed.

    Returns the predicate's last result (checked once more at the deadline), so callers write
    `assert wait_until(..., timeout=10), "what did not happen"`. The sleep between calls is the
    poll interval, not a guess at how long something takes.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result or time.monotonic() >= deadline:
            return result
        time.sleep(interval)
