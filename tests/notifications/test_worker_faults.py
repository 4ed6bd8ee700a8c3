"""Deliveries on a real worker that is killed mid-chunk (PostgreSQL and the settings' broker; skipped without
PostgreSQL, failed under CI=true). Each delivery is claimed just before it is sent, so the kill leaves only the
one in flight SENDING; every other unsent delivery goes out at the next sweep once its message counts as lost,
and none goes out twice."""

import os
import signal
import time
from collections import Counter

import pytest
from django.conf import settings

from notifications.choices import DeliveryStatus, Kind
from notifications.models import Delivery
from notifications.services import Due, notifications_create, notifications_dispatch
from notifications.tasks import retry_deliveries, send_deliveries
from tests.notifications.factories import WebhookEndpointFactory
from tests.worker import real_broker, start_worker, stop_worker  # noqa: F401 - real_broker is a fixture

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.usefixtures("real_broker")]

ROBOTS = 10
LOST_AFTER = 3  # seconds, for the sweeping worker (production: NOTIFICATION_LOST_AFTER_SECONDS=120)


def test_a_worker_killed_mid_chunk_leaves_only_the_delivery_in_flight_and_the_sweep_sends_the_rest_once(
        city, robot_server, tmp_path):
    robots = [WebhookEndpointFactory(organisation=city.branch_a, url=robot_server.url(f"/send?key=robot-{i}"))
              for i in range(ROBOTS)]
    notifications_create([Due(kind=Kind.WEBHOOK_TEST, target=f"webhook:{robot.pk}", period="p", title="测试",
                              webhook_id=robot.pk) for robot in robots])
    ids = notifications_dispatch()
    assert len(ids) == ROBOTS
    robot_server.delay = 0.5
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-doomed"
    doomed = start_worker(tmp_path / "doomed", queue=queue)
    try:
        send_deliveries.apply_async((ids,), queue=queue)
        robot_server.wait_for_requests(3, timeout=30)  # the third is in flight: the robot has not answered
        os.kill(doomed.process.pid, signal.SIGKILL)
        doomed.process.wait(timeout=10)
    finally:
        stop_worker(doomed)
    statuses = Counter(Delivery.objects.values_list("status", flat=True))
    assert statuses[DeliveryStatus.SENDING] == 1, statuses  # only the one in flight waits
    assert statuses[DeliveryStatus.SENT] == 2 and statuses[DeliveryStatus.PENDING] == ROBOTS - 3, statuses

    robot_server.delay = 0
    sweeper_queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-sweeper"
    sweeper = start_worker(tmp_path / "sweeper", queue=sweeper_queue,
                           env_extra={"NOTIFICATION_LOST_AFTER_SECONDS": str(LOST_AFTER)})
    try:
        time.sleep(LOST_AFTER)
        retry_deliveries.apply_async(queue=sweeper_queue)  # as beat does every minute
        sweeper.wait_for(lambda: Delivery.objects.filter(status=DeliveryStatus.SENT).count() == ROBOTS - 1,
                         timeout=60, message="every unsent delivery sent by the sweep")
    finally:
        stop_worker(sweeper)
    keys = Counter(request.param("key") for request in robot_server.requests)
    assert set(keys) == {f"robot-{i}" for i in range(ROBOTS)}
    assert set(keys.values()) == {1}, f"nothing went out twice: {keys}"
    assert Delivery.objects.get(status=DeliveryStatus.SENDING).attempts == 1
