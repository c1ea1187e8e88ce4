from django.urls import path

from openipt.practice.views import reading, rehearsal, reminders, settings, staff, worksheets

app_name = "practice"

urlpatterns = [
    # The client's own pages (their home, /me/ itself, is the portal app's: see openipt/urls.py).
    path("reminders/", reminders.reminders_view, name="reminders"),
    path("reminders/<int:reminder_id>/seen/", reminders.dismiss_reminder_view, name="dismiss_reminder"),
    path("reading/", reading.reading_list_view, name="reading_list"),
    path("reading/<int:reading_id>/", reading.reading_view, name="reading"),
    path("reading/<int:reading_id>/read/", reading.mark_read_view, name="mark_read"),
    path("log/", reading.log_view, name="log"),
    path("log/<int:log_entry_id>/", reading.log_edit_view, name="log_edit"),
    path("worksheets/", worksheets.worksheet_list_view, name="worksheets"),
    path("worksheets/<int:worksheet_id>/", worksheets.worksheet_view, name="worksheet"),
    path("worksheets/<int:worksheet_id>/autosave/", worksheets.worksheet_autosave_view, name="worksheet_autosave"),
    path("practise/", rehearsal.rehearsal_list_view, name="rehearsals"),
    path("practise/<int:rehearsal_id>/", rehearsal.rehearsal_view, name="rehearsal"),
    path("practise/<int:rehearsal_id>/restart/", rehearsal.rehearsal_restart_view, name="rehearsal_restart"),
    path("practise/<int:rehearsal_id>/switch/", rehearsal.rehearsal_switch_view, name="rehearsal_switch"),
    # Staff pages about one client's between-session work.
    path("care/<int:client_id>/", staff.care_view, name="care"),
    path("care/<int:client_id>/reading/", staff.care_reading_view, name="care_reading"),
    path("care/<int:client_id>/questions/<int:reading_question_id>/", staff.care_answer_view, name="care_answer"),
    path("care/<int:client_id>/log/", staff.care_log_view, name="care_log"),
    path("care/<int:client_id>/worksheets/", staff.care_assign_worksheet_view, name="care_assign_worksheet"),
    path("care/<int:client_id>/worksheets/<int:sheet_id>/", staff.care_worksheet_view, name="care_worksheet"),
    path("care/<int:client_id>/practise/<int:conversation_id>/", staff.care_rehearsal_view, name="care_rehearsal"),
    path("care/<int:client_id>/practise/access/", staff.care_rehearsal_access_view, name="care_rehearsal_access"),
    # The organisation's practice partner.
    path("settings/partner/", settings.partner_settings_view, name="partner_settings"),
]
