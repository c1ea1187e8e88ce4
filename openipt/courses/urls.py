from django.urls import path

from openipt.courses.views import calendar, course, screening, session, steps

app_name = "courses"

urlpatterns = [
    path("", course.course_list_view, name="list"),
    path("start/<int:client_id>/", course.start_course_view, name="start"),
    path("<int:course_id>/", course.overview_view, name="overview"),
    path("<int:course_id>/contract/", course.contract_view, name="contract"),
    path("<int:course_id>/renegotiate/", course.renegotiate_view, name="renegotiate"),
    path("<int:course_id>/focus/", course.focus_view, name="focus"),
    path("<int:course_id>/agree/", course.agree_view, name="agree"),
    path("<int:course_id>/screening/", screening.screening_view, name="screening"),
    path("<int:course_id>/move/", course.transition_view, name="transition"),
    path("<int:course_id>/ending/", course.ending_view, name="ending"),
    path("<int:course_id>/goals/", course.goals_view, name="goals"),
    path("<int:course_id>/goals/<int:goal_id>/", course.goal_edit_view, name="goal_edit"),
    path("<int:course_id>/sessions/new/", session.add_session_view, name="add_session"),
    path("<int:course_id>/sessions/<int:session_number>/", session.session_view, name="session"),
    path("<int:course_id>/sessions/<int:session_number>/reschedule/", session.reschedule_view, name="reschedule"),
    path("<int:course_id>/sessions/<int:session_number>/attendance/", session.attendance_view, name="attendance"),
    path("<int:course_id>/sessions/<int:session_number>/steps/", session.steps_view, name="steps"),
    path("<int:course_id>/sessions/<int:session_number>/note/", session.note_view, name="note"),
    path("<int:course_id>/sessions/<int:session_number>/autosave/", session.autosave_view, name="autosave"),
    path("<int:course_id>/sessions/<int:session_number>/addendum/", session.addendum_view, name="addendum"),
    path("<int:course_id>/sessions/<int:session_number>/ratings/", session.ratings_view, name="ratings"),
    path("<int:course_id>/review/", steps.review_view, name="review"),
    path("<int:course_id>/outreach/", steps.outreach_view, name="outreach"),
    path("<int:course_id>/end-early/", steps.end_early_view, name="end_early"),
    path("<int:course_id>/letter/", steps.letter_view, name="letter"),
    path("<int:course_id>/letter/print/", steps.letter_print_view, name="letter_print"),
    path("<int:course_id>/booster/", steps.booster_view, name="booster"),
    path("calendar/", calendar.calendar_view, name="calendar"),
    path("calendar/address/", calendar.token_create_view, name="token_create"),
    path("calendar/address/stop/", calendar.token_revoke_view, name="token_revoke"),
    path("calendar/feed/<str:token>.ics", calendar.feed_view, name="feed"),
]
