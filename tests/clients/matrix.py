"""Permission-matrix rows for bulk import and the record's lifecycle (see tests/test_permission_matrix.py).

The Import page, its confirmation and its templates are for admins of the organisation, as the People
page is: everyone else gets 403 and anonymous visitors are sent to sign in. A confirmation without a
preview from this admin answers the upload page with the reason (200) and changes nothing.
"""


def matrix(expect, staff_only, admin_only, client_record, LOGIN):
    return {
        "clients:import": {"GET": admin_only(), "POST": admin_only(200)},
        "clients:import_confirm": {"GET": admin_only(405), "POST": admin_only(200)},
        "clients:import_template": {"GET": admin_only()},
        # The whole record (subject-access export, erasure) and the retention list: admins of the organisation only;
        # a record elsewhere does not exist (404). An empty form answers the page with the reason and changes nothing.
        "clients:record": {"GET": admin_only(200, other_admin=404)},
        "clients:record_export": {"GET": admin_only(405, other_admin=405), "POST": admin_only(200, other_admin=404)},
        "clients:record_erase": {"GET": admin_only(405, other_admin=405), "POST": admin_only(200, other_admin=404)},
        "clients:retention": {"GET": admin_only(), "POST": admin_only(200)},
    }
