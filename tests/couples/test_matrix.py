"""Runs this app's permission-matrix rows until tests/test_permission_matrix.py lists the app."""

from __future__ import annotations

import pytest

from tests import test_permission_matrix as pm
from tests.couples import matrix as rows

MATRIX = rows.matrix(expect=pm.expect, staff_only=pm.staff_only, admin_only=pm.admin_only,
                     client_record=pm.client_record, LOGIN=pm.LOGIN)
CASES = [(name, method, role) for name, methods in MATRIX.items() for method in methods for role in pm.ROLES]


def test_every_couples_url_has_a_row():
    mine = [n for n in pm.all_url_names() if n.startswith("couples:")]
    assert sorted(mine) == sorted(MATRIX)


@pytest.fixture
def world_with_rows(world):
    prepared = rows.prepare(world)
    # In the full matrix, course_id comes from the courses rows; here it is the unlinked couples course.
    world.matrix_kwargs = {"course_id": prepared["course_id_couples"], **prepared}
    return world


@pytest.mark.parametrize("name, method, role", CASES, ids=[f"{n}-{m}-{r}" for n, m, r in CASES])
def test_the_answer_for_each_couples_url(world_with_rows, client, name, method, role):
    from django.urls import reverse

    from openipt.core.testing import login

    kwargs = world_with_rows.matrix_kwargs
    url = reverse(name, kwargs={k: kwargs[k] for k in pm.url_params()[name]} or None)
    if role != "anonymous":
        login(client, world_with_rows.m[role])
    response = client.get(url) if method == "GET" else client.post(url, {})
    assert pm._outcome(response) == MATRIX[name][method][role]
