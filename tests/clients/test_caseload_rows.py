"""The caseload's rows, drawn in Python since issue 15, are the HTML the template loop drew, escaped the same way."""

from __future__ import annotations

import datetime

from django.template import engines
from django.utils import translation

from openipt.clients.queries import caseload_rows_html
from tests.support.people import login, make_client

# The loop `clients/_caseload_results.html` ran before the rows were drawn in Python (kept here to compare).
TEMPLATE_LOOP = """{% load i18n %}{% translate 'Needs attention' as l_attention %}{% translate 'Name' as l_name %}\
{% translate 'Record' as l_record %}{% translate 'Status' as l_status %}{% translate 'Last change' as l_updated %}\
{% translate 'Staff' as l_staff %}{% for row in rows %}
  <tr>
    <td data-label="{{ l_attention }}">{% for signal in row.signals %}<span class="oi-signal oi-signal--{{ signal.level }}">\
{% if signal.url %}<a href="{{ signal.url }}">{{ signal.label }}</a>{% else %}{{ signal.label }}{% endif %}</span> \
{% empty %}<span class="oi-muted">—</span>{% endfor %}</td>
    <td data-label="{{ l_name }}"><a href="{{ row.url }}">{{ row.name }}</a></td>
    <td data-label="{{ l_record }}" class="oi-mono">{{ row.record_number }}</td>
    <td data-label="{{ l_status }}"><span class="oi-badge oi-badge--{{ row.status }}">{{ row.status_label }}</span></td>
    <td data-label="{{ l_updated }}">{{ row.updated }}</td>
    <td data-label="{{ l_staff }}">{{ row.staff|default:"—" }}</td>
  </tr>
  {% endfor %}"""

ROWS = [
    {"pk": 1, "url": "/clients/1/", "name": "Ana <b>Bold</b> & Co", "record_number": "S-\"1\"", "status": "active",
     "status_label": "Active", "updated": "7 Dec 2026", "staff": "Sam O'Neil, Grace",
     "signals": [{"level": 3, "label": "Risk alert <open>", "url": "/safety/alerts/?client=1&x=\"y\""},
                 {"level": 1, "label": "Due: PHQ-9", "url": ""}]},
    {"pk": 2, "url": "/clients/2/", "name": "Ben", "record_number": "S-2", "status": "paused", "status_label": "Paused",
     "updated": "1 Jan 2026", "staff": "", "signals": []},
]


def test_the_rows_are_the_html_the_template_loop_drew_in_every_language():
    for language in ("en", "es", "ar"):
        with translation.override(language):
            expected = engines["django"].from_string(TEMPLATE_LOOP).render({"rows": ROWS})
            assert str(caseload_rows_html(ROWS)) == expected, language


def test_a_name_that_looks_like_html_is_shown_as_text_on_the_caseload(world, client):
    make_client(world.m["admin"], assign_to=world.m["therapist"], given_name="<script>x</script>", family_name="O'Hara",
                date_of_birth=datetime.date(1990, 1, 1))
    login(client, world.m["therapist"])
    page = client.get("/clients/").content.decode()
    assert "&lt;script&gt;x&lt;/script&gt; O&#x27;Hara" in page and "<script>x</script>" not in page
