"""Template context every page needs."""

from django.conf import settings


def site(request):
    """Expose the acting person and navigation facts to templates."""
    actor = getattr(request, "actor", None)
    return {
        "actor": actor,
        "site_mode": settings.MODE,
        "nav_staff": bool(actor and actor.is_staff),
        "nav_client": bool(actor and actor.is_client),
    }
