"""Trainings in the browser: an entrepreneur registers in the portal, staff print the attendance sheet."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coodyssee.pdf import pdf_to_text
from formation import services
from formation.models import DayPart, SessionStatus, TrainingType
from tests.e2e.conftest import login, screenshot


@pytest.fixture
def open_session(officer):
    day = timezone.localdate() + datetime.timedelta(days=10)
    kind = TrainingType.objects.create(name="Outils de gestion niveau II", objectives="Tenir sa gestion.")
    return services.session_save(
        training_type=kind,
        title="Formation WinScop",
        date=day,
        place="Siège de la coopérative, Chorges",
        day_part=DayPart.FULL_DAY,
        start_time=datetime.time(9, 0),
        break_start=datetime.time(12, 30),
        break_end=datetime.time(13, 30),
        end_time=datetime.time(17, 0),
        duration_hours=Decimal(7),
        trainer=officer,
        capacity=6,
        status=SessionStatus.OPEN,
    )


def test_entrepreneur_registers_in_the_portal(
    page, live_server, tmp_path, cooperative, entrepreneur, open_session
):
    login(page, live_server, entrepreneur)
    page.get_by_role("link", name="Mes formations").click()
    card = page.get_by_test_id("open-sessions").locator(f'[data-session="{open_session.ref}"]')
    expect(card).to_contain_text("6 places")
    card.get_by_role("button", name="M'inscrire").click()

    expect(page.get_by_text("Vous êtes inscrit·e à « Formation WinScop »")).to_be_visible()
    mine = page.get_by_test_id("my-upcoming")
    expect(mine).to_contain_text("Formation WinScop")
    expect(mine).to_contain_text("Inscrit·e")
    expect(mine.get_by_role("button", name="Me désinscrire")).to_be_visible()
    expect(card).to_contain_text("5 places")
    screenshot(page, tmp_path, "formation-portal-registered")
    assert open_session.registrations.get().entrepreneur.user == entrepreneur


def test_staff_print_the_attendance_sheet(
    page, live_server, tmp_path, cooperative, officer, entrepreneur, open_session
):
    services.registration_register(session=open_session, entrepreneur=entrepreneur.entrepreneur)
    login(page, live_server, officer)
    page.get_by_role("link", name="Formations", exact=True).click()
    page.get_by_role("link", name=open_session.date.strftime("%d/%m/%Y")).click()
    expect(page.get_by_test_id("registered")).to_contain_text("Faure Lucie")
    screenshot(page, tmp_path, "formation-session-page")

    link = page.get_by_test_id("print-sheet")
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = " ".join(pdf_to_text(response.body()).split())
    assert "FEUILLE D'ÉMARGEMENT" in text
    assert "FAURE Lucie" in text and "Formation WinScop" in text and "Anna Appui" in text
