"""The words of every text message, in the member's language, and nothing clinical in any of them.

A phone may be shared (with family, or with a partner who hurts the member), so a message names no
diagnosis, score, questionnaire or clinical word: only the neutral name agreed at consent ("Tuesday
group"). The three check-in questions are explained in person at consent, on a printed card; the
message only asks for "your 3 numbers". tests/sms/test_texts.py checks every template, in every
shipped language, against a list of forbidden words.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from django.utils import formats, timezone, translation
from django.utils.translation import gettext_noop

# Each template, marked for translation; `render` translates it in the member's language.
TEMPLATES: dict[str, str] = {
    "reminder": gettext_noop("%(name)s: see you tomorrow, %(day)s, at %(time)s. Reply STOP to stop these messages."),
    # A reminder the sender made late (it did not run the evening before): the session is later today.
    "reminder_today": gettext_noop("%(name)s: see you today, %(day)s, at %(time)s. Reply STOP to stop these messages."),
    "checkin": gettext_noop("%(name)s: time for your check-in. Reply with your 3 numbers, like 1 0 0."),
    "help": gettext_noop("%(name)s: sorry, we did not understand. Reply with 3 numbers from 0 to 3, like 1 0 0. "
                         "Someone will also read your message."),
    "thanks": gettext_noop("%(name)s: thank you, we got your numbers."),
    "safety": gettext_noop("Thank you. Someone from %(name)s will contact you soon."),
    "safety_numbers": gettext_noop("Thank you. Someone from %(name)s will contact you soon. "
                                   "If you need to talk to someone now, call %(numbers)s."),
    "stopped": gettext_noop("You will get no more messages from %(name)s. Reply START to get them again."),
    "started": gettext_noop("%(name)s: your messages are on again. Reply STOP to stop them."),
}

# The shipped languages of the message templates (English, and the catalogues in openipt/locale).
LANGUAGES = ("en", "es", "sw", "ar")


def render(template: str, language: str, **values: object) -> str:
    """The message `template` in `language` (English when there is no translation), with its values filled in."""
    with translation.override(language or "en"):
        return translation.gettext(TEMPLATES[template]) % values


def session_words(language: str, when: datetime, zone: tzinfo | None = None) -> dict[str, str]:
    """The day and time of a session, as the member reads them: in `zone` (the site's), else the default zone."""
    local = timezone.localtime(when, zone or timezone.get_default_timezone())
    with translation.override(language or "en"):
        return {"day": formats.date_format(local, "l"), "time": local.strftime("%H:%M")}
