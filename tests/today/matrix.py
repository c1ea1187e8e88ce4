"""Permission-matrix rows for Today and the week calendar (see tests/test_permission_matrix.py).

Moving a session uses the course and session 1 that tests/courses/matrix.py prepares (the client
assigned to `therapist`): only that therapist may move it; the supervisor and the admin may look at
the course but not change it (403); staff who cannot see the client and the other organisation get 404.
"""


def matrix(expect, staff_only, admin_only, client_record, LOGIN):
    change_page = client_record(supervisor=403, admin=403)
    return {
        "today:today": {"GET": staff_only()},
        "today:week": {"GET": staff_only()},
        "today:move": {"GET": change_page, "POST": change_page},
        "today:working_hours": {"GET": admin_only(), "POST": admin_only()},
    }
