"""Permission-matrix rows for the sign-in security pages (see tests/test_permission_matrix.py).

Recovery codes belong to the signed-in person; without two-factor sign-in the page sends them to
set it up (302). Password reset is public: the request page answers everyone, and a link that is
not valid answers 410 for everyone. Only an admin resets a colleague's second factor, and only in
their own organisation (404 elsewhere).
"""


def prepare(world):
    return {"uid": "MQ"}


def matrix(expect, staff_only, admin_only, client_record, LOGIN):
    return {
        "accounts:recovery_codes": {"GET": expect(302), "POST": expect(302)},
        "accounts:password_reset": {"GET": expect(200, anonymous=200), "POST": expect(200, anonymous=200)},
        "accounts:password_reset_confirm": {"GET": expect(410, anonymous=410), "POST": expect(410, anonymous=410)},
        "accounts:member_mfa_reset": {"GET": admin_only(405), "POST": admin_only(302, other_admin=404)},
        # Everyone signed in chooses the language of their own screens.
        "accounts:language": {"GET": expect(200), "POST": expect(302)},
        # Admins review the site's translations; signing with nothing ticked is refused and goes back (302).
        "accounts:translations": {"GET": admin_only(), "POST": admin_only(302)},
    }
