"""The end-of-treatment report as a tagged PDF (WeasyPrint), for the record and in plain words for the client.

Both versions are built from the same `summary.course_summary` as the course page, so the scores,
verdicts and chart (the very same SVG) match what the therapist saw on screen.

Speed (issue 15): the stylesheet and fonts are parsed once per process (`_weasy`); the tables have a
fixed layout, so WeasyPrint does not measure every cell's text to size the columns. The chart goes in
as an `<img>` of the same SVG (`chart_image`): inline, its hundred or so elements were parsed as HTML,
given CSS styles, turned into boxes and walked for the PDF's tags, none of which a picture needs. A PDF
asked for again is reused only when its HTML is exactly the same (`_CACHE`, keyed by a digest of the
HTML): any change to the data, the person making it or the minute printed in the footer gives new HTML
and so a new PDF, so a cached copy can never be out of date.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from openipt.courses.access import course_goals
from openipt.courses.present import format_name, protocol
from openipt.measures import instruments
from openipt.measures.queries import summary

CSS_PATH = Path(__file__).resolve().parent / "templates" / "measures" / "report" / "report.css"
VERSIONS = ("staff", "client")
CACHE_SIZE = 32  # PDFs kept in this process's memory (a few dozen KB each), newest used last
_CACHE: OrderedDict[str, bytes] = OrderedDict()
_CACHE_LOCK = threading.Lock()
STATS = {"made": 0, "reused": 0}  # since the process started: PDFs made afresh and PDFs reused


@lru_cache(maxsize=1)
def _weasy():
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return CSS(string=CSS_PATH.read_text(encoding="utf-8"), font_config=fonts), fonts


def chart_image(chart) -> dict[str, str]:
    """The chart's SVG as an `<img>` source, and its text alternative: the chart's title and description.

    WeasyPrint draws an SVG image exactly as it draws the inline SVG, and tags it as a Figure whose
    alternative text is the `alt` (the inline SVG's Figure carried only the `<title>`).
    """
    data = base64.b64encode(chart.svg.encode("utf-8")).decode("ascii")
    alt = f"{chart.title}. {chart.description}" if chart.description else chart.title
    return {"src": f"data:image/svg+xml;base64,{data}", "alt": alt}


def _area_name(course) -> str:
    if not course.primary_area:
        return ""
    try:
        return protocol().area(course.primary_area).name
    except KeyError:
        return course.primary_area


def _change_words(s) -> str:
    """One plain sentence about the change from the first to the latest score."""
    o = s.outcome
    name = s.inst.short_name
    if not o.enough_data or o.change is None:
        return _("There were not enough %(name)s questionnaires to compare the start with the end.") % {"name": name}
    n = abs(o.change)
    status = o.reliable_change.status
    if status == "improvement":
        if s.inst.higher_is_worse:
            return _("Your %(name)s score went down by %(n)d points. That is a real improvement: bigger than the "
                     "usual ups and downs of the questionnaire.") % {"name": name, "n": n}
        return _("Your %(name)s score went up by %(n)d points. That is a real improvement.") % {"name": name, "n": n}
    if status == "deterioration":
        return _("Your %(name)s score shows things got harder, by more than the usual ups and downs. Please talk "
                 "about this with your therapist or your doctor.") % {"name": name}
    if o.change == 0:
        return _("Your %(name)s score was the same at the start and the end.") % {"name": name}
    return _("Your %(name)s score changed by %(n)d points. That is within the usual ups and downs of the "
             "questionnaire.") % {"name": name, "n": n}


def _band(inst, total):
    band = inst.band_for(total) if total is not None else None
    return band


def report_context(course, *, version: str, made_by=None, client=None) -> dict:
    client = client or course.client
    data = summary.course_summary(course, id_prefix="report", client_id=client.pk)
    goals = []
    for goal in course_goals(course):
        ratings = list(goal.ratings.all())
        goals.append({"goal": goal, "first": ratings[0] if ratings else None, "last": ratings[-1] if ratings else None,
                      "ratings": ratings})
    rows = []
    for s in data.instruments:
        first = s.outcome.baseline
        last = s.outcome.latest
        rows.append({"s": s, "first": first, "last": last,
                     "first_band": _band(s.inst, first.total) if first else None,
                     "last_band": _band(s.inst, last.total) if last else None,
                     "words": _change_words(s)})
    held = sum(1 for x in data.sessions if x.attendance == "attended")
    summaries = list(data.instruments)  # the same order as `rows`
    charted = next((s for s in summaries if s.inst.code == instruments.DEPRESSION), summaries[0] if summaries else None)
    return {
        "course": course, "client": client, "summary": data, "rows": rows, "goals": goals,
        "format": format_name(course), "area": _area_name(course), "held": held, "version": version,
        "made_at": timezone.localtime(), "made_by": made_by,
        "LANGUAGE_CODE": get_language(),  # no request here to fill it in: the PDF's language (its /Lang) is the report's
        "definitions": [d for d in summary.definitions() if d[0] in _REPORT_TERMS()],
        "chart": charted.chart if charted and charted.administrations else None,
        "chart_image": chart_image(charted.chart) if charted and charted.administrations else None,
        "chart_rows": _chart_rows(charted.chart) if charted and charted.administrations else [],
    }


def _REPORT_TERMS() -> set[str]:
    return {_("Reliable change"), _("Response"), _("Remission"), _("Case at the start"), _("Recovery"),
            _("Reliable recovery")}


def _chart_rows(chart) -> list[list[str]]:
    """The chart's numbers for the sessions that have a score: session, score, band, expected range."""
    headers = list(chart.table_headers)
    keep = [i for i, h in enumerate(headers) if i < 2 or h in (_("Severity"), _("Expected range"))]
    return [[row[i] for i in keep] for row in chart.table_rows if row[1] not in ("", "—", _("No score"))]


def render_pdf(course, *, version: str = "staff", made_by=None, client=None) -> bytes:
    """Return the report as tagged PDF bytes: made afresh unless this exact HTML was made into a PDF just before."""
    if version not in VERSIONS:
        raise ValueError(version)
    html = render_to_string(f"measures/report/{version}.html", report_context(course, version=version, made_by=made_by, client=client))
    key = hashlib.sha256(html.encode()).hexdigest()
    with _CACHE_LOCK:
        pdf = _CACHE.get(key)
        if pdf is not None:
            _CACHE.move_to_end(key)
            STATS["reused"] += 1
            return pdf
    pdf = _write_pdf(html)
    with _CACHE_LOCK:
        _CACHE[key] = pdf
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
        STATS["made"] += 1
    return pdf


def _write_pdf(html: str) -> bytes:
    from weasyprint import HTML

    css, fonts = _weasy()
    # No image cache shared between requests: the chart differs from one PDF to the next, and a parsed SVG
    # keeps drawing state, so two threads must not draw the same one (WeasyPrint gives each PDF its own).
    return HTML(string=html, base_url=str(CSS_PATH.parent)).write_pdf(
        stylesheets=[css], font_config=fonts, pdf_tags=True)
