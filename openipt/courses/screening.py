"""The initial-phase screening for what IPT alone does not treat (pure: no Django models).

Each topic a format lists under `screening_topics` (openipt/protocol/content/*/formats.yaml) is
asked in the initial phase; the clinician records what was asked, the answer, and a decision.
The prompts are the project's own words for staff, not an instrument's items.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PROCEED, REFER, SHARED_CARE = "proceed", "refer", "shared_care"
DECISIONS = (
    (PROCEED, _("Go ahead with IPT")),
    (SHARED_CARE, _("Go ahead with IPT alongside other care (shared care)")),
    (REFER, _("Refer elsewhere first: IPT does not start yet")),
)


@dataclass(frozen=True)
class Topic:
    id: str
    title: StrOrPromise
    prompt: StrOrPromise


TOPICS = {t.id: t for t in (
    Topic("psychosis", _("Psychosis"), _(
        "Ask about hearing or seeing things other people do not, firm beliefs that others find strange, "
        "or feeling watched or controlled. Note any past episodes or treatment.")),
    Topic("bipolar", _("Bipolar disorder or mania"), _(
        "Ask about spells of several days with a very high or irritable mood, much less need for sleep, "
        "racing thoughts, or risky spending or behaviour, and about any past diagnosis in the client or family.")),
    Topic("substance", _("Alcohol or drug dependence"), _(
        "Ask how much alcohol the client drinks and which drugs they use, whether they have tried and failed "
        "to cut down, and whether it harms their health, work or relationships.")),
    Topic("cognitive", _("Cognitive impairment"), _(
        "Notice and ask about problems with memory, attention or understanding that low mood does not explain, "
        "for example after a head injury or with dementia.")),
    Topic("intellectual_disability", _("Intellectual disability"), _(
        "Ask the young person and their family or school about learning needs and support, and check the "
        "young person can follow talk-based sessions.")),
    Topic("safeguarding", _("Safeguarding"), _(
        "Ask whether the young person is safe at home, at school and online, and whether anyone hurts, "
        "threatens or exploits them. Follow your organisation's safeguarding procedure.")),
    Topic("medication", _("Medication evaluation"), _(
        "Record the medicines the client takes for mood or sleep, whether a medication review is needed "
        "(for example severe or long-lasting depression, a good past response to medicine, or the client's "
        "wish), and who will do it.")),
)}


def topic(topic_id: str) -> Topic:
    """Return a topic by id.

    A site's content pack may list a topic of its own: it is shown under its id in words, with no
    prompt, and the clinician writes what they asked in the answer.
    """
    return TOPICS.get(topic_id) or Topic(topic_id, topic_id.replace("_", " ").capitalize(), "")


def decision_label(value: str) -> str:
    return str(dict(DECISIONS).get(value, value))


def screening_gaps(topic_ids, latest: dict[str, str]) -> tuple[list[str], list[str]]:
    """Return (topics not yet screened, topics whose latest decision is to refer first).

    `latest` maps a topic id to its latest decision.
    """
    missing = [t for t in topic_ids if t not in latest]
    referred = [t for t in topic_ids if latest.get(t) == REFER]
    return missing, referred
