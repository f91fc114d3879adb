"""app.json (Heroku's deploy button) stays in step with .env.example and the Procfile, and what it asks for
is enough for the release phase to pass the shop's production checks."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = json.loads((ROOT / "app.json").read_text())
ENV_EXAMPLE = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.M))

# What a deployer types into the button's form: the variables app.json requires and cannot fill in.
TYPED = {
    "DJANGO_DEFAULT_FROM_EMAIL": "orders@example.com",
    "EMAIL_URL": "smtp+tls://user:password@smtp.example.com:587",
    "STRIPE_SECRET_KEY": "sk_test_x",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_x",
    "STRIPE_WEBHOOK_SECRET": "whsec_x",
    "SHOP_BASE_URL": "https://my-shop-1a2b3c4d5e6f.herokuapp.com",
}
# What the add-ons set (Heroku Redis hands out a TLS URL).
ADDONS = {
    "DATABASE_URL": "postgres://user:password@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d1a2b3",
    "REDIS_URL": "rediss://:password@ec2-1-2-3-4.compute-1.amazonaws.com:6380",
}


def test_every_variable_of_env_example_is_in_app_json_with_a_description():
    listed = set(APP["env"])
    assert ENV_EXAMPLE - listed == set(), "add these to app.json"
    assert listed - ENV_EXAMPLE == set(), "add these to .env.example"
    for name, spec in APP["env"].items():
        assert len(spec.get("description", "")) > 20, name


def test_app_json_names_the_add_ons_and_the_formation_of_the_procfile():
    plans = [addon["plan"] if isinstance(addon, dict) else addon for addon in APP["addons"]]
    assert any(plan.startswith("heroku-postgresql:") for plan in plans)
    assert any(plan.startswith("heroku-redis:") for plan in plans)
    procfile = dict(line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip())
    assert set(APP["formation"]) == {"web", "worker"} <= set(procfile)
    assert all(process["quantity"] >= 1 for process in APP["formation"].values())
    assert procfile["release"].startswith("python manage.py migrate")  # Heroku runs it on every deploy


def test_secrets_are_generated_not_typed():
    for name in ("DJANGO_SECRET_KEY", "SHOP_HEALTH_TOKEN"):
        assert APP["env"][name].get("generator") == "secret", name
        assert "value" not in APP["env"][name]


def test_a_button_deploy_passes_the_checks_of_the_release_phase():
    """The environment a deploy from the button produces: app.json's values, generated secrets, what the
    deployer typed and what the add-ons set. `migrate` (the release phase) runs these checks first."""
    required_blank = {name for name, spec in APP["env"].items()
                      if spec.get("required", True) and "value" not in spec and "generator" not in spec}
    assert required_blank == set(TYPED), "a required variable without a value: add what a deployer types to TYPED"
    env = {name: spec["value"] for name, spec in APP["env"].items() if "value" in spec}
    env |= {name: secrets.token_hex(32) for name, spec in APP["env"].items() if spec.get("generator") == "secret"}
    env |= TYPED | ADDONS
    clean = {k: v for k, v in os.environ.items() if k not in APP["env"] and not k.startswith("DJANGO_")}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                            env=clean | env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
