"""A Spanish client's portal and the Arabic portal on a 360-pixel phone, right to left: axe and no sideways scrolling."""

from __future__ import annotations

from openipt.clients.models import Client
from tests.support.people import PASSWORD, make_world


def _prefer(world, code: str) -> None:
    Client.objects.filter(pk=world.clients["self"].pk).update(preferred_language=code)


def test_a_spanish_client_walks_their_portal_in_spanish(phone):
    world = make_world()
    _prefer(world, "es")
    phone.sign_in(world.m["client"].user.username, PASSWORD)
    phone.goto("/me/")
    page = phone.page
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("h1").inner_text().startswith("Hola, ")
    assert page.get_by_role("heading", name="Tus sesiones").is_visible()
    assert page.get_by_text("todavía las estamos revisando").is_visible()  # the unreviewed mark
    phone.screenshot("portal-es")
    page.get_by_role("link", name="Pedir ayuda ahora").first.click()
    phone.check()
    assert "/me/help/" in page.url
    phone.goto("/account/language/")
    page.get_by_label("English").check()
    page.get_by_role("button", name="Guardar").click()
    phone.check()
    assert page.locator("html").get_attribute("lang") == "en"  # their own choice wins over the preferred language


def test_the_arabic_portal_lays_out_right_to_left_on_a_phone(phone):
    world = make_world()
    _prefer(world, "ar")
    phone.sign_in(world.m["client"].user.username, PASSWORD)
    phone.goto("/me/")
    page = phone.page
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.locator("h1").inner_text().startswith("مرحبًا")
    heading = page.locator("h1").bounding_box()
    assert heading is not None and heading["x"] + heading["width"] > 360 / 2  # the heading starts at the right
    phone.screenshot("portal-ar")


# Three or more Latin-letter words in a row, outside an element marked lang="en": English left on an Arabic page.
_ENGLISH_LEFT = """() => {
  const main = document.querySelector('main') || document.body;
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const holder = node.parentElement;
    if (!holder || holder.closest('[lang="en"], script, style, [hidden]')) continue;
    if (!holder.getClientRects().length) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (/[A-Za-z]+[ ,.'-]+[A-Za-z]+[ ,.'-]+[A-Za-z]+/.test(text)) found.push(text);
  }
  return found;
}"""


def test_an_arabic_client_finds_their_between_session_pages_in_arabic_right_to_left(phone):
    world = make_world()
    _prefer(world, "ar")
    phone.sign_in(world.m["client"].user.username, PASSWORD)
    page = phone.page
    for path in ("/me/", "/me/reminders/", "/me/reading/", "/me/log/", "/me/worksheets/", "/me/practise/",
                 "/me/help/", "/account/language/"):
        phone.goto(path)
        assert page.locator("html").get_attribute("dir") == "rtl", path
        assert page.evaluate(_ENGLISH_LEFT) == [], path
