"""The end-of-treatment report: a tagged PDF with the same chart as the page, and a plain-words version."""

from __future__ import annotations

import base64
import re
import zlib

from django.utils import timezone

from openipt.courses import goal_actions
from openipt.measures import actions, report
from openipt.measures.queries import summary
from tests.support.measures import add_session, phq9, start_course
from tests.support.people import actor, login


def _course(world):
    course = start_course(world)
    actions.ensure_default_schedule(course)
    add_session(world, course)
    for n, values in ((1, (3, 3, 3, 3, 3, 2, 0, 0, 0)), (2, (1, 1, 1, 1, 0, 0, 0, 0, 0))):
        actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code="phq9", session_number=n,
                            completed_on=timezone.localdate(), answers=phq9(*values, difficulty=0))
    goal_actions.add_goal(actor(world.m["therapist"]), course.pk, text="Call my sister every week")
    return course


def _pdf_text(pdf: bytes) -> bytes:
    """Return the PDF with its compressed streams inflated, so structure keys can be searched."""
    out = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            out.append(zlib.decompressobj().decompress(pdf[match.end():]))
        except zlib.error:
            continue
    return b"".join(out)


def test_the_report_is_a_tagged_pdf(world, client):
    course = _course(world)
    login(client, world.m["therapist"])
    response = client.get(f"/measures/course/{course.pk}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = _pdf_text(response.content)
    assert response.content.startswith(b"%PDF-")
    assert b"/StructTreeRoot" in pdf and b"/MarkInfo" in pdf and b"/Lang" in pdf  # tagged, with a language
    assert b"/Table" in pdf and b"/Figure" in pdf  # the data tables and the chart are tagged as such
    # the chart's Figure tells a screen reader its title and what it shows
    assert b"/Alt (PHQ-9 scores across the course. 2 scores. First 17, latest 4." in pdf
    client_version = _pdf_text(client.get(f"/measures/course/{course.pk}/report-for-client.pdf").content)
    assert b"/StructTreeRoot" in client_version


def test_the_report_draws_the_very_chart_of_the_course_page(world):
    course = _course(world)
    page = summary.course_summary(course, id_prefix="report")
    context = report.report_context(course, version="staff")
    assert context["rows"][0]["s"].chart.svg == page.instruments[0].chart.svg
    # the PDF gets that very SVG, as an image
    src = context["chart_image"]["src"]
    assert src.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(src.split(",", 1)[1]).decode() == page.instruments[0].chart.svg
    assert context["rows"][0]["first"].total == 17 and context["rows"][0]["last"].total == 4


def test_the_client_version_says_it_in_plain_words(world):
    from django.template.loader import render_to_string

    course = _course(world)
    html = render_to_string("measures/report/client.html", report.report_context(course, version="client"))
    assert "Your PHQ-9 score went down by 13 points. That is a real improvement" in html
    assert "At the start your score was 17 out of 27." in html
    assert "Call my sister every week" in html and "Your plan to stay well" in html
    assert "Reliable" not in html and "Jacobson" not in html


def test_the_staff_version_has_the_verdicts_goals_and_relapse_plan(world):
    from django.template.loader import render_to_string

    course = _course(world)
    html = render_to_string("measures/report/staff.html", report.report_context(course, version="staff"))
    for words in ("Scores before and after", "Reliable improvement", "Response", "Remission",
                  "Goals and ratings", "Relapse-prevention plan", "What the verdicts mean", course.client.record_number):
        assert words in html


def test_making_a_report_is_audited(world, client):
    from openipt.audit.models import AuditEvent

    course = _course(world)
    login(client, world.m["supervisor"])
    client.get(f"/measures/course/{course.pk}/report.pdf")
    assert AuditEvent.objects.filter(event_type="measures.report_made", details__version="staff").count() == 1


def test_a_repeat_is_reused_and_any_change_makes_a_new_pdf(world):
    from django.utils import timezone as tz

    course = _course(world)
    for _attempt in range(3):  # the footer prints the minute: try again if a minute turned between the two
        minute = tz.localtime().replace(second=0, microsecond=0)
        first = report.render_pdf(course)
        made = report.STATS["made"]
        again = report.render_pdf(course)
        if tz.localtime().replace(second=0, microsecond=0) == minute:
            break
    assert again is first and report.STATS["made"] == made  # the same HTML: the PDF made a moment ago
    goal_actions.add_goal(actor(world.m["therapist"]), course.pk, text="Walk with Ana on Sundays")
    changed = report.render_pdf(course)
    assert report.STATS["made"] == made + 1 and changed != first  # made afresh from the changed data
    context = report.report_context(course, version="staff")
    assert "Walk with Ana on Sundays" in [g["goal"].text for g in context["goals"]]


def _laid_out(course, language: str = "en"):
    """The staff report's HTML context and its WeasyPrint layout, in `language`."""
    from django.template.loader import render_to_string
    from django.utils import translation
    from weasyprint import HTML

    css, fonts = report._weasy()
    with translation.override(language):
        context = report.report_context(course, version="staff")
        html = render_to_string("measures/report/staff.html", context)
    return context, HTML(string=html, base_url=str(report.CSS_PATH.parent)).render(stylesheets=[css], font_config=fonts)


def test_the_tables_keep_their_columns_on_the_page(world):
    """The fixed table layout fits every table inside the page's width, and no word runs out of its column
    into the next (as "Questionnaire" and "Reliable improvement" once did), in every language."""
    course = _course(world)
    for language in ("en", "es", "sw", "ar"):
        _context, document = _laid_out(course, language)
        _assert_tables_fit(document, language)


def _assert_tables_fit(document, language: str) -> None:
    tables = [box for page in document.pages for box in _boxes(page._page_box, "TableBox")]
    page_left = document.pages[0]._page_box.content_box_x()
    page_right = page_left + document.pages[0]._page_box.width
    assert len(tables) >= 4
    for table in tables:
        assert page_left - 0.5 <= table.position_x and table.position_x + table.margin_width() <= page_right + 0.5
        assert all(column.width > 0 for group in table.column_groups for column in group.children)
        for cell in _boxes(table, "TableCellBox"):
            left, right = cell.content_box_x() - 0.5, cell.content_box_x() + cell.width + 0.5
            texts = _boxes(cell, "TextBox")
            assert all(left <= t.position_x and t.position_x + t.width <= right for t in texts), (
                language, [t.text for t in texts])


def test_the_pdf_is_in_the_language_of_the_report(world):
    _context, document = _laid_out(_course(world), "es")
    assert document.metadata.lang == "es"  # the PDF's /Lang, which a screen reader reads it in


def test_the_chart_prints_at_its_full_size(world):
    """The chart (an image of its SVG) prints across the whole figure, as the inline SVG did, in its own proportions."""
    context, document = _laid_out(_course(world))
    [figure] = [box for page in document.pages for box in _boxes(page._page_box, "BlockBox") if box.element_tag == "figure"]
    [chart] = _boxes(figure, "InlineReplacedBox")
    assert abs(chart.width - figure.width) < 0.5 and chart.width > 600
    width, height = map(float, re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', context["chart"].svg).groups())
    assert abs(chart.width / chart.height - width / height) < 0.01


def _boxes(box, kind: str) -> list:
    """`box` and every box inside it whose class is `kind`."""
    found = [box] if type(box).__name__ == kind else []
    for child in getattr(box, "children", []):
        found += _boxes(child, kind)
    return found
def test_a_new_score_makes_a_new_pdf_with_the_new_chart(world):
    """The chart travels inside the HTML that keys the cache, so a new score can never bring back the old chart."""
    course = _course(world)
    old_chart = report.report_context(course, version="staff")["chart_image"]["src"]
    first = report.render_pdf(course)
    add_session(world, course)
    actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code="phq9", session_number=3,
                        completed_on=timezone.localdate(), answers=phq9(2, 2, 1, 1, 0, 0, 0, 0, 0, difficulty=0))
    made = report.STATS["made"]
    changed = report.render_pdf(course)
    assert report.STATS["made"] == made + 1 and changed != first
    context = report.report_context(course, version="staff")
    assert context["chart_image"]["src"] != old_chart
    assert "3 scores. First 17, latest 6." in context["chart_image"]["alt"]
    assert b"3 scores. First 17, latest 6." in _pdf_text(changed)  # the Figure's text alternative says so too
