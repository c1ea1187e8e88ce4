"""The shared local-draft and offline-queue module (openipt/js/drafts.js), driven in Chromium.

Each test loads a small page with only the module and a form, served from a made-up address so
the page has its own localStorage; an "autosave" request is answered by the route, as the
server would answer it. No Django server is needed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

MODULE = Path(__file__).resolve().parents[2] / "openipt" / "core" / "static" / "openipt" / "js" / "drafts.js"
ORIGIN = "http://drafts.openipt.test"

PAGE = """<!doctype html><html lang="en"><head><title>Drafts</title><script src="/drafts.js"></script></head><body>
<div id="draft-restore" hidden><button type="button" data-draft-choice="use">Restore my text</button>
<button type="button" data-draft-choice="discard">Keep the saved text</button></div>
<form id="f" data-draft-key="openipt-test-draft" data-saved="%(saved)s" data-autosave-header="X-Test-Version">
<input type="hidden" name="csrfmiddlewaretoken" value="secret">
<textarea name="story"></textarea>
<input type="radio" name="mood" value="low"><input type="radio" name="mood" value="ok">
<input type="checkbox" name="who" value="mum"><input type="checkbox" name="who" value="dad">
</form>
<div id="words" hidden data-waiting="{n} change(s) waiting" data-all-saved="All changes saved."></div>
<script src="/start.js"></script>
</body></html>"""

START = "window.drafted = OpenIPT.draft(document.getElementById('f'), {events: ['input', 'change']});"


@pytest.fixture
def page(chromium):
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(5000)
    served = {"saved": "0", "autosaves": 0}

    def answer(route):
        path = route.request.url[len(ORIGIN):].split("?")[0]
        if path == "/drafts.js":
            route.fulfill(body=MODULE.read_text(encoding="utf-8"), content_type="text/javascript")
        elif path == "/start.js":
            route.fulfill(body=START, content_type="text/javascript")
        elif path == "/autosave":
            served["autosaves"] += 1
            route.fulfill(body="{}", content_type="application/json", headers={"X-Test-Version": "2"})
        else:
            route.fulfill(body=PAGE % {"saved": served["saved"]}, content_type="text/html")

    context.route(ORIGIN + "/**", answer)
    page.served = served
    yield page
    context.close()


def _type(page, text):
    page.fill("textarea[name=story]", text)
    page.check("input[name=mood][value=low]")
    page.check("input[name=who][value=dad]")


def _kept(page):
    return page.evaluate("JSON.parse(localStorage.getItem('openipt-test-draft') || 'null')")


def test_typing_keeps_a_copy_of_the_form_without_the_hidden_fields(page):
    page.goto(ORIGIN + "/form")
    _type(page, "We argued about money")
    kept = _kept(page)
    assert kept["values"] == {"story": "We argued about money", "mood": "low", "who": ["dad"]}


def test_after_a_reload_the_kept_copy_is_offered_and_restored(page):
    page.goto(ORIGIN + "/form")
    _type(page, "Lost text")
    page.reload()
    assert page.input_value("textarea[name=story]") == ""
    assert page.is_visible("#draft-restore")
    page.click("[data-draft-choice=use]")
    assert page.input_value("textarea[name=story]") == "Lost text"
    assert page.is_checked("input[name=mood][value=low]") and page.is_checked("input[name=who][value=dad]")
    assert not page.is_visible("#draft-restore")


def test_discarding_the_kept_copy_forgets_it(page):
    page.goto(ORIGIN + "/form")
    _type(page, "Not wanted")
    page.reload()
    page.click("[data-draft-choice=discard]")
    assert _kept(page) is None
    assert page.input_value("textarea[name=story]") == ""


def test_the_copy_is_forgotten_once_the_server_confirms_it_saved_exactly_that(page):
    page.goto(ORIGIN + "/form")
    _type(page, "Saved in the end")
    # What htmx does on an autosave: announce the request, send it, report the answer.
    page.evaluate("""async () => {
        const form = document.getElementById('f');
        form.dispatchEvent(new CustomEvent('htmx:beforeRequest', {bubbles: true}));
        const xhr = new XMLHttpRequest();
        await new Promise(done => { xhr.onload = done; xhr.open('POST', '/autosave'); xhr.send('story'); });
        form.dispatchEvent(new CustomEvent('htmx:afterRequest', {bubbles: true, detail: {xhr, successful: true}}));
    }""")
    assert page.served["autosaves"] == 1
    assert _kept(page) is None


def test_text_typed_while_an_autosave_was_on_its_way_is_kept(page):
    page.goto(ORIGIN + "/form")
    _type(page, "First part")
    page.evaluate("""async () => {
        const form = document.getElementById('f');
        form.dispatchEvent(new CustomEvent('htmx:beforeRequest', {bubbles: true}));
        const xhr = new XMLHttpRequest();
        await new Promise(done => { xhr.onload = done; xhr.open('POST', '/autosave'); xhr.send('story'); });
        const story = form.elements.story;
        story.value = 'First part and more';
        story.dispatchEvent(new Event('input', {bubbles: true}));
        form.dispatchEvent(new CustomEvent('htmx:afterRequest', {bubbles: true, detail: {xhr, successful: true}}));
    }""")
    assert _kept(page)["values"]["story"] == "First part and more"


def test_a_page_showing_the_saved_record_forgets_a_copy_with_nothing_new(page):
    page.goto(ORIGIN + "/form")
    page.evaluate("localStorage.setItem('openipt-test-draft', JSON.stringify({values: {who: [], mood: '', story: ''}}))")
    page.served["saved"] = "1"
    page.reload()
    assert _kept(page) is None
    assert not page.is_visible("#draft-restore")


def test_queued_changes_are_kept_while_offline_and_across_a_reload_until_the_server_has_them(page):
    page.goto(ORIGIN + "/form")
    page.context.set_offline(True)
    keys = page.evaluate("""() => {
        const q = OpenIPT.queue('openipt-group-queue-7-1');
        return [q.add('mark', {member: 3, presence: 'present'}).key, q.add('check', {member: 3, answers: {q9: 1}}).key];
    }""")
    assert keys[0] != keys[1]
    page.context.set_offline(False)
    page.reload()
    items = page.evaluate("OpenIPT.queue('openipt-group-queue-7-1').items()")
    assert [(i["kind"], i["data"]) for i in items] == [
        ("mark", {"member": 3, "presence": "present"}), ("check", {"member": 3, "answers": {"q9": 1}})]
    assert page.evaluate("OpenIPT.queue('openipt-group-queue-7-1').count()") == 2
    page.evaluate(f"OpenIPT.queue('openipt-group-queue-7-1').done({{'{keys[0]}': true}})")
    left = page.evaluate("OpenIPT.queue('openipt-group-queue-7-1').items()")
    assert [i["key"] for i in left] == [keys[1]]


def test_messages_come_from_the_page(page):
    page.goto(ORIGIN + "/form")
    say = "(name, values) => OpenIPT.words(document.getElementById('words'))(name, values)"
    assert page.evaluate(f"({say})('waiting', {{n: 3}})") == "3 change(s) waiting"
    assert page.evaluate(f"({say})('allSaved')") == "All changes saved."
