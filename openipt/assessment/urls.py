from django.urls import path

from openipt.assessment.views import formulation, inventory, portal, snapshots, suggest, timeline

app_name = "assessment"

urlpatterns = [
    # Staff: a client's inventory, snapshots, timeline, onset and intake.
    path("client/<int:client_id>/inventory/", inventory.inventory_view, name="inventory"),
    path("client/<int:client_id>/inventory/new/", inventory.add_person_view, name="add_person"),
    path("client/<int:client_id>/inventory/seen/", inventory.seen_view, name="seen"),
    path("client/<int:client_id>/snapshots/", snapshots.snapshots_view, name="snapshots"),
    path("client/<int:client_id>/snapshots/compare/", snapshots.compare_view, name="compare"),
    path("client/<int:client_id>/timeline/", timeline.timeline_view, name="timeline"),
    path("client/<int:client_id>/timeline/new/", timeline.add_event_view, name="add_event"),
    path("client/<int:client_id>/intake/", timeline.intake_view, name="intake"),
    path("person/<int:person_id>/", inventory.edit_person_view, name="edit_person"),
    path("person/<int:person_id>/move/", inventory.move_person_view, name="move_person"),
    path("person/<int:person_id>/remove/", inventory.remove_person_view, name="remove_person"),
    path("person/<int:person_id>/history/", inventory.history_view, name="person_history"),
    path("event/<int:event_id>/", timeline.edit_event_view, name="edit_event"),
    path("event/<int:event_id>/remove/", timeline.remove_event_view, name="remove_event"),
    # Staff: a course's suggestions, choice of area, formulation and goals.
    path("course/<int:course_id>/suggestions/", suggest.suggest_view, name="suggest"),
    path("course/<int:course_id>/formulation/", formulation.formulation_view, name="formulation"),
    path("course/<int:course_id>/formulation/draft/", formulation.generate_view, name="generate"),
    path("course/<int:course_id>/formulation/autosave/", formulation.autosave_view, name="autosave"),
    path("course/<int:course_id>/formulation/agree/", formulation.agree_view, name="agree"),
    path("course/<int:course_id>/formulation/print/", formulation.print_view, name="print"),
    path("course/<int:course_id>/goals/", formulation.goals_view, name="goals"),
    # The client's own pages in the portal.
    path("mine/people/", portal.inventory_view, name="portal_inventory"),
    path("mine/people/new/", portal.add_view, name="portal_add"),
    path("mine/people/<int:entry_id>/", portal.edit_view, name="portal_edit"),
    path("mine/formulation/", portal.formulation_view, name="portal_formulation"),
    path("mine/formulation/<int:version_id>/agree/", portal.agree_view, name="portal_agree"),
    path("mine/formulation/<int:version_id>/print/", portal.print_view, name="portal_print"),
]
