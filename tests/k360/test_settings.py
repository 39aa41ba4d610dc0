import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean_env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "SECRET_KEY",
            "DJANGO_SETTINGS_MODULE",
            "ALLOWED_HOSTS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean_env, "DJANGO_SETTINGS_MODULE": "k360.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_refuses_to_start_with_debug_off_and_the_development_key():
    result = run_manage("check", DEBUG="False")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("debug", ["True"])
def test_starts_in_development_with_the_development_key(debug):
    result = run_manage("check", DEBUG=debug, DATABASE_URL="sqlite:///:memory:")
    assert result.returncode == 0, result.stderr


def test_deploy_check_is_clean_with_production_values():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="False",
        SECRET_KEY="x7#Qm2!vL9@pR4$tZ8^wN1&kJ6*hB3(dF5)gS0-cV2+yU7_eA4=iO9",
        ALLOWED_HOSTS="kommune360.example",
        SITE_URL="https://kommune360.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_is_clean_behind_a_tls_terminating_proxy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="False",
        SECRET_KEY="x7#Qm2!vL9@pR4$tZ8^wN1&kJ6*hB3(dF5)gS0-cV2+yU7_eA4=iO9",
        ALLOWED_HOSTS="kommune360.example",
        SECURE_SSL_REDIRECT="False",
    )
    assert result.returncode == 0, result.stdout + result.stderr
