"""scr.registry: filled by the stages in AppConfig.ready(), read by the core once every app
is ready; and what the stages put there reaches the pages."""

import re

import pytest
from django.apps import apps
from django.urls import reverse

from scr import registry
from scr.registry import Registry, RegistryError


@pytest.fixture
def loading(monkeypatch):
    """As while Django calls the apps' ready()."""
    monkeypatch.setattr(apps, "ready", False)


def test_entries_are_kept_in_order_and_once(loading, monkeypatch):
    links = Registry("links")
    links.register("b", 2)
    links.register("a", 1)
    links.register("b", 2)  # a module imported twice
    monkeypatch.setattr(apps, "ready", True)
    assert links.items() == [("b", 2), ("a", 1)]
    assert links.get("a") == 1 and "b" in links and len(links) == 2


def test_a_key_taken_is_not_given_another_value(loading):
    links = Registry("links")
    links.register("b", 2)
    with pytest.raises(RegistryError, match="registered already"):
        links.register("b", 3)


def test_nothing_is_read_before_every_app_is_ready(loading):
    links = Registry("links")
    links.register("b", 2)
    with pytest.raises(RegistryError, match="read before"):
        links.items()


def test_nothing_is_added_once_the_core_may_have_read():
    with pytest.raises(RegistryError, match="AppConfig.ready"):
        Registry("links").register("late", 1)


def test_every_stage_mounts_its_pages():
    assert [module.partition(".")[0] for module in registry.URLCONFS] == [
        "referrals",
        "panel",
        "imr",
        "overview",
        "actionplans",
    ]


def _menu(client, user) -> list[str]:
    client.force_login(user)
    page = client.get(reverse("cases:home")).content.decode()
    menu = page.split('id="navigation">')[1].split("</ul>")[0]
    return [" ".join(re.sub(r"<[^>]+>", "", link).split()) for link in menu.split("</a>")[:-1]]


@pytest.mark.django_db
def test_the_menu_holds_the_stages_links_in_their_places(client, coordinator, author_a):
    assert _menu(client, coordinator) == [
        "Needs your attention",
        "My cases",
        "My deadlines",
        "Referrals",
        "Administration",
        "Monitoring",
    ]
    # The board's monitoring is for coordinators and chairs.
    assert _menu(client, author_a) == [
        "Needs your attention",
        "My cases",
        "My deadlines",
        "Referrals",
    ]


@pytest.mark.django_db
def test_the_referrals_link_is_marked_on_the_referrals_pages(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("referrals:referral-list")).content.decode()
    assert re.search(r'href="/referrals/" aria-current="page">\s*<strong[^>]*>Referrals', page)


def test_beat_starts_with_the_entries_the_stages_registered():
    from celery.beat import Scheduler

    from scr.celery import app

    # What `celery beat` (and a worker with -B) does before it reads its schedule.
    app.loader.import_default_modules()
    scheduler = Scheduler(app, lazy=False)

    tasks = {entry.task for entry in scheduler.schedule.values()}
    assert {
        "scr.deadlines.tasks.deadline_sweep_task",  # the core's, from the settings
        "overview.tasks.summary_release_due_task",  # a stage's, from its ready()
    } <= tasks
