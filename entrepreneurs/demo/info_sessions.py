"""Demo information sessions and permanences since the cooperative opened (see ``entrepreneurs.demo``).

In 2017 they follow the activity report: every month in Serres, Laragne and Chorges, at Altipolis
Briançon from January to April, at the Lucéo incubator in La Roche-de-Rame all year, a monthly
permanence in Veynes from September; 115 people registered and 107 came over the year.
"""

from __future__ import annotations

import bisect
import datetime
import random
from collections import defaultdict

from entrepreneurs.models import InfoSession

CHORGES = "Siège de Coodyssée, Chorges"
SERRES = "Maison de services au public, Serres"
LARAGNE = "Maison de services au public, Laragne"
ALTIPOLIS = "Altipolis, Briançon"
LUCEO = "Pépinière Lucéo, La Roche-de-Rame"
VEYNES = "Maison de services au public, Veynes"
PLACES = (CHORGES, SERRES, LARAGNE, ALTIPOLIS, LUCEO, VEYNES)
PERMANENCES = (VEYNES,)
REGISTERED_2017, ATTENDED_2017 = 115, 107
TERRITORY_PLACES = {
    "Buëch": (SERRES, LARAGNE, VEYNES),
    "Briançonnais": (ALTIPOLIS, LUCEO),
}


def places_for(year: int, month: int) -> tuple[str, ...]:
    if year < 2009:
        return (CHORGES,)
    if year < 2017:
        return (CHORGES, SERRES, LARAGNE, ALTIPOLIS) + ((LUCEO,) if year >= 2014 else ())
    if year == 2017:
        return (
            (CHORGES, SERRES, LARAGNE, LUCEO)
            + ((ALTIPOLIS,) if month <= 4 else ())
            + ((VEYNES,) if month >= 9 else ())
        )
    return (CHORGES, SERRES, LARAGNE, LUCEO, VEYNES)


def session_day(year: int, month: int, place: str) -> datetime.date:
    """Each place has its own slot: the 1st, 2nd or 3rd Tuesday or Thursday of the month."""
    index = PLACES.index(place)
    weekday, week = (1, 3)[index % 2], index // 2
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * week)


def _adjust(rng: random.Random, values: list[int], total: int, low: int, high: list[int] | int) -> None:
    """Nudge random items (kept within [low, high]) until they sum to ``total``."""
    highs = high if isinstance(high, list) else [high] * len(values)
    while sum(values) != total:
        index = rng.randrange(len(values))
        if sum(values) < total and values[index] < highs[index]:
            values[index] += 1
        elif sum(values) > total and values[index] > low:
            values[index] -= 1


def build_info_sessions(today: datetime.date, rng: random.Random) -> list[InfoSession]:
    """Sessions from October 2008 up to ``today``, in date order (not saved)."""
    sessions = []
    year, month = 2008, 10
    while datetime.date(year, month, 1) <= today:
        for place in places_for(year, month):
            day = session_day(year, month, place)
            if day > today:
                continue
            kind = InfoSession.Kind.PERMANENCE if place in PERMANENCES else InfoSession.Kind.COLLECTIVE
            registered = rng.randint(0, 3 if kind == InfoSession.Kind.PERMANENCE else 4)
            attended = registered - (1 if registered and rng.random() < 0.15 else 0)
            sessions.append(
                InfoSession(date=day, place=place, kind=kind, registered=registered, attended=attended)
            )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    report_year = [session for session in sessions if session.date.year == 2017]
    registered = [session.registered for session in report_year]
    _adjust(rng, registered, REGISTERED_2017, 0, 5)
    attended = list(registered)
    _adjust(rng, attended, ATTENDED_2017, 0, registered)
    for session, count, came in zip(report_year, registered, attended, strict=True):
        session.registered, session.attended = count, came
    sessions.sort(key=lambda session: (session.date, session.place))
    return sessions


class SessionPicker:
    """Finds the information session a newcomer attended: the latest one near home before entry."""

    def __init__(self, sessions: list[InfoSession]):
        self.by_place: dict[str, list[InfoSession]] = defaultdict(list)
        for session in sessions:
            self.by_place[session.place].append(session)
        self.dates = {place: [s.date for s in items] for place, items in self.by_place.items()}
        self.linked: dict[int, int] = defaultdict(int)

    def pick(self, entry: datetime.date, territory: str) -> InfoSession | None:
        latest = entry - datetime.timedelta(days=7)
        candidates = []
        for place in TERRITORY_PLACES.get(territory, (CHORGES,)):
            items = self.by_place.get(place, [])
            index = bisect.bisect_right(self.dates.get(place, []), latest)
            # the last few sessions there that still have an attendee not yet linked to a journey
            for session in reversed(items[max(index - 6, 0) : index]):
                if self.linked[id(session)] < session.attended:
                    candidates.append(session)
                    break
        if not candidates:
            return None
        chosen = max(candidates, key=lambda session: session.date)
        self.linked[id(chosen)] += 1
        return chosen
