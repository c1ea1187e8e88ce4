"""The demo couple: mid-course, both partners with portal logins, private and shared entries."""

from __future__ import annotations

import pytest

from openipt.couples.models import Couple, Entry
from openipt.seed import demo


@pytest.mark.slow
def test_the_demo_couple_is_mid_course_with_private_and_shared_entries(db, client):
    demo.load_demo()
    from openipt.courses.models import Course, ScreeningAnswer

    assert all(ScreeningAnswer.objects.filter(course=c).exists() for c in Course.objects.filter(phase="middle", status="active"))
    demo.load_demo()
    couple = Couple.objects.get()
    # both partners answered the private safety screen, once each, with no concern; past-initial courses are screened
    from openipt.couples.models import PartnerScreen

    assert sorted(PartnerScreen.objects.values_list("partner_id", "concern")) == sorted(
        [(couple.partner_one_id, False), (couple.partner_two_id, False)])
    middle = Course.objects.filter(phase="middle", status="active")
    assert middle.exists() and all(ScreeningAnswer.objects.filter(course=c).exists() for c in middle)
    assert couple.course.format_id == "couples" and couple.course.phase == "middle"
    assert Entry.objects.filter(shared=True).exists() and Entry.objects.filter(shared=False).exclude(text="").exists()
    private_of_karim = Entry.objects.get(view__author=couple.partner_two, kind="change")
    client.post("/account/login/", {"username": "nadia", "password": demo.DEMO_PASSWORD})
    page = client.get("/couples/mine/").content.decode()
    assert "She is right about bedtime" in page  # Karim shared this
    assert private_of_karim.text not in page
    assert client.get(f"/couples/entries/{private_of_karim.pk}/").status_code == 404
    client.post("/account/logout/")
    client.post("/account/login/", {"username": "therapist", "password": demo.DEMO_PASSWORD})
    page = client.get(f"/couples/{couple.pk}/").content.decode()
    assert private_of_karim.text in page and "<svg" in page
