"""Services of the journey app: records, activities, journey steps, sessions, appointments."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from coodyssee.errors import DomainError
from coodyssee.models import AuditEntry
from entrepreneurs import services
from entrepreneurs.models import (
    ActivityKind,
    Appointment,
    Entrepreneur,
    ExitReason,
    InfoSession,
    JourneyStatus,
    JourneyStep,
    StepKind,
)
from tests.entrepreneurs.factories import EntrepreneurFactory, d, exited, in_cape, in_cesa

pytestmark = pytest.mark.django_db


def field_of(call, **kwargs) -> str | None:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    return caught.value.field


# --- records and activities ----------------------------------------------------------------------


def test_new_entrepreneur_gets_an_individual_activity(officer):
    person = services.entrepreneur_create(
        ref="E001", first_name=" Lina ", last_name="Morel", referent=officer, activity_name="Céramique"
    )
    activity = person.activities.get()
    assert activity.kind == ActivityKind.INDIVIDUAL
    assert activity.name == "Céramique"
    assert activity.code == services.individual_activity_code(person)
    assert person.first_name == "Lina"
    assert person.status == JourneyStatus.PROSPECT


def test_activity_is_named_after_the_person_by_default():
    person = services.entrepreneur_create(first_name="Lina", last_name="Morel")
    assert person.activities.get().name == "Activité de Lina Morel"


def test_two_records_cannot_share_a_ref():
    services.entrepreneur_create(ref="E001", first_name="A", last_name="B")
    assert field_of(services.entrepreneur_create, ref="E001", first_name="C", last_name="D") == "ref"
    assert Entrepreneur.objects.count() == 1


def test_records_without_ref_may_coexist():
    services.entrepreneur_create(first_name="A", last_name="B")
    services.entrepreneur_create(first_name="C", last_name="D")
    assert Entrepreneur.objects.filter(ref="").count() == 2


def test_referent_must_belong_to_the_support_team(associate, officer):
    assert (
        field_of(services.entrepreneur_create, first_name="A", last_name="B", referent=associate)
        == "referent"
    )
    person = services.entrepreneur_create(first_name="A", last_name="B", referent=officer)
    assert (
        field_of(services.entrepreneur_update, entrepreneur=person, data={"referent": associate})
        == "referent"
    )


def test_contribution_rate_must_be_a_percentage():
    assert (
        field_of(
            services.entrepreneur_create, first_name="A", last_name="B", contribution_rate=Decimal("101")
        )
        == "contribution_rate"
    )


def test_update_refuses_the_journey_summary_fields():
    person = EntrepreneurFactory()
    with pytest.raises(DomainError):
        services.entrepreneur_update(entrepreneur=person, data={"status": JourneyStatus.ASSOCIATE})


def test_shared_activity_needs_two_members_and_keeps_individual_ones():
    first = services.entrepreneur_create(first_name="A", last_name="B")
    second = services.entrepreneur_create(first_name="C", last_name="D")
    assert (
        field_of(services.activity_shared_create, code="PAR1", name="Collectif", members=[first]) == "members"
    )
    shared = services.activity_shared_create(code="par1", name="Collectif", members=[first, second])
    assert shared.code == "PAR1"
    assert set(shared.members.all()) == {first, second}
    assert first.activities.count() == 2
    third = services.entrepreneur_create(first_name="E", last_name="F")
    services.activity_member_add(activity=shared, entrepreneur=third)
    assert field_of(services.activity_member_add, activity=shared, entrepreneur=third) == "entrepreneur"
    individual = first.activities.get(kind=ActivityKind.INDIVIDUAL)
    assert field_of(services.activity_member_add, activity=individual, entrepreneur=third) == "activity"


def test_territory_is_found_whatever_the_case():
    created = services.territory_ensure(name="Buëch")
    assert services.territory_ensure(name="  buëch ") == created


# --- journey -------------------------------------------------------------------------------------


def test_full_journey_updates_the_record_summary():
    person = EntrepreneurFactory()
    services.journey_info_session_record(entrepreneur=person, date=d("2023-11-14"))
    in_cape(person, "2024-01-01", "2024-03-31")
    assert (person.status, person.entry_date, person.cape_end_date) == (
        JourneyStatus.CAPE,
        d("2024-01-01"),
        d("2024-03-31"),
    )
    services.journey_cape_renew(entrepreneur=person, date=d("2024-04-01"), planned_end=d("2024-06-30"))
    assert person.cape_end_date == d("2024-06-30")
    services.journey_cesa_sign(entrepreneur=person, date=d("2024-07-01"), trial_end=d("2024-08-15"))
    person.refresh_from_db()
    assert person.status == JourneyStatus.CESA
    assert person.trial_end_date == d("2024-08-15")
    assert person.associate_deadline == d("2027-07-01") - (d("2024-07-01") - d("2024-01-01"))
    services.journey_associate_record(entrepreneur=person, date=d("2026-06-20"))
    services.journey_exit_record(entrepreneur=person, date=d("2026-10-01"), reason=ExitReason.RETIREMENT)
    person.refresh_from_db()
    assert (person.status, person.associate_date, person.exit_date) == (
        JourneyStatus.EXITED,
        d("2026-06-20"),
        d("2026-10-01"),
    )


def test_cape_needs_a_planned_end():
    person = EntrepreneurFactory()
    field = field_of(services.journey_cape_start, entrepreneur=person, date=d("2026-01-01"), planned_end=None)
    assert field == "planned_end"


def test_second_cape_start_points_to_the_renewal():
    person = in_cape(EntrepreneurFactory(), "2026-01-01", "2026-06-30")
    assert (
        field_of(
            services.journey_cape_start,
            entrepreneur=person,
            date=d("2026-07-01"),
            planned_end=d("2026-12-31"),
        )
        == "kind"
    )


def test_renewal_without_cape_is_refused():
    person = EntrepreneurFactory()
    field = field_of(
        services.journey_cape_renew, entrepreneur=person, date=d("2026-01-01"), planned_end=d("2026-06-30")
    )
    assert field == "kind"


def test_refused_step_writes_nothing():
    person = in_cape(EntrepreneurFactory(), "2026-01-01", "2026-06-30")
    assert field_of(services.journey_associate_record, entrepreneur=person, date=d("2026-03-01")) == "kind"
    assert list(person.journey_steps.values_list("kind", flat=True)) == [StepKind.CAPE]
    person.refresh_from_db()
    assert person.status == JourneyStatus.CAPE


def test_trial_period_too_long_is_refused_on_the_trial_end_field():
    person = in_cape(EntrepreneurFactory(), "2026-01-01", "2026-03-31")
    field = field_of(
        services.journey_cesa_sign, entrepreneur=person, date=d("2026-04-01"), trial_end=d("2026-09-02")
    )
    assert field == "trial_end"


def test_exit_needs_a_reason_and_other_needs_a_detail():
    person = in_cesa(EntrepreneurFactory(), "2026-01-01")
    assert (
        field_of(services.journey_exit_record, entrepreneur=person, date=d("2026-05-01"), reason="")
        == "exit_reason"
    )
    field = field_of(
        services.journey_exit_record, entrepreneur=person, date=d("2026-05-01"), reason=ExitReason.OTHER
    )
    assert field == "reason_detail"


def test_nothing_can_be_added_after_the_exit():
    person = exited(in_cesa(EntrepreneurFactory(), "2026-01-01"), "2026-05-01")
    assert field_of(services.journey_associate_record, entrepreneur=person, date=d("2026-06-01")) == "kind"


def test_removing_the_last_step_restores_the_summary():
    person = exited(in_cesa(EntrepreneurFactory(), "2026-01-01"), "2026-05-01")
    services.journey_last_step_remove(entrepreneur=person)
    assert person.status == JourneyStatus.CESA
    assert person.exit_date is None
    assert Entrepreneur.objects.get(pk=person.pk).status == JourneyStatus.CESA


def test_journey_steps_are_audited_on_the_entrepreneur_page():
    person = in_cesa(EntrepreneurFactory(), "2026-01-01")
    entry = AuditEntry.objects.get(content_type=ContentType.objects.get_for_model(JourneyStep))
    assert entry.target_type == ContentType.objects.get_for_model(Entrepreneur)
    assert entry.target_id == str(person.pk)
    assert entry.changes["kind"] == [None, "cesa"]


# --- information sessions and appointments ------------------------------------------------------


def test_two_sessions_cannot_share_date_and_place():
    services.info_session_save(date=d("2017-03-14"), place="Serres", registered=3, attended=2)
    field = field_of(
        services.info_session_save, date=d("2017-03-14"), place=" Serres ", registered=1, attended=1
    )
    assert field == "place"
    assert InfoSession.objects.count() == 1


def test_session_counts_cannot_be_negative():
    assert field_of(
        services.info_session_save, date=d("2017-03-14"), place="Serres", registered=-1, attended=0
    ) == ("registered")


def test_appointment_is_held_by_the_support_team(associate, officer):
    person = EntrepreneurFactory()
    assert (
        field_of(services.appointment_plan, entrepreneur=person, staff=associate, date=d("2026-12-01"))
        == "staff"
    )
    appointment = services.appointment_plan(entrepreneur=person, staff=officer, date=d("2026-12-01"))
    assert appointment.status == Appointment.Status.PLANNED


def test_no_appointment_after_the_exit(officer):
    person = exited(in_cesa(EntrepreneurFactory(), "2026-01-01"), "2026-05-01")
    assert (
        field_of(services.appointment_plan, entrepreneur=person, staff=officer, date=d("2026-05-02"))
        == "date"
    )


@time_machine.travel("2026-11-28 10:00 +01:00", tick=False)
def test_future_appointment_cannot_be_marked_done_but_can_be_cancelled(officer):
    person = EntrepreneurFactory()
    appointment = services.appointment_plan(entrepreneur=person, staff=officer, date=d("2026-12-01"))
    with pytest.raises(DomainError):
        services.appointment_complete(appointment=appointment)
    services.appointment_cancel(appointment=appointment)
    assert appointment.status == Appointment.Status.CANCELLED
    past = services.appointment_plan(entrepreneur=person, staff=officer, date=d("2026-11-27"))
    services.appointment_complete(appointment=past, notes="Point trésorerie.")
    assert (past.status, past.notes) == (Appointment.Status.DONE, "Point trésorerie.")
    with pytest.raises(DomainError):
        services.appointment_cancel(appointment=past)
