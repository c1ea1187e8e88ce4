"""Couples helpers: a couples course and a partner's private view, through the real actions."""

from __future__ import annotations

from django.utils import timezone

from openipt.couples import actions
from openipt.couples.models import PartnerView
from openipt.courses import actions as course_actions
from tests.support.people import actor


def couples_course(world, client_key="mine", who="therapist"):
    return course_actions.start_course(actor(world.m[who]), world.clients[client_key].pk, format_id="couples",
                                       start_date=timezone.localdate())


def write(world, who, data, version=None):
    if version is None:
        view = PartnerView.objects.filter(author__user=world.m[who].user).first()
        version = view.version if view else 1
    return actions.save_view(actor(world.m[who]), data, expected_version=version)
