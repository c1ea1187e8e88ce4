"""Printable session guide and attendance sheet (WeasyPrint), for when the tablet fails."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import timezone

from openipt.groups import access
from openipt.measures import instruments

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

CSS_PATH = Path(__file__).resolve().parent / "templates" / "groups" / "print" / "print.css"


@lru_cache(maxsize=1)
def _weasy():
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return CSS(string=CSS_PATH.read_text(encoding="utf-8"), font_config=fonts), fonts, {}


def _render(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    css, fonts, cache = _weasy()
    return HTML(string=html, base_url=str(CSS_PATH.parent)).write_pdf(stylesheets=[css], font_config=fonts, cache=cache,
                                                                       pdf_tags=True)


def _base(actor: Actor, session) -> dict:
    from openipt.groups.views.session import guide_for

    guide, steps = guide_for(session)
    return {"group": session.group, "session": session, "guide": guide, "steps": steps,
            "day": timezone.localtime(session.scheduled_start), "made": timezone.localtime()}


def guide_pdf(actor: Actor, session) -> bytes:
    return _render("groups/print/guide.html", _base(actor, session))


def sheet_pdf(actor: Actor, session) -> bytes:
    context = _base(actor, session)
    context["members"] = list(access.active_members(actor, session.group))
    phq9 = instruments.get("phq9")
    context["items"] = [i for i in phq9.items if i.id != "difficulty"] if phq9 is not None else []
    return _render("groups/print/sheet.html", context)
