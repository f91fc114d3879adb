"""The committed CSS is built through django-tailwind (`make css`), from the app TAILWIND_APP_NAME names."""

import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from tailwind.utils import get_package_json_contents, get_tailwind_src_path
from tailwind.validate import Validations

ROOT = Path(__file__).resolve().parents[2]


def test_make_css_runs_django_tailwind():
    dry_run = subprocess.run(["make", "-n", "css", "css-watch"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    lines = dry_run.stdout.splitlines()
    assert any(line.endswith("manage.py tailwind install") for line in lines), dry_run.stdout
    assert any(line.endswith("manage.py tailwind start") for line in lines), dry_run.stdout
    assert not any(line.lstrip().startswith(("npm ", "cd shop/static_src")) for line in lines)


@pytest.mark.django_db
def test_the_tailwind_app_builds_the_stylesheet_the_pages_load(client):
    Validations().is_tailwind_app(settings.TAILWIND_APP_NAME)  # raises if it has no static_src
    assert Path(get_tailwind_src_path(settings.TAILWIND_APP_NAME)) == ROOT / "shop" / "static_src"
    build = get_package_json_contents(settings.TAILWIND_APP_NAME)["scripts"]["build"]
    assert f"--output ../../static/{settings.TAILWIND_CSS_PATH}" in build
    built = ROOT / "static" / settings.TAILWIND_CSS_PATH
    assert built.stat().st_size > 10_000  # committed: running the shop needs no Node
    assert f'href="/static/{settings.TAILWIND_CSS_PATH}"' in client.get("/search/").content.decode()
