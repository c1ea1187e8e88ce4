"""Languages a client may prefer. Content exists in English; others fall back to it until a pack is added."""

from django.utils.translation import gettext_lazy as _

CLIENT_LANGUAGES = [
    ("en", _("English")),
    ("am", _("Amharic")),
    ("ar", _("Arabic")),
    ("bn", _("Bengali")),
    ("zh", _("Chinese")),
    ("fr", _("French")),
    ("de", _("German")),
    ("hi", _("Hindi")),
    ("lg", _("Luganda")),
    ("ne", _("Nepali")),
    ("pl", _("Polish")),
    ("pt", _("Portuguese")),
    ("pa", _("Punjabi")),
    ("so", _("Somali")),
    ("es", _("Spanish")),
    ("sw", _("Swahili")),
    ("ta", _("Tamil")),
    ("tr", _("Turkish")),
    ("uk", _("Ukrainian")),
    ("ur", _("Urdu")),
]
LANGUAGE_NAMES = dict(CLIENT_LANGUAGES)
