"""A client fills in a questionnaire: in the portal (signed in) or through a one-time link (not signed in).

The page shows every question at once; `fill.js` turns it into one question per screen on a
phone. Each answer is saved as the client goes (and kept in the browser until the server has
it), and sending the same answers twice records them once. Afterwards the client reads what
the answers mean in plain words, and, if a safety question was answered above zero, what to do.
"""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import client_required
from openipt.core import submissions
from openipt.core.errors import ActionError
from openipt.measures import access, actions, due, instruments, link_actions
from openipt.measures.actions import AnswersError
from openipt.measures.errors import MeasuresCode
from openipt.measures.forms import AnswersForm
from openipt.measures.models import Administration
from openipt.measures.queries import answer as answer_queries
from openipt.measures.queries import versions


def result_context(admin: Administration) -> dict:
    """What the client reads after sending: the score, the band's meaning in plain words, and any safety note."""
    inst = instruments.get(admin.instrument_code)
    if inst is not None:  # the band's words in the client's validated version, when one is installed
        inst = versions.for_client(inst, admin.client.preferred_language, admin.client.organisation_id)
    meaning = label = ""
    if inst is not None and admin.total is not None:
        band = inst.band_for(admin.total)
        if band is not None:
            meaning, label = band.meaning, band.label
        elif inst.caseness is not None and admin.screen_positive is not None:
            meaning = inst.caseness.positive_meaning if admin.screen_positive else inst.caseness.negative_meaning
    return {"admin": admin, "inst": inst, "meaning": meaning, "band_label": label,
            "store_key": store_key(admin.client_id, admin.due_key) if admin.due_key else ""}


def store_key(client_id: int, key: str) -> str:
    """The browser's key for answers not yet sent: per client, because both partners of a couple
    answer the same questionnaire of the same session, perhaps on the same phone."""
    return f"oi-answers-{client_id}-{key}"


def _fill_context(inst, form, item, *, save_url: str, store_key: str, back_url: str, back_text: str,
                  language: str = "") -> dict:
    # A client whose language has no validated version of this questionnaire gets the English one with a note.
    english_note = inst is not None and inst.language == "en" and versions.primary(language) not in ("", "en")
    return {"inst": inst, "form": form, "rows": form.rows(), "item": item, "save_url": save_url,
            "store_key": store_key, "back_url": back_url, "back_text": back_text, "english_note": english_note}


def _not_open(request, *, status=404, reason="not_open", link=None, token=""):
    return render(request, "measures/not_open.html", {"reason": reason, "link": link, "token": token}, status=status)


# ---- the portal


def _portal_item(request, key):
    client = access.own_client(request.actor)
    if client is None:
        raise Http404
    return client, actions.open_item_for_client(client, key)


@client_required
def fill_view(request, key):
    """A questionnaire due for the signed-in client."""
    actor = request.actor
    client, found = _portal_item(request, key)
    done = answer_queries.completed(client.pk, key)
    if done is not None and request.method == "GET":
        return redirect("measures:result", answers=done.uuid)
    if request.method == "POST":
        earlier = submissions.previous_result(request)
        if earlier:
            return redirect(earlier)
        if done is not None:
            return redirect("measures:result", answers=done.uuid)
    if found is None:
        return _not_open(request)
    _course, item = found
    inst = instruments.get(item.instrument_code)
    if inst is not None:
        inst = versions.for_client(inst, client.preferred_language, client.organisation_id)
    draft = answer_queries.draft(client.pk, key)
    form = AnswersForm(inst, request.POST or None, initial_answers=draft.answers if draft else None)
    if request.method == "POST":
        if form.is_valid():
            def send():
                outcome = actions.submit_portal(actor, key, form.answers())
                return outcome, reverse("measures:result", args=[outcome.administration.uuid])

            try:
                outcome, earlier = submissions.run_once(request, send)
            except AnswersError as exc:
                form.apply(exc)
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                if earlier or outcome is None:  # a repeat of a submission that already ran
                    return redirect(earlier or request.path)
                return redirect("measures:result", answers=outcome.administration.uuid)
        else:
            try:  # keep whatever was answered, so nothing typed is lost
                actions.save_portal_draft(actor, key, form.partial_answers())
            except ActionError:
                pass
    return render(request, "measures/fill.html", _fill_context(
        inst, form, item, save_url=reverse("measures:fill_save", args=[key]), store_key=store_key(client.pk, key),
        back_url=reverse("practice:portal"), back_text=_("Back to my page"), language=client.preferred_language))


def _saved(admin) -> JsonResponse:
    if admin is None:
        return JsonResponse({"saved": True, "answered": 0, "at": timezone.localtime().strftime("%H:%M")})
    answered = sum(1 for v in admin.answers.values() if v is not None)
    return JsonResponse({"saved": True, "answered": answered, "at": timezone.localtime(admin.updated_at).strftime("%H:%M")})


def _save_refused(exc: ActionError) -> JsonResponse:
    status = 409 if exc.code == MeasuresCode.DONE else 400 if isinstance(exc, AnswersError) else 404
    return JsonResponse({"saved": False, "reason": exc.code, "message": exc.message}, status=status)


@client_required
@require_POST
def fill_save_view(request, key):
    """Save the answers given so far (called by fill.js as the client answers)."""
    client, found = _portal_item(request, key)
    if found is None:
        return JsonResponse({"saved": False, "reason": "not_open"}, status=404)
    inst = instruments.get(found[1].instrument_code)
    form = AnswersForm(inst, request.POST)
    try:
        admin = actions.save_portal_draft(request.actor, key, form.partial_answers())
    except ActionError as exc:
        return _save_refused(exc)
    return _saved(admin)


@client_required
def result_view(request, answers):
    """What the answers mean, in plain words (never a diagnosis)."""
    admin = access.get_administration(request.actor, answers)
    if admin is None or not admin.is_completed:
        raise Http404
    context = result_context(admin)
    items = [due.row_item(row, timezone.now()) for row in due.open_items(
        access.client_open_courses(admin.client), codes=instruments.self_report_codes(), client_id=admin.client_id)]
    context.update(next_url=reverse("measures:fill", args=[items[0].key]) if items else "",
                   home_url=reverse("practice:portal"))
    return render(request, "measures/result.html", context)


# ---- one-time links


def _link_or_page(request, token):
    link = link_actions.find_link(token)
    state = link_actions.link_state(link)
    if state == "unknown":
        return None, _not_open(request, reason="link_unknown")
    if state != "ok":
        return None, _not_open(request, status=410, reason=f"link_{state}", link=link)
    return link, None


def link_view(request, link_token):
    """The start page of a one-time link: what it covers and what is left to do."""
    link, page = _link_or_page(request, link_token)
    if page is not None:
        return page
    link_actions.record_link_opened(link)
    rows = [{"key": key, "inst": inst, "done": admin is not None and admin.is_completed}
            for key, inst, admin in link_actions.link_items(link)]
    return render(request, "measures/link.html", {"link": link, "rows": rows, "token": link_token})


def link_fill_view(request, link_token, item):
    """One questionnaire through a one-time link; after sending, its meaning is shown straight away."""
    key = item
    if request.method == "POST":  # the same answers sent twice land on their result, even once the link is spent
        link = link_actions.find_link(link_token)
        done = link_actions.result_through_link(link, key)
        if done is not None:
            return _link_result(request, link, link_token, done)
    link, page = _link_or_page(request, link_token)
    if page is not None:
        return page
    if key not in link.due_keys:
        raise Http404
    existing = answer_queries.any_answers(link.client_id, key)
    if existing is not None and existing.is_completed:
        if existing.link_id != link.pk:  # done in the portal or on paper: its answers are not shown here
            return _not_open(request, status=200, reason="done_elsewhere", link=link, token=link_token)
        return _link_result(request, link, link_token, existing)
    item, inst = link_actions.link_item(link, key)
    inst = versions.for_client(inst, link.client.preferred_language, link.client.organisation_id)
    form = AnswersForm(inst, request.POST or None, initial_answers=existing.answers if existing else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                outcome = link_actions.submit_link(link_token, key, form.answers())
            except AnswersError as exc:
                form.apply(exc)
            except ActionError as exc:
                if exc.code in (MeasuresCode.LINK_USED, MeasuresCode.LINK_EXPIRED, MeasuresCode.LINK_REVOKED):
                    return _not_open(request, status=410, reason=f"link_{exc.code}", link=link)
                form.add_error(None, exc.message)
            else:
                return _link_result(request, link, link_token, outcome.administration)
        else:
            try:
                link_actions.save_link_draft(link_token, key, form.partial_answers())
            except ActionError:
                pass
    return render(request, "measures/fill.html", _fill_context(
        inst, form, item, save_url=reverse("measures:link_save", args=[link_token, key]),
        store_key=store_key(link.client_id, key), back_url=reverse("measures:link", args=[link_token]),
        back_text=_("Back to the list"), language=link.client.preferred_language))


def _link_result(request, link, token, admin):
    link_actions.record_link_result_shown(link, admin)
    context = result_context(admin)
    remaining = [key for key, _inst, a in link_actions.link_items(link) if a is None or not a.is_completed]
    context.update(next_url=reverse("measures:link_fill", args=[token, remaining[0]]) if remaining else "",
                   home_url="", link_done=not remaining)
    return render(request, "measures/result.html", context)


@require_POST
def link_save_view(request, link_token, item):
    """Save the answers given so far through a link (called by fill.js)."""
    key = item
    link = link_actions.find_link(link_token)
    if link is None or link_actions.link_state(link) != "ok" or key not in link.due_keys:
        return JsonResponse({"saved": False, "reason": "not_open"}, status=404)
    _item, inst = link_actions.link_item(link, key)
    form = AnswersForm(inst, request.POST)
    try:
        admin = link_actions.save_link_draft(link_token, key, form.partial_answers())
    except ActionError as exc:
        return _save_refused(exc)
    return _saved(admin)
