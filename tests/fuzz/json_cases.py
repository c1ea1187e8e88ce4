"""Hostile JSON for the two addresses that read JSON: the facilitator-mode sync and the measures import.

Each case is (description, body). Bodies are bytes or str; the sync takes them as the request body, the
import as an uploaded file (and a few as pasted text).
"""

from __future__ import annotations

import copy
import json
import random

from tests.fuzz.values import LONG, random_value

DEPTH = 100_000
BIG_INT = "1" + "0" * 5000  # more digits than Python turns into an int by default


def nested_lists(depth: int = DEPTH) -> str:
    return "[" * depth + "]" * depth


def nested_objects(depth: int = DEPTH) -> str:
    return '{"a":' * depth + "1" + "}" * depth


# Values of the wrong type or size for any field.
JSON_VALUES = {
    "null": None, "true": True, "minus_one": -1, "zero": 0, "huge_int": 10**30, "minus_huge_int": -(10**30),
    "fraction": 1.5, "big_float": 1e308, "nul": "a\x00b", "long": LONG, "empty": "", "list": ["a", 1],
    "object": {"a": 1}, "date_min": "0001-01-01", "date_max": "9999-12-31", "datetime_min": "0001-01-01T00:00:00+14:00",
    "date_invalid": "2026-02-30", "script": "<script>alert(1)</script>",
}

RAW_BODIES = {
    "lists nested 100,000 deep": nested_lists(),
    "objects nested 100,000 deep": nested_objects(),
    "not UTF-8": b"\xff\xfe\x00\x80",
    "empty": b"",
    "a number with 5,000 digits": BIG_INT,
    "NaN": "NaN",
    "Infinity": "-Infinity",
    "1e309": "1e309",
    "a string": '"x"',
    "a byte-order mark": "\ufeff{}",
    "a NUL byte": "{\x00}",
}


def sync_bodies(member_id: int) -> list[tuple[str, str | bytes]]:
    """Bodies for POST groups:sync: broken JSON, wrong shapes, and each field of each kind of change made wrong."""
    bodies = list(RAW_BODIES.items())
    bodies += [
        ("changes nested 100,000 deep", '{"changes": ' + nested_lists() + "}"),
        ("answers nested 100,000 deep", '{"changes": [{"key": "deep-1", "kind": "check", "data": {"member": '
         + str(member_id) + ', "answers": ' + nested_objects() + "}}]}"),
        ("100,000 changes", json.dumps({"changes": [{}] * 100_000})),
        ("100,000 steps", json.dumps({"changes": [{"key": "many-steps", "kind": "steps",
                                                   "data": {"done": ["x"] * 100_000}}]})),
        ("a member id with 5,000 digits", '{"changes": [{"key": "big-1", "kind": "mark", "data": {"member": '
         + BIG_INT + ', "presence": "present"}}]}'),
        ("a version of Infinity", '{"changes": [{"key": "inf-1", "kind": "notes", "data": {"text": "x", '
         '"version": Infinity}}]}'),
    ]
    for name, value in JSON_VALUES.items():
        bodies.append((f"body {name}", json.dumps(value)))
        bodies.append((f"changes {name}", json.dumps({"changes": value})))
        bodies.append((f"one change {name}", json.dumps({"changes": [value]})))
    templates = {
        "mark": {"member": member_id, "presence": "present"},
        "will_try": {"member": member_id, "text": "Walk with my sister"},
        "check": {"member": member_id, "answers": {f"q{n}": 1 for n in range(1, 10)}},
        "notes": {"text": "We talked about grief.", "version": 1},
        "steps": {"done": ["welcome"]},
    }
    n = 0
    for kind, data in templates.items():
        for key in [*data, "(data)"]:
            for value_name, value in JSON_VALUES.items():
                n += 1
                change = {"key": f"fuzz-{n}", "kind": kind, "data": copy.deepcopy(data)}
                if key == "(data)":
                    change["data"] = value
                else:
                    change["data"][key] = value
                bodies.append((f"{kind} {key}={value_name}", json.dumps({"changes": [change]})))
        for value_name, value in JSON_VALUES.items():
            n += 1
            if kind == "check":
                answers = {**templates["check"]["answers"], "q1": value}
                change = {"key": f"fuzz-{n}", "kind": kind, "data": {"member": member_id, "answers": answers}}
                bodies.append((f"check answers.q1={value_name}", json.dumps({"changes": [change]})))
            elif kind == "steps":
                change = {"key": f"fuzz-{n}", "kind": kind, "data": {"done": [value]}}
                bodies.append((f"steps done=[{value_name}]", json.dumps({"changes": [change]})))
    for value_name, value in JSON_VALUES.items():
        n += 1
        for field in ("key", "kind"):
            change = {"key": f"fuzz-{n}", "kind": "mark", "data": templates["mark"], field: value}
            bodies.append((f"mark {field}={value_name}", json.dumps({"changes": [change]})))
    return bodies


def questionnaire_response(record_number: str, **changes) -> dict:
    base = "https://openipt.org/fhir"
    data = {
        "resourceType": "QuestionnaireResponse",
        "identifier": {"system": "https://partner.example/responses", "value": "fuzz-1"},
        "questionnaire": f"{base}/Questionnaire/phq9",
        "status": "completed",
        "subject": {"reference": f"Patient/{record_number}"},
        "authored": "2026-01-05T10:00:00+00:00",
        "item": [{"linkId": f"q{i}", "answer": [{"valueCoding": {"system": f"{base}/CodeSystem/phq9-answer", "code": "1"}}]}
                 for i in range(1, 10)],
    }
    data.update(changes)
    return data


AUTHORED = ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "0001-01-01", "0001", "9999-12-31T23:59:59-14:00",
            "9999-12-31", "2026-02-30", "-1", "10000-01-01", "2026-01-05T25:00:00Z", ""]


def import_bodies(record_number: str) -> list[tuple[str, str | bytes]]:
    """Files for POST measures:import: broken JSON and NDJSON, and each field of a response made wrong."""
    bodies = list(RAW_BODIES.items())
    good = questionnaire_response(record_number)
    bodies += [
        ("20,000 empty objects", json.dumps([{}] * 20_000)),
        ("NDJSON of 5,000 lines", "\n".join(["{}"] * 5_000)),
        ("NDJSON with a line nested 100,000 deep", json.dumps(good) + "\n" + nested_objects()),
        ("a Bundle of 5,000 entries", json.dumps({"resourceType": "Bundle", "entry": [{"resource": {}}] * 5_000})),
        ("a response with 20,000 items", json.dumps({**good, "item": good["item"] * 2_223})),
    ]
    for when in AUTHORED:
        bodies.append((f"authored {when!r}", json.dumps({**good, "authored": when})))
    for key in good:
        for value_name, value in JSON_VALUES.items():
            bodies.append((f"{key}={value_name}", json.dumps({**good, key: value})))
    for path, setter in {
        "identifier.value": lambda d, v: d["identifier"].__setitem__("value", v),
        "subject.reference": lambda d, v: d["subject"].__setitem__("reference", v),
        "item[0]": lambda d, v: d["item"].__setitem__(0, v),
        "item[0].linkId": lambda d, v: d["item"][0].__setitem__("linkId", v),
        "item[0].answer": lambda d, v: d["item"][0].__setitem__("answer", v),
        "item[0].answer[0]": lambda d, v: d["item"][0]["answer"].__setitem__(0, v),
        "item[0].answer[0].valueCoding": lambda d, v: d["item"][0]["answer"][0].__setitem__("valueCoding", v),
        "item[0].answer[0].valueCoding.code": lambda d, v: d["item"][0]["answer"][0]["valueCoding"].__setitem__("code", v),
    }.items():
        for value_name, value in JSON_VALUES.items():
            data = copy.deepcopy(good)
            setter(data, value)
            bodies.append((f"{path}={value_name}", json.dumps(data)))
    for value_name, value in JSON_VALUES.items():
        bodies.append((f"Bundle entry={value_name}", json.dumps({"resourceType": "Bundle", "entry": value})))
        bodies.append((f"Bundle entry[0]={value_name}", json.dumps({"resourceType": "Bundle", "entry": [value]})))
        bodies.append((f"Bundle entry[0].resource={value_name}",
                       json.dumps({"resourceType": "Bundle", "entry": [{"resource": value}]})))
    return bodies


def random_json(rng: random.Random, depth: int = 0):
    """A random JSON value: the wrong-type values above, random strings, and small lists and objects of them."""
    roll = rng.random()
    if roll < 0.4 or depth > 3:
        return rng.choice([*JSON_VALUES.values(), random_value(rng), rng.randint(-(10**20), 10**20)])
    if roll < 0.7:
        return [random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(["member", "presence", "text", "answers", "version", "done", "q1", random_value(rng)[:20]]):
            random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def random_sync_body(rng: random.Random, member_id: int) -> str:
    """One sync request of random changes, most with a real kind and member so they reach the actions."""
    changes = []
    for n in range(rng.randint(1, 5)):
        data = random_json(rng)
        data = data if isinstance(data, dict) and rng.random() < 0.2 else {
            "member": member_id if rng.random() < 0.7 else random_json(rng), **(data if isinstance(data, dict) else {}),
            rng.choice(["presence", "text", "answers", "version", "done"]): random_json(rng)}
        changes.append({"key": f"random-{rng.random()}-{n}", "data": data,
                        "kind": rng.choice(["mark", "will_try", "check", "notes", "steps", random_value(rng)[:10]])})
    return json.dumps({"changes": changes})


def random_import_body(rng: random.Random, record_number: str) -> str:
    """A questionnaire response with a few of its fields, or of its first item's, made random."""
    data = questionnaire_response(record_number)
    for _ in range(rng.randint(1, 3)):
        target = data if rng.random() < 0.6 else data["item"][0]
        target[rng.choice([*target, random_value(rng)[:10]])] = random_json(rng)
    return json.dumps(data)
