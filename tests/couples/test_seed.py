"""The demo couple: mid-course, both partners with portal logins, private and shared entries."""

from __future__ import annotations

from openipt.couples.models import Couple, Entry
from openipt.seed import demo


def test_the_demo_couple_is_mid_course_with_private_and_shared_entries(db, client):
    demo.load_demo()
    demo.load_demo()
    couple = Couple.objects.get()
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
