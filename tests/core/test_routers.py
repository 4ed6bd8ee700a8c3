"""The read replica is used only inside replica_reads(), only when configured, and never for writes."""

from types import SimpleNamespace

from core import routers
from core.routers import ReplicaRouter, replica_reads
from members.models import Member


def test_reads_stay_on_the_primary_without_a_replica():
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Member) == "default"


def test_reads_inside_the_block_go_to_the_replica_and_writes_never_do(monkeypatch):
    monkeypatch.setattr(routers, "settings", SimpleNamespace(DATABASES={"default": {}, "replica": {}}))
    router = ReplicaRouter()
    assert router.db_for_read(Member) == "default"
    with replica_reads():
        assert router.db_for_read(Member) == "replica"
        assert router.db_for_write(Member) == "default"
    assert router.db_for_read(Member) == "default"
    assert router.allow_migrate("replica", "members") is False
