"""Demo trainings of the reference cooperative, registered in ``coodyssee.demo.DEMO_STEPS``.

The 19 sessions of 2017 come from the activity report (date, type, summary, place, registrations,
participant-hours): each session's duration is its hours divided by its registrations, and its
registrations are drawn among the demo entrepreneurs present on its date, so that the report's
totals (19 sessions, 67 registrations, 209 hours) are counted from the records. The 2017 road-safety
convention and the three OPCO funding requests (none accepted) complete the year.

Around today (``timezone.localdate()`` at load time): two recent sessions with attendance (so the
portal shows a history and certificates), and upcoming sessions open for registration, one of them
full with a waiting list. Deterministic (seeded random); a second run adds nothing.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from coodyssee.models import User
from entrepreneurs.models import Entrepreneur
from formation import rules
from formation.models import (
    Attendance,
    BpfObjective,
    DayPart,
    FundingRequest,
    FundingStatus,
    ProgrammeCommitment,
    RegistrationStatus,
    SessionStatus,
    TrainingProgramme,
    TrainingRegistration,
    TrainingSession,
    TrainingType,
)

SEED = 2017
FIRST_REF = "F2017-01"
ACCOUNTANT_EMAIL = "comptabilite@demo.coodyssee.fr"
MANAGER_EMAIL = "gerance@demo.coodyssee.fr"
OFFICER_EMAIL = "accompagnement@demo.coodyssee.fr"
LUCIE_EMAIL = "entrepreneur@demo.coodyssee.fr"
EXTERNAL_SALES_TRAINER = "Isabelle Marchetti (Cap Conseil Alpes)"
ABSENCE_RATE = 0.06

MANAGEMENT_II = "Outils de gestion niveau II"
SALES = "Commerciale"
HOW_TO = "Coodyssée mode d'emploi"
INTEGRATION = "Outils de gestion intégration"
ROAD_SAFETY = "Sécurité routière"

CHORGES = "COODYSSEE Chorges"
LUCEO = "LUCEO La Roche de Rame"
SERRES = "MSAP Serres"
JUNCHA = "LA JUNCHA cafépicerie"

ACCESSIBILITY = (
    "Salles de plain-pied, accessibles aux personnes à mobilité réduite. Pour toute situation de "
    "handicap, contactez la référente handicap (gérance) : nous adaptons supports et rythme."
)
CATALOGUE = (
    {
        "name": MANAGEMENT_II,
        "objectives": "Tenir sa gestion dans WinScop : saisir ses factures et ses dépenses, lire son "
        "tableau de gestion, anticiper sa trésorerie et préparer sa rémunération.",
        "prerequisites": "Avoir suivi « Outils de gestion intégration » ; disposer de ses accès au logiciel.",
        "audience": "Entrepreneur·es salarié·es et en CAPE de la coopérative.",
        "content": "Le tableau de gestion ; factures, avoirs et encaissements ; notes de frais ; "
        "trésorerie et prévisionnel ; questions sur sa propre activité.",
        "duration_hours": Decimal("3.5"),
        "teaching_methods": "Petit groupe (8 au plus), exercices sur sa propre activité, "
        "un poste par personne.",
        "evaluation": "Exercice pratique en fin de session ; questionnaire de satisfaction.",
        "access_delay": "Sessions chaque mois ; inscription jusqu'à la veille.",
        "price": "Inclus dans l'accompagnement (contribution coopérative).",
    },
    {
        "name": SALES,
        "objectives": "Définir sa cible et son offre, fixer ses prix, "
        "construire un plan d'action commercial.",
        "prerequisites": "Aucun.",
        "audience": "Entrepreneur·es de la coopérative, quelle que soit leur activité.",
        "content": "Étape 1 : stratégie commerciale (cible, offre, prix). Étape 2 : plan d'action, "
        "prospection, argumentaire.",
        "duration_hours": Decimal("3.5"),
        "teaching_methods": "Apports, ateliers en sous-groupes, travail sur sa propre offre.",
        "evaluation": "Plan d'action individuel relu par la formatrice.",
        "access_delay": "Deux à quatre sessions par an.",
        "price": "Inclus dans l'accompagnement (contribution coopérative).",
    },
    {
        "name": HOW_TO,
        "objectives": "Connaître le fonctionnement de la coopérative, ses outils et ses interlocuteurs.",
        "prerequisites": "Aucun.",
        "audience": "Nouveaux entrants (CAPE, convention ou CESA).",
        "content": "La coopérative et son projet ; circuits des factures et des dépenses ; le portail.",
        "duration_hours": Decimal("3"),
        "teaching_methods": "Présentation et prise en main guidée.",
        "evaluation": "Questionnaire de fin de session.",
        "access_delay": "À l'entrée dans la coopérative.",
        "price": "Inclus dans l'accompagnement.",
    },
    {
        "name": INTEGRATION,
        "objectives": "Prendre en main les procédures et les outils de gestion de la coopérative "
        "dès l'entrée.",
        "prerequisites": "Aucun.",
        "audience": "Nouveaux entrants (CAPE, convention ou CESA).",
        "content": "Devis et factures ; dépenses et justificatifs ; lecture du tableau de gestion.",
        "duration_hours": Decimal("3"),
        "teaching_methods": "Petit groupe, démonstration puis exercices guidés.",
        "evaluation": "Exercice pratique ; questionnaire de satisfaction.",
        "access_delay": "Dans les deux mois qui suivent l'entrée.",
        "price": "Inclus dans l'accompagnement.",
    },
    {
        "name": ROAD_SAFETY,
        "objectives": "Réduire le risque routier lors des trajets professionnels.",
        "prerequisites": "Aucun.",
        "audience": "Entrepreneur·es et équipe d'appui qui se déplacent en voiture ou en deux-roues.",
        "content": "Vitesse, vigilance et fatigue, téléphone au volant, équipement des deux-roues.",
        "duration_hours": Decimal("7"),
        "teaching_methods": "Journée animée avec la Prévention routière, ateliers pratiques.",
        "evaluation": "Quiz en fin de journée.",
        "access_delay": "Selon le calendrier de la convention.",
        "price": "Pris en charge dans le cadre de la convention.",
    },
)

# The 2017 activity report's table: date, type, summary, place, registrations, participant-hours.
SESSIONS_2017 = (
    ("2017-01-25", MANAGEMENT_II, "Formation WinScop", CHORGES, 4, "12"),
    ("2017-03-30", MANAGEMENT_II, "Formation outils de gestion niv2", CHORGES, 5, "17.5"),
    ("2017-04-11", MANAGEMENT_II, "Formation WinScop", CHORGES, 3, "9"),
    ("2017-04-20", MANAGEMENT_II, "Formation outils de gestion niv2", LUCEO, 5, "17.5"),
    ("2017-05-03", SALES, "Définir une stratégie commerciale", LUCEO, 5, "17.5"),
    ("2017-05-11", MANAGEMENT_II, "Formation WinScop", SERRES, 2, "4"),
    ("2017-05-11", MANAGEMENT_II, "Formation outils de gestion niv2", SERRES, 3, "9"),
    ("2017-05-23", MANAGEMENT_II, "Formation WinScop", CHORGES, 1, "2.5"),
    ("2017-05-24", SALES, "Définir une stratégie commerciale", CHORGES, 6, "21"),
    ("2017-05-25", HOW_TO, "Formation WinScop", CHORGES, 1, "3"),
    ("2017-05-29", MANAGEMENT_II, "Formation outils de gestion niv2", CHORGES, 4, "12"),
    ("2017-07-05", SALES, "Formation commerciale étape 2", JUNCHA, 7, "21"),
    ("2017-07-12", MANAGEMENT_II, "Formation WinScop", CHORGES, 2, "6"),
    ("2017-08-09", MANAGEMENT_II, "Formation WinScop", CHORGES, 3, "9"),
    ("2017-08-23", MANAGEMENT_II, "Formation WinScop", CHORGES, 1, "3"),
    ("2017-10-04", INTEGRATION, "Formation WinScop", CHORGES, 2, "6"),
    ("2017-10-11", MANAGEMENT_II, "Formation outils de gestion niv2", CHORGES, 7, "21"),
    ("2017-11-29", SALES, "Formation commerciale étape 2", CHORGES, 4, "12"),
    ("2017-12-04", INTEGRATION, "Procédures et outils de gestion", LUCEO, 2, "6"),
)
# Two sessions of the same day at the same place: the second one in the afternoon.
AFTERNOON_2017 = {("2017-05-11", "Formation outils de gestion niv2")}

ROAD_SAFETY_COMMITMENTS = (
    "Limiter aux cas d'urgence les conversations téléphoniques au volant",
    "Prescrire la sobriété sur la route",
    "Refuser le dépassement des vitesses autorisées",
    "Exiger le port de la ceinture de sécurité",
    "Intégrer des moments de repos dans le calcul des temps de trajet",
    "Favoriser la formation à la sécurité routière",
    "Encourager les conducteurs de deux-roues à mieux s'équiper",
)
OPCO_2017 = "Uniformation (OPCA de l'économie sociale)"
FUNDING_2017 = (
    ("2017-02-14", "Outils de gestion niveau II — session du 30/03/2017", "1750.00", "2017-03-21"),
    ("2017-04-03", "Définir une stratégie commerciale — sessions de mai", "2100.00", "2017-05-16"),
    ("2017-09-18", "Formation commerciale étape 2 — session du 29/11/2017", "980.00", "2017-11-08"),
)


def _add_hours(start: datetime.time, hours: Decimal) -> datetime.time:
    moment = datetime.datetime.combine(datetime.date(2000, 1, 1), start)
    return (moment + datetime.timedelta(minutes=int(hours * 60))).time()


def _weekday(day: datetime.date) -> datetime.date:
    """The same day, or the next Monday when it falls on a weekend."""
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _present(people: list[Entrepreneur], day: datetime.date) -> list[Entrepreneur]:
    return [
        p
        for p in people
        if p.entry_date and p.entry_date <= day and (p.exit_date is None or p.exit_date > day)
    ]


class _Builder:
    """Collects the rows to insert; everything goes in with a few ``bulk_create``."""

    def __init__(self, rng: random.Random, now: datetime.datetime):
        self.rng = rng
        self.now = now
        self.sessions: list[TrainingSession] = []
        self.registrations: dict[
            int, list[tuple[Entrepreneur, str, datetime.datetime, datetime.datetime | None]]
        ] = {}
        self.attendance: dict[tuple[int, int], dict[str, bool]] = {}
        self.numbers: dict[int, int] = {}

    def next_ref(self, day: datetime.date) -> str:
        self.numbers[day.year] = self.numbers.get(day.year, 0) + 1
        return f"F{day.year}-{self.numbers[day.year]:02d}"

    def session(self, **values) -> TrainingSession:
        values.setdefault("ref", self.next_ref(values["date"]))
        values.setdefault("end_date", values["date"])
        values.setdefault("cancellation_deadline_hours", 48)
        session = TrainingSession(**values)
        self.sessions.append(session)
        return session

    def register(
        self, session, people, *, status=RegistrationStatus.REGISTERED, attend=None, days_before=(5, 30)
    ):
        rows = self.registrations.setdefault(id(session), [])
        start = timezone.make_aware(datetime.datetime.combine(session.date, datetime.time(9, 0)))
        for person in people:
            at = min(start, self.now) - datetime.timedelta(
                days=self.rng.randint(*days_before), hours=self.rng.randint(0, 9)
            )
            rows.append((person, status, at, None))
            if attend is not None:
                self.attendance[(id(session), id(person))] = attend(session, person)

    def save(self) -> None:
        TrainingSession.objects.bulk_create(self.sessions)
        by_id = {id(session): session for session in self.sessions}
        registrations = []
        for key, rows in self.registrations.items():
            for person, status, at, promoted in rows:
                registration = TrainingRegistration(
                    session=by_id[key],
                    entrepreneur=person,
                    status=status,
                    registered_at=at,
                    promoted_at=promoted,
                )
                registration._demo_key = (key, id(person))
                registrations.append(registration)
        TrainingRegistration.objects.bulk_create(registrations)
        attendances = []
        for registration in registrations:
            marks = self.attendance.get(registration._demo_key)
            if not marks:
                continue
            for half_day in registration.session.half_days:
                if half_day.key in marks:
                    attendances.append(
                        Attendance(
                            registration=registration,
                            day=half_day.day,
                            period=half_day.period,
                            present=marks[half_day.key],
                        )
                    )
        Attendance.objects.bulk_create(attendances)


def _load_catalogue() -> dict[str, TrainingType]:
    existing = {t.name: t for t in TrainingType.objects.filter(name__in=[e["name"] for e in CATALOGUE])}
    new = [
        TrainingType(accessibility=ACCESSIBILITY, bpf_objective=BpfObjective.OTHER, **entry)
        for entry in CATALOGUE
        if entry["name"] not in existing
    ]
    TrainingType.objects.bulk_create(new)
    return {**existing, **{t.name: t for t in new}}


def _sessions_2017(builder: _Builder, types, people, staff) -> None:
    rng = builder.rng
    for date_text, kind, title, place, registered, hours in SESSIONS_2017:
        day = datetime.date.fromisoformat(date_text)
        duration = Decimal(hours) / registered
        afternoon = (date_text, title) in AFTERNOON_2017
        start = datetime.time(14, 0) if afternoon else datetime.time(9, 0)
        trainer = staff.get(ACCOUNTANT_EMAIL) if "WinScop" in title else staff.get(MANAGER_EMAIL)
        session = builder.session(
            training_type=types[kind],
            title=title,
            date=day,
            day_part=DayPart.AFTERNOON if afternoon else DayPart.MORNING,
            start_time=start,
            end_time=_add_hours(start, duration),
            duration_hours=duration,
            place=place,
            trainer=None if kind == SALES else trainer,
            trainer_name=EXTERNAL_SALES_TRAINER if kind == SALES else "",
            capacity=8,
            status=SessionStatus.HELD,
        )
        present = _present(people, day)
        if kind in (INTEGRATION, HOW_TO):  # newcomers first
            newcomers = [p for p in present if (day - p.entry_date).days <= 240]
            present = newcomers if len(newcomers) >= registered else present
        builder.register(
            session,
            rng.sample(present, registered),
            attend=lambda s, p: {h.key: rng.random() > ABSENCE_RATE for h in s.half_days},
        )


def _recent_and_upcoming(builder: _Builder, types, people, staff, today: datetime.date) -> None:
    rng = builder.rng
    lucie = next((p for p in people if p.user_id and p.user.email == LUCIE_EMAIL), None)

    def others(day, count, exclude=()):
        pool = [p for p in _present(people, day) if p not in exclude and p is not lucie]
        return rng.sample(pool, min(count, len(pool)))

    def everyone_present(session, person):
        return {half_day.key: True for half_day in session.half_days}

    # Recent past sessions: held, attendance recorded (Lucie missed an afternoon).
    day = _weekday(today - datetime.timedelta(days=45))
    winscop = builder.session(
        training_type=types[MANAGEMENT_II],
        title="Formation WinScop",
        date=day,
        start_time=datetime.time(9, 0),
        end_time=datetime.time(12, 0),
        duration_hours=Decimal("3"),
        place=CHORGES,
        trainer=staff.get(ACCOUNTANT_EMAIL),
        capacity=8,
        status=SessionStatus.HELD,
    )
    builder.register(winscop, others(day, 4), attend=everyone_present)
    if lucie:
        builder.register(winscop, [lucie], attend=everyone_present)

    day = _weekday(today - datetime.timedelta(days=18))
    sales = builder.session(
        training_type=types[SALES],
        title="Définir une stratégie commerciale",
        date=day,
        day_part=DayPart.FULL_DAY,
        start_time=datetime.time(9, 0),
        break_start=datetime.time(12, 30),
        break_end=datetime.time(13, 30),
        end_time=datetime.time(17, 0),
        duration_hours=Decimal("7"),
        place=LUCEO,
        trainer_name=EXTERNAL_SALES_TRAINER,
        capacity=8,
        status=SessionStatus.HELD,
    )
    builder.register(sales, others(day, 5), attend=everyone_present)
    if lucie:
        builder.register(
            sales, [lucie], attend=lambda s, p: {h.key: h.period == rules.MORNING for h in s.half_days}
        )

    # Coming weeks: open for registration, one full with a waiting list, one still in preparation.
    day = _weekday(today + datetime.timedelta(days=8))
    builder.register(
        builder.session(
            training_type=types[MANAGEMENT_II],
            title="Formation WinScop",
            date=day,
            start_time=datetime.time(9, 0),
            end_time=datetime.time(12, 0),
            duration_hours=Decimal("3"),
            place=CHORGES,
            trainer=staff.get(ACCOUNTANT_EMAIL),
            capacity=8,
            status=SessionStatus.OPEN,
            note="Venir avec son ordinateur portable et ses identifiants WinScop.",
        ),
        others(today, 3),
        days_before=(1, 6),
    )
    day = _weekday(today + datetime.timedelta(days=15))
    full = builder.session(
        training_type=types[SALES],
        title="Formation commerciale étape 2",
        date=day,
        day_part=DayPart.FULL_DAY,
        start_time=datetime.time(9, 0),
        break_start=datetime.time(12, 30),
        break_end=datetime.time(13, 30),
        end_time=datetime.time(17, 0),
        duration_hours=Decimal("7"),
        place=JUNCHA,
        trainer_name=EXTERNAL_SALES_TRAINER,
        capacity=6,
        status=SessionStatus.OPEN,
        note="Repas tiré du sac ; la salle est à l'étage, accès par l'ascenseur de la mairie.",
    )
    people_full = others(today, 8)
    builder.register(full, people_full[:6], days_before=(6, 12))
    builder.register(full, people_full[6:], status=RegistrationStatus.WAITING, days_before=(1, 4))
    day = _weekday(today + datetime.timedelta(days=22))
    integration = builder.session(
        training_type=types[INTEGRATION],
        title="Procédures et outils de gestion",
        date=day,
        day_part=DayPart.AFTERNOON,
        start_time=datetime.time(14, 0),
        end_time=datetime.time(17, 0),
        duration_hours=Decimal("3"),
        place=SERRES,
        trainer=staff.get(OFFICER_EMAIL),
        capacity=10,
        status=SessionStatus.OPEN,
    )
    builder.register(integration, others(today, 3), days_before=(2, 9))
    if lucie:
        builder.register(integration, [lucie], days_before=(2, 3))
    day = _weekday(today + datetime.timedelta(days=36))
    builder.register(
        builder.session(
            training_type=types[MANAGEMENT_II],
            title="Formation outils de gestion niv2",
            date=day,
            end_date=day + datetime.timedelta(days=1),
            day_part=DayPart.FULL_DAY,
            start_time=datetime.time(9, 0),
            break_start=datetime.time(12, 30),
            break_end=datetime.time(13, 30),
            end_time=datetime.time(16, 30),
            duration_hours=Decimal("12"),
            place=CHORGES,
            trainer=staff.get(MANAGER_EMAIL),
            capacity=8,
            status=SessionStatus.OPEN,
        ),
        others(today, 2),
        days_before=(1, 5),
    )
    builder.session(
        training_type=types[ROAD_SAFETY],
        title="Journée sécurité routière",
        date=_weekday(today + datetime.timedelta(days=50)),
        day_part=DayPart.FULL_DAY,
        start_time=datetime.time(9, 0),
        break_start=datetime.time(12, 30),
        break_end=datetime.time(13, 30),
        end_time=datetime.time(17, 0),
        duration_hours=Decimal("7"),
        place=CHORGES,
        trainer_name="Prévention routière des Hautes-Alpes",
        capacity=15,
        status=SessionStatus.DRAFT,
    )


def _programme_and_funding_2017(types) -> None:
    programme = TrainingProgramme.objects.create(
        name="Convention sécurité routière",
        partner="Préfecture des Hautes-Alpes",
        signed_on=datetime.date(2017, 7, 6),
        year=2017,
        training_days=4,
        participants=66,
        description="Convention d'engagement pour réduire le risque routier signée en préfecture, avec un "
        "plan de formation à la sécurité routière pour les entrepreneur·es et l'équipe d'appui.",
    )
    ProgrammeCommitment.objects.bulk_create(
        [
            ProgrammeCommitment(programme=programme, position=position, text=text)
            for position, text in enumerate(ROAD_SAFETY_COMMITMENTS, 1)
        ]
    )
    FundingRequest.objects.bulk_create(
        [
            FundingRequest(
                funder=OPCO_2017,
                subject=subject,
                training_type=types[SALES] if "ommercial" in subject else types[MANAGEMENT_II],
                requested_on=datetime.date.fromisoformat(requested),
                amount_requested=Decimal(amount),
                status=FundingStatus.REFUSED,
                decided_on=datetime.date.fromisoformat(decided),
                note="Refusée : fonds de la formation des non-salariés épuisés pour l'année.",
            )
            for requested, subject, amount, decided in FUNDING_2017
        ]
    )


def load_trainings() -> None:
    """Add the demo trainings once: a second run finds session F2017-01 and adds nothing."""
    if TrainingSession.objects.filter(ref=FIRST_REF).exists():
        return
    today = timezone.localdate()
    rng = random.Random(SEED)
    types = _load_catalogue()
    staff = {
        user.email: user
        for user in User.objects.filter(email__in=[ACCOUNTANT_EMAIL, MANAGER_EMAIL, OFFICER_EMAIL])
    }
    people = list(
        Entrepreneur.objects.filter(entry_date__isnull=False).select_related("user").order_by("ref", "pk")
    )
    builder = _Builder(rng, timezone.now())
    _sessions_2017(builder, types, people, staff)
    _recent_and_upcoming(builder, types, people, staff, today)
    builder.save()
    _programme_and_funding_2017(types)
