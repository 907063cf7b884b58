"""The read replica is used only inside read_from_replica(), and only when configured;
writes and migrations always go to default."""

import pytest
from django.conf import settings

from maatwerk.core.routing import ReplicaRouter, read_from_replica
from maatwerk.journeys.models import Request


@pytest.fixture
def with_replica(monkeypatch):
    databases = dict(settings.DATABASES)
    databases["replica"] = dict(settings.DATABASES["default"])
    monkeypatch.setattr(settings, "DATABASES", databases)


def test_without_a_replica_every_read_goes_to_default():
    router = ReplicaRouter()
    with read_from_replica():
        assert router.db_for_read(Request) == "default"


def test_with_a_replica_only_the_marked_reads_go_there(with_replica):
    router = ReplicaRouter()
    assert router.db_for_read(Request) == "default"
    with read_from_replica():
        assert router.db_for_read(Request) == "replica"
        assert router.db_for_write(Request) == "default"
    assert router.db_for_read(Request) == "default"  # reset after the block


def test_the_replica_is_never_migrated(with_replica):
    router = ReplicaRouter()
    assert router.allow_migrate("default", "cases") is True
    assert router.allow_migrate("replica", "cases") is False


def test_the_router_is_installed():
    assert settings.DATABASE_ROUTERS == ["maatwerk.core.routing.ReplicaRouter"]
