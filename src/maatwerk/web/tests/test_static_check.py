"""The deployment check (and the WSGI start) that refuse uncollected static files:
with the production storage, a missing or outdated manifest makes every page a 500."""

import json

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings

from maatwerk.web.checks import require_collected_static


@pytest.fixture
def production_storage(tmp_path):
    """The production static files storage (the manifest, without the compression that
    only makes collecting slower), with an empty STATIC_ROOT of its own."""
    root = tmp_path / "static"
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, STATIC_ROOT=root):
        yield root


def static_errors(deploy=True):
    return [
        issue
        for issue in checks.run_checks(include_deployment_checks=deploy)
        if issue.id.startswith("maatwerk_static.")
    ]


def test_without_collectstatic_the_deploy_check_fails_and_the_app_does_not_start(
    production_storage,
):
    errors = static_errors()
    assert [(error.id, error.level) for error in errors] == [("maatwerk_static.E001", checks.ERROR)]
    assert str(production_storage) in errors[0].msg
    assert "maatwerk collectstatic" in errors[0].hint
    with pytest.raises(ImproperlyConfigured, match="collectstatic"):
        require_collected_static()
    # Only a deployment check: `maatwerk migrate` and `maatwerk collectstatic` itself
    # run before the files are collected and must not be stopped by it.
    assert static_errors(deploy=False) == []


def test_after_collectstatic_the_check_passes(production_storage):
    call_command("collectstatic", interactive=False, verbosity=0)
    assert static_errors() == []
    require_collected_static()


def test_a_manifest_of_an_older_release_is_caught(production_storage):
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest_path = production_storage / "staticfiles.json"
    manifest = json.loads(manifest_path.read_text())
    del manifest["paths"]["maatwerk/maatwerk.css"]  # a file this release added
    manifest_path.write_text(json.dumps(manifest))
    errors = static_errors()
    assert [error.id for error in errors] == ["maatwerk_static.E002"]
    assert "maatwerk/maatwerk.css" in errors[0].msg
    with pytest.raises(ImproperlyConfigured, match=r"maatwerk/maatwerk\.css"):
        require_collected_static()


def test_the_development_and_test_storage_needs_no_manifest():
    assert static_errors() == []
    require_collected_static()
