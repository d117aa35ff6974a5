"""Each role signs in through the real form and lands in its own space; the others stay closed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_styled, login, screenshot

# The navbar takes the space's accent colour from static/css/app.css: proof the CSS was served.
ACCENTS = {
    "/gestion/": "rgb(47, 93, 98)",
    "/portail/": "rgb(106, 76, 147)",
    "/associes/": "rgb(138, 90, 0)",
}


def path_of(page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


@pytest.mark.parametrize(
    ("persona", "space_path", "heading"),
    [
        ("manager", "/gestion/", "Bonjour Gina"),
        ("accountant", "/gestion/", "Bonjour Carl"),
        ("officer", "/gestion/", "Bonjour Anna"),
        ("entrepreneur", "/portail/", "Bonjour Lucie"),
        ("associate", "/associes/", "Espace associés"),
    ],
)
def test_each_role_lands_in_its_space(
    request, page, live_server, tmp_path, cooperative, persona, space_path, heading
):
    user = request.getfixturevalue(persona)

    login(page, live_server, user)

    assert path_of(page).startswith(space_path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator(".navbar-brand")).to_contain_text(cooperative.name)
    assert_styled(page)
    expect(page.locator(".app-navbar")).to_have_css("background-color", ACCENTS[space_path])
    expect(page.get_by_test_id("space-switcher")).to_have_count(0)
    screenshot(page, tmp_path, f"space-{persona}")


def test_login_page_is_styled(page, live_server, tmp_path, cooperative):
    page.goto(f"{live_server.url}/comptes/login/")

    expect(page.locator('input[name="login"]')).to_be_visible()
    expect(page.locator('input[name="password"]')).to_be_visible()
    assert_styled(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    expect(page.locator(".navbar-brand")).to_contain_text(cooperative.name)
    screenshot(page, tmp_path, "login")


def test_login_page_offers_no_sign_up(page, live_server, cooperative):
    """Sign-up is closed (staff invite people): the login page must not invite visitors to register."""
    page.goto(f"{live_server.url}/comptes/login/")

    expect(page.locator('a[href$="/comptes/signup/"]')).to_have_count(0)


@pytest.mark.parametrize("url", ["/gestion/", "/gestion/personnes/"])
def test_entrepreneur_is_refused_the_backoffice(page, live_server, tmp_path, cooperative, entrepreneur, url):
    login(page, live_server, entrepreneur)

    response = page.goto(f"{live_server.url}{url}")

    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Accès refusé")
    expect(page.get_by_role("link", name="Entrepreneurs", exact=True)).to_have_count(0)
    if url == "/gestion/":
        screenshot(page, tmp_path, "refused-entrepreneur")


def test_anonymous_visitor_is_sent_to_login(page, live_server):
    page.goto(f"{live_server.url}/gestion/")

    assert path_of(page) == "/comptes/login/?next=/gestion/"
    expect(page.locator('input[name="login"]')).to_be_visible()


def test_two_role_person_switches_space_and_it_is_remembered(
    page, live_server, tmp_path, cooperative, entrepreneur_associate
):
    login(page, live_server, entrepreneur_associate)
    assert path_of(page).startswith("/portail/")
    switcher = page.get_by_test_id("space-switcher")
    expect(switcher).to_contain_text("Mon espace entrepreneur")

    switcher.get_by_role("button").click()
    expect(switcher.locator(".dropdown-menu")).to_be_visible()
    screenshot(page, tmp_path, "switcher-open")
    with page.expect_navigation():
        switcher.get_by_role("link", name="Espace associés").click()

    assert path_of(page).startswith("/associes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Espace associés")
    expect(switcher).to_contain_text("Espace associés")

    page.goto(f"{live_server.url}/")
    assert path_of(page).startswith("/associes/")
    screenshot(page, tmp_path, "switched-associates")


def test_backoffice_home_on_a_phone(phone_page, live_server, tmp_path, cooperative, manager):
    page = phone_page
    login(page, live_server, manager)
    assert path_of(page).startswith("/gestion/")

    toggler = page.locator(".navbar-toggler")
    people_link = page.locator("#main-nav").get_by_role("link", name="Entrepreneurs", exact=True)
    expect(toggler).to_be_visible()
    expect(people_link).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    no_horizontal_scroll = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert no_horizontal_scroll
    screenshot(page, tmp_path, "phone-backoffice-closed")

    toggler.click()

    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    expect(people_link).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    screenshot(page, tmp_path, "phone-backoffice-menu")


@pytest.mark.parametrize("width", [1200, 1280, 1440])
def test_the_backoffice_menu_fits_on_one_line_of_a_laptop_screen(
    new_page, live_server, tmp_path, cooperative, manager, width
):
    """Every menu and the person's own menu are on screen, not pushed past its right edge."""
    page = new_page(viewport={"width": width, "height": 800})
    login(page, live_server, manager)
    expect(page.locator(".navbar-toggler")).to_be_hidden()
    person_menu = page.locator("#main-nav > .navbar-nav").last.locator(".nav-link").last
    expect(person_menu).to_be_visible()
    box = person_menu.bounding_box()
    assert box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    brand = page.locator(".navbar-brand")
    expect(brand).to_have_attribute("title", cooperative.name)
    screenshot(page, tmp_path, f"backoffice-menu-{width}")
