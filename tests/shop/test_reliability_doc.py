"""docs/RELIABILITY.md names the test that holds each promise: every test it names exists."""

import fnmatch
import re

from tests.support.processes import ROOT

TESTS = ROOT / "tests"


def _test_names(paths) -> set[str]:
    return {name for path in paths for name in re.findall(r"^def (test_\w+)", path.read_text(), re.M)}


def _named_tests():
    """(reference, candidate files, test name or pattern) for each test a table row names.

    A row writes `tests/app/test_x.py::test_y`, or just `test_x.py::test_y` when the file name is
    unique enough, and `::test_z` for another test in the file it named last.
    """
    for row in (ROOT / "docs" / "RELIABILITY.md").read_text().splitlines():
        if not row.startswith("|"):
            continue
        files = None
        for reference in re.findall(r"`([^`]+)`", row):
            named = re.fullmatch(r"((?:[\w/]+/)?test_\w+\.py)(?:::(\w+\*?))?(?:\[[^\]]*\])?", reference)
            if named:
                path, test = named.groups()
                tail = path.removeprefix("tests/")
                files = [f for f in TESTS.rglob(path.split("/")[-1]) if f.as_posix().endswith(tail)]
                yield reference, files, test
            elif re.fullmatch(r"::\w+\*?(?:\[[^\]]*\])?", reference):
                yield reference, files, re.match(r"::(\w+\*?)", reference).group(1)


def test_every_test_named_in_reliability_md_exists():
    references = list(_named_tests())
    assert len(references) > 40, "the tables were not read"
    missing = [reference for reference, files, test in references
               if not files or (test and not fnmatch.filter(_test_names(files), test))]
    assert missing == []
