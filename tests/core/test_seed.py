"""The demo organisation loads idempotently; synthetic data is the same for the same seed."""

import os
import subprocess
import sys

import pytest

from openipt.accounts.models import Membership, User
from openipt.audit.actions import verify_chain
from openipt.clients.models import Assignment, Client
from openipt.seed import demo, synth


def _counts():
    return (User.objects.count(), Membership.objects.count(), Client.objects.count(), Assignment.objects.count())


@pytest.mark.slow
def test_the_demo_loads_once_however_often_it_is_run(db):
    demo.load_demo()
    first = _counts()
    demo.load_demo()
    assert _counts() == first
    assert set(Membership.objects.filter(organisation__slug=demo.DEMO_SLUG).values_list("role", flat=True)) == {
        "admin", "supervisor", "therapist", "facilitator", "client", "manager"
    }
    assert verify_chain().ok


@pytest.mark.slow
def test_every_demo_login_works_with_the_printed_password(db, client):
    demo.load_demo()
    text = demo.logins_text()
    assert demo.DEMO_PASSWORD in text
    for username, _name, _role in demo.PEOPLE:
        assert username in text
        response = client.post("/account/login/", {"username": username, "password": demo.DEMO_PASSWORD})
        assert response.status_code == 302, username
        client.post("/account/logout/")


@pytest.mark.slow
def test_the_demo_therapist_has_a_caseload_and_the_demo_client_a_portal(db, client):
    world = demo.load_demo()
    therapist_clients = Client.objects.filter(assignments__staff=world.members["therapist"]).count()
    assert therapist_clients >= 6
    assert world.clients["Amara Haddad"].user == world.members["client"].user


@pytest.mark.slow
def test_synthetic_data_is_the_same_for_the_same_seed(db):
    a = synth.generate(120, seed=7, slug="a")
    numbers_a = list(Client.objects.filter(organisation=a.organisation).order_by("pk").values_list("record_number", "given_name", "status"))
    b = synth.generate(120, seed=7, slug="b")
    numbers_b = list(Client.objects.filter(organisation=b.organisation).order_by("pk").values_list("record_number", "given_name", "status"))
    assert numbers_a == numbers_b and len(numbers_a) == 120
    c = synth.generate(120, seed=8, slug="c")
    numbers_c = list(Client.objects.filter(organisation=c.organisation).order_by("pk").values_list("record_number", flat=True))
    assert numbers_c != [n for n, _g, _s in numbers_a]


@pytest.mark.slow
def test_synthetic_clients_each_have_one_assigned_staff_member_and_staff_have_supervisors(db):
    world = synth.generate(200, seed=3)
    assert Assignment.objects.filter(client__organisation=world.organisation, is_primary=True).count() == 200
    therapists = Membership.objects.filter(organisation=world.organisation, role="therapist")
    assert therapists.count() == 5
    assert not therapists.filter(supervisor__isnull=True).exists()


def test_synth_refuses_to_overwrite_an_existing_organisation(db):
    synth.generate(5, seed=1, slug="taken")
    with pytest.raises(ValueError, match="already exists"):
        synth.generate(5, seed=1, slug="taken")


def test_a_started_site_has_not_loaded_the_demo_or_synthetic_data_code():
    """The seed package and each app's seed module load only when `openipt demo` or `openipt synth` runs."""
    code = (
        "import sys, django; django.setup(); "
        "print(sorted(m for m in sys.modules if m == 'openipt.seed' or m.startswith('openipt.seed.') or m.endswith('.seed')))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "openipt.test_settings"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120, check=True)
    assert done.stdout.strip() == "[]"


def test_the_demo_steps_run_in_the_order_of_the_installed_apps():
    from openipt.seed.steps import app_steps

    names = [step.__module__ + "." + step.__name__ for step in app_steps("DEMO_STEPS")]
    assert names[:2] == ["openipt.courses.seed.add_demo_courses", "openipt.courses.screening_actions.add_demo_screening"]
    # consent comes after couples in INSTALLED_APPS: the demo couple exists when its partners sign; the programme's
    # sites come last, when the groups and clients they hold exist
    assert names[-4:] == [
        "openipt.couples.seed.add_demo_couple",
        "openipt.messaging.seed.add_demo_messages",
        "openipt.consent.seed.add_demo_consent",
        "openipt.programmes.seed.add_demo_sites",
    ]
