"""Uploads stop early when too large; the embedded database is the owner's only."""

import io
import os
import stat

import pytest
from django.db import connection
from django.test import Client

from maatwerk.dbbackends.sqlite3.base import DatabaseWrapper

pytestmark = pytest.mark.django_db


class CountingInput(io.BytesIO):
    """A request body that counts how much of it was read."""

    read_bytes = 0

    def read(self, size=-1):
        data = super().read(size)
        self.read_bytes += len(data)
        return data

    def readline(self, size=-1):
        data = super().readline(size)
        self.read_bytes += len(data)
        return data


def test_a_too_large_upload_is_refused_before_its_body_is_read(settings):
    settings.MAX_UPLOAD_BYTES = 1024
    body = CountingInput(b"x" * 4096)
    response = Client().generic(
        "POST",
        "/budget/cases/1/spend/",
        data=b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(3 * 1024 * 1024),
        **{"wsgi.input": body},
    )
    assert response.status_code == 413
    assert "te groot" in response.content.decode()
    assert body.read_bytes == 0
    assert "no-store" in response["Cache-Control"]


def test_a_normal_request_passes_the_upload_limit(client):
    assert client.get("/accounts/login/").status_code == 200


def test_the_sqlite_database_file_is_readable_by_the_owner_only(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the embedded database only")
    path = tmp_path / "maatwerk.sqlite3"
    path.touch()
    os.chmod(path, 0o644)
    settings_dict = {**connection.settings_dict, "NAME": str(path), "OPTIONS": {}}
    wrapper = DatabaseWrapper(settings_dict, alias="file-mode-test")
    try:
        wrapper.ensure_connection()
    finally:
        wrapper.close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
