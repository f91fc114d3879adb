"""Links in development follow the address runserver serves on (core/devserver.py)."""

import pytest

from core.devserver import runserver_url


@pytest.mark.parametrize(("argv", "url"), [
    (["manage.py", "runserver"], "http://127.0.0.1:8000"),
    (["manage.py", "runserver", "8123"], "http://127.0.0.1:8123"),
    (["manage.py", "runserver", "127.0.0.1:8123"], "http://127.0.0.1:8123"),
    (["manage.py", "runserver", "--noreload", "localhost:9000"], "http://localhost:9000"),
    (["manage.py", "runserver", "0.0.0.0:8123"], "http://127.0.0.1:8123"),
    (["manage.py", "runserver", "0:8123"], "http://127.0.0.1:8123"),
    (["manage.py", "runserver", "[::1]:8123"], "http://[::1]:8123"),
    (["manage.py", "runserver", "-6"], "http://[::1]:8000"),
])
def test_the_runserver_address_is_read_from_its_command_line(argv, url):
    assert runserver_url(argv) == url


@pytest.mark.parametrize("argv", [
    ["manage.py", "seed_demo"], ["manage.py"], ["pytest"], ["manage.py", "runserver", "not a port"],
])
def test_any_other_command_has_no_runserver_address(argv):
    assert runserver_url(argv) is None
