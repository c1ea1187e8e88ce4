"""Settings have one home: a Settings page in the admin's menu linking every organisation setting, and back."""

import re

from tests.support.people import login

EVERY_SETTING = {
    "/account/people/#security-heading",  # two-factor sign-in for staff
    "/measures/settings/",  # not on track, caseness cut-offs, link validity
    "/safety/settings/#rules-heading",
    "/safety/settings/safeguarding-lead/",
    "/safety/settings/timing/",
    "/safety/settings/#contacts-heading",
    "/me/settings/partner/",
    "/messages/settings/",  # how soon the clinic replies to clients' messages
    "/today/settings/hours/",  # working hours for the week calendar
    "/consent/settings/",  # the consent form's versions, and whether consent is required before a course starts
    "/api/clients/",  # programs that read or send data through the REST API
    "/account/translations/",  # how complete each language is, and signing off translations
    "/api/webhooks/",  # signed messages to another program when an alert is raised, a questionnaire completed...
    "/programme/settings/",  # the programme's minimum sessions, targets, small-count hiding and DHIS2 codes
    "/clients/retention/",  # how long records are kept after the last contact, and the records past it
}


def _links(page: str) -> set[str]:
    main = page[page.index('<main'):]
    return set(re.findall(r'<li><a href="([^"]+)"', main))


def test_an_admin_reaches_every_setting_from_the_menu_and_each_links_back(world, client):
    login(client, world.m["admin"])
    caseload = client.get("/clients/").content.decode()
    assert '<a href="/account/settings/"' in caseload
    page = client.get("/account/settings/").content.decode()
    assert _links(page) == EVERY_SETTING
    for link in EVERY_SETTING:
        setting = client.get(link.split("#")[0])
        body = setting.content.decode()
        assert setting.status_code == 200, link
        assert 'href="/account/settings/">Back to settings' in body or link.startswith("/account/people/"), link
        anchor = link.partition("#")[2]
        assert not anchor or f'id="{anchor}"' in body, link


def test_staff_who_are_not_admins_see_no_settings_in_their_menu(world, client):
    for who in ("therapist", "supervisor", "facilitator"):
        login(client, world.m[who])
        assert "/account/settings/" not in client.get("/clients/").content.decode(), who
        assert client.get("/account/settings/").status_code == 403, who
