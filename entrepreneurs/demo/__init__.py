"""Demo journeys of the reference cooperative, registered in ``coodyssee.demo.DEMO_STEPS``.

Fictitious people, generated deterministically (seeded random) so that the headcount figures of the
2017 activity report come out of the individual journeys: the yearly movements since 2009 bring
84 people to the end of 2016, 2017 follows the report month by month (entries, exits), and at the end
of 2017 exactly 13 people are still under CAPE / convention and 21 are associates. Nothing here types
a total into a report: the report counts the records.

After 2017 the history runs up to today (``timezone.localdate()`` at load time) and a few journeys
are placed relative to today so the staff dashboard always has something to show: CAPEs ending,
associate deadlines near or passed, a trial period ending, this week's appointments.
"""

from __future__ import annotations

import datetime
import random
import unicodedata
from decimal import Decimal

from django.utils import timezone

from coodyssee.models import User
from entrepreneurs import rules
from entrepreneurs.demo.info_sessions import SessionPicker, build_info_sessions
from entrepreneurs.demo.names import ACTIVITY_NAMES, APPOINTMENT_NOTES, FIRST_NAMES, LAST_NAMES
from entrepreneurs.demo.plans import (
    JEAN_MARC_EMAIL,
    LUCIE_EMAIL,
    TERRITORIES,
    Plan,
    generate_plans,
    journey_steps,
    placed_plans,
    random_day,
)
from entrepreneurs.models import (
    PRESENT_STATUSES,
    Activity,
    ActivityKind,
    ActivityMembership,
    Appointment,
    Entrepreneur,
    InfoSession,
    JourneyStep,
    StepKind,
    Territory,
)
from entrepreneurs.services import individual_activity_code

REF_PREFIX = "COO-"
SEED = 2009
MANAGER_EMAIL = "gerance@demo.coodyssee.fr"
OFFICER_EMAIL = "accompagnement@demo.coodyssee.fr"  # follows the Briançonnais and the Embrunais


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "-" for c in ascii_text.lower()).strip("-")


def _people_for(plans: list[Plan], rng: random.Random, staff: dict[str, User]) -> list[Entrepreneur]:
    taken = {("Lucie", "Faure"), ("Jean-Marc", "Rochebrune"), ("Bernard", "Achard")}
    followups = (
        "Équipe pluridisciplinaire de Gap",
        "Maison des solidarités de Laragne",
        "Maison des solidarités de Briançon",
        "Maison des solidarités d'Embrun",
    )
    territories = {t.name: t for t in Territory.objects.filter(name__in=TERRITORIES)}
    people = []
    for number, plan in enumerate(plans, 1):
        person = plan.existing or Entrepreneur()
        if plan.existing is None:
            while (name := (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))) in taken:
                pass
            taken.add(name)
            person.first_name, person.last_name = name
            person.email = f"{_slug(name[0])}.{_slug(name[1])}@demo.coodyssee.fr"
            person.phone = "06 " + " ".join(f"{rng.randint(0, 99):02d}" for _ in range(4))
            person.rsa_beneficiary = rng.random() < 0.12
            person.rsa_followup = rng.choice(followups) if person.rsa_beneficiary else ""
            person.contribution_rate = Decimal("10.00") if rng.random() < 0.08 else None
        person.ref = f"{REF_PREFIX}{number:04d}"
        person.territory = territories[plan.territory]
        officer = plan.territory in ("Briançonnais", "Embrunais")
        person.referent = staff.get(OFFICER_EMAIL if officer else MANAGER_EMAIL)
        rules.summarize(plan.steps).apply_to(person)
        people.append(person)
    return people


def _appointments(
    rng: random.Random, plans: list[Plan], people: list[Entrepreneur], today: datetime.date
) -> list[Appointment]:
    from entrepreneurs.selectors import quarter_bounds, week_bounds

    quarter_start, quarter_end = quarter_bounds(today)
    week_start, _week_end = week_bounds(today)
    present = [
        (plan, person)
        for plan, person in zip(plans, people, strict=True)
        if person.status in PRESENT_STATUSES
    ]
    forgotten = {id(person) for _plan, person in rng.sample(present, max(len(present) // 12, 3))}
    regulars = [pair for pair in present if id(pair[1]) not in forgotten]
    this_week = {
        id(person): week_start + datetime.timedelta(days=n % 5)
        for n, (_plan, person) in enumerate(rng.sample(regulars, 6))
    }
    appointments = []

    def add(person: Entrepreneur, day: datetime.date) -> None:
        done = day < today
        appointments.append(
            Appointment(
                entrepreneur=person,
                staff=person.referent,
                date=day,
                time=datetime.time(rng.choice([9, 10, 11, 14, 15, 16]), rng.choice([0, 30])),
                kind=rng.choice(Appointment.Kind.values),
                status=Appointment.Status.DONE if done else Appointment.Status.PLANNED,
                notes=rng.choice(APPOINTMENT_NOTES) if done else "",
            )
        )

    for plan, person in present:
        day = max(plan.entry, today - datetime.timedelta(days=330)) + datetime.timedelta(
            days=rng.randint(5, 40)
        )
        while day < quarter_start:
            add(person, day)
            day += datetime.timedelta(days=rng.randint(60, 100))
        if id(person) in this_week:
            add(person, this_week[id(person)])
        elif id(person) not in forgotten:
            add(person, random_day(rng, max(quarter_start, plan.entry), quarter_end))
    return appointments


def _save_activities(people: list[Entrepreneur]) -> None:
    """Each person's individual activity (unless they have one already), and two shared activities."""
    equipped = set(
        ActivityMembership.objects.filter(
            entrepreneur__in=[person for person in people if person.user_id],
            activity__kind=ActivityKind.INDIVIDUAL,
        ).values_list("entrepreneur_id", flat=True)
    )
    owners = [person for person in people if person.pk not in equipped]
    activities = [
        Activity(
            code=individual_activity_code(person),
            name=ACTIVITY_NAMES[n % len(ACTIVITY_NAMES)],
            kind=ActivityKind.INDIVIDUAL,
        )
        for n, person in enumerate(owners)
    ]
    present = [person for person in people if person.status in PRESENT_STATUSES]
    shared = [
        (Activity(code="PAR001", name="Collectif Terres d'en Haut", kind=ActivityKind.SHARED), present[3:5]),
        (Activity(code="PAR002", name="Atelier Bois et Lumière", kind=ActivityKind.SHARED), present[10:13]),
    ]
    Activity.objects.bulk_create(activities + [activity for activity, _members in shared])
    memberships = [
        ActivityMembership(activity=activity, entrepreneur=person)
        for activity, person in zip(activities, owners, strict=True)
    ]
    for activity, members in shared:
        joined = max(member.entry_date for member in members)
        memberships += [
            ActivityMembership(activity=activity, entrepreneur=member, joined_on=joined) for member in members
        ]
    ActivityMembership.objects.bulk_create(memberships)


def load_journeys() -> None:
    """Add the demo journeys once: a second run finds the ``COO-`` references and adds nothing."""
    if Entrepreneur.objects.filter(ref__startswith=REF_PREFIX).exists():
        return
    today = timezone.localdate()
    rng = random.Random(SEED)
    existing_names = set(Territory.objects.filter(name__in=TERRITORIES).values_list("name", flat=True))
    Territory.objects.bulk_create(
        [
            Territory(name=name, position=i)
            for i, name in enumerate(TERRITORIES, 1)
            if name not in existing_names
        ]
    )
    staff = {user.email: user for user in User.objects.filter(email__in=[MANAGER_EMAIL, OFFICER_EMAIL])}
    accounts = {
        person.user.email: person
        for person in Entrepreneur.objects.select_related("user").filter(
            user__email__in=[LUCIE_EMAIL, JEAN_MARC_EMAIL]
        )
    }

    plans = generate_plans(today, rng) + placed_plans(today, accounts)
    plans.sort(key=lambda plan: plan.entry)
    taken = set(InfoSession.objects.values_list("date", "place"))  # e.g. imported before the demo
    sessions = [s for s in build_info_sessions(today, rng) if (s.date, s.place) not in taken]
    InfoSession.objects.bulk_create(sessions)
    picker = SessionPicker(sessions)
    for plan in plans:
        plan.steps = journey_steps(plan, today)
        session = picker.pick(plan.entry, plan.territory)
        if session is not None:
            plan.steps.insert(
                0, JourneyStep(kind=StepKind.INFO_SESSION, date=session.date, info_session=session)
            )
    people = _people_for(plans, rng, staff)
    Entrepreneur.objects.bulk_create([person for person in people if person.pk is None])
    Entrepreneur.objects.bulk_update(
        [person for person in people if person.pk],
        ["ref", "territory", "referent", *rules.JourneySummary.FIELDS],
    )

    _save_activities(people)

    steps = []
    for plan, person in zip(plans, people, strict=True):
        for step in plan.steps:
            step.entrepreneur = person
            steps.append(step)
    JourneyStep.objects.bulk_create(steps)
    Appointment.objects.bulk_create(_appointments(rng, plans, people, today))
