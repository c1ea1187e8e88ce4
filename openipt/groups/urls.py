from django.urls import path

from openipt.groups.views import groups, meetings, reports, session

app_name = "groups"

urlpatterns = [
    path("", groups.group_list_view, name="list"),
    path("new/", groups.group_new_view, name="new"),
    path("programmes/", groups.programme_list_view, name="programmes"),
    path("programmes/<int:programme_id>/", groups.programme_edit_view, name="programme_edit"),
    path("supervising/", reports.oversight_view, name="oversight"),
    path("<int:group_id>/", groups.group_detail_view, name="detail"),
    path("<int:group_id>/status/", groups.group_status_view, name="status"),
    path("<int:group_id>/edit/", groups.group_edit_view, name="edit"),
    path("<int:group_id>/led-alone/<int:hold_id>/", groups.hold_view, name="hold"),
    path("<int:group_id>/led-alone/<int:hold_id>/co-facilitator/", groups.hold_co_leader_view, name="hold_co_leader"),
    path("<int:group_id>/members/<int:member_id>/leave/", groups.member_leave_view, name="leave"),
    path("<int:group_id>/meetings/new/<str:kind>/", meetings.meeting_new_view, name="meeting_new"),
    path("<int:group_id>/meetings/<int:meeting_id>/", meetings.meeting_view, name="meeting"),
    path("<int:group_id>/meetings/<int:meeting_id>/join/", meetings.join_view, name="join"),
    path("<int:group_id>/sessions/<int:number>/", session.session_view, name="session"),
    path("<int:group_id>/sessions/<int:number>/move/", groups.session_move_view, name="session_move"),
    path("<int:group_id>/sessions/<int:number>/sync/", session.sync_view, name="sync"),
    path("<int:group_id>/sessions/<int:number>/guide.pdf", session.guide_pdf_view, name="guide_pdf"),
    path("<int:group_id>/sessions/<int:number>/attendance.pdf", session.sheet_pdf_view, name="sheet_pdf"),
    path("<int:group_id>/sessions/<int:number>/report/", reports.report_view, name="report"),
    path("<int:group_id>/sessions/<int:number>/report/reply/", reports.reply_view, name="reply"),
]
