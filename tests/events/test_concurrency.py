"""Seats under load: real concurrent connections to PostgreSQL, one thread (and one connection)
per person, all released at the same moment."""

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from events import services
from events.models import Event, Registration
from tests.factories import EventFactory, bulk_members

pytestmark = pytest.mark.django_db(transaction=True)

Status = Registration.Status


def run_at_once(calls: list[Callable[[], object]]) -> list[BaseException]:
    """Run each call in its own thread and database connection, starting them together."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def worker(call):
        try:
            barrier.wait(timeout=30)
            call()
        except BaseException as error:  # collected and asserted on by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return errors


def test_fifty_concurrent_registrations_for_ten_seats():
    event = EventFactory(capacity=10)
    members = bulk_members(50)
    errors = run_at_once(
        [lambda user=user: services.registration_create(event=event, user=user) for user in members]
    )
    assert errors == []
    statuses = list(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert statuses.count(Status.CONFIRMED) == 10
    assert statuses.count(Status.WAITLISTED) == 40
    assert len(statuses) == 50
    # The waitlist is a strict order: 40 distinct places, 1 to 40.
    positions = sorted(
        services.registration_position(r)
        for r in Registration.objects.filter(event=event, status=Status.WAITLISTED)
    )
    assert positions == list(range(1, 41))


def test_the_same_member_twice_at_once_gets_one_registration():
    event = EventFactory(capacity=10)
    (member,) = bulk_members(1)
    errors = run_at_once(
        [lambda: services.registration_create(event=event, user=member) for _ in range(8)]
    )
    assert len(errors) == 7
    assert all(isinstance(error, ValidationError) for error in errors)
    assert Registration.objects.filter(event=event).count() == 1


def test_concurrent_cancellations_promote_each_waitlisted_person_once():
    event = EventFactory(capacity=5)
    members = bulk_members(15)
    for user in members:
        services.registration_create(event=event, user=user)
    holders = list(Registration.objects.filter(event=event, status=Status.CONFIRMED))
    first_waiting = [r.user_id for r in Registration.objects.filter(event=event).waitlisted()[:5]]
    errors = run_at_once(
        [
            lambda r=registration: services.registration_cancel(registration=r)
            for registration in holders
        ]
        # and a second click on each cancel button, at the same time
        + [
            lambda r=registration: services.registration_cancel(registration=r)
            for registration in holders
        ]
    )
    assert errors == []
    confirmed = set(
        Registration.objects.filter(event=event, status=Status.CONFIRMED).values_list(
            "user_id", flat=True
        )
    )
    assert confirmed == set(first_waiting)
    assert Registration.objects.filter(event=event, status=Status.WAITLISTED).count() == 5
    assert Event.objects.with_seats().get(pk=event.pk).confirmed_count == 5
