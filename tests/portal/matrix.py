"""Permission-matrix rows for the portal home (see tests/test_permission_matrix.py): for clients only, staff get 403."""


def matrix(expect, staff_only, admin_only, client_record, LOGIN):
    return {
        "practice:portal": {"GET": expect(403, client=200)},
    }
