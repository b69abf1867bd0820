"""The fake answers gspread's real recorded requests with the shapes Google answered.

Each cassette (gspread 6.2.1's own test traffic) is replayed in order against a fresh fake,
the recorded spreadsheet id mapped to the one the fake creates. For the endpoints Houqin
uses (spreadsheets.get and spreadsheets.batchUpdate), every key path the fake answers with
must exist in Google's recorded answer with the same JSON type: the fake never invents
structure, so code that works against it reads real responses the same way.
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote, urlsplit

import requests

from tests.fake_sheets import FakeSheets

HOUQIN_ENDPOINTS = (re.compile(r"^GET /v4/spreadsheets/[^/:]+$"), re.compile(r"^POST /v4/spreadsheets/[^/]+:batchUpdate$"))


def shape(value, path="$"):
    """Every key path with its JSON type; list items share one path."""
    paths = {path: type(value).__name__ if not isinstance(value, int | float) or isinstance(value, bool) else "number"}
    if isinstance(value, dict):
        for key, item in value.items():
            paths.update(shape(item, f"{path}.{key}"))
    elif isinstance(value, list):
        for item in value:
            paths.update(shape(item, f"{path}[]"))
    return paths


def endpoint(method: str, uri: str) -> str:
    return f"{method} {unquote(urlsplit(uri).path)}"


def replay(fake: FakeSheets, cassette: dict) -> list[tuple[str, dict, dict]]:
    """Replay a cassette; return (endpoint, fake answer, recorded answer) for Houqin's endpoints."""
    ids: dict[str, str] = {}
    compared = []
    session = requests.Session()
    for interaction in cassette["interactions"]:
        request, response = interaction["request"], interaction["response"]
        uri, body = request["uri"], request.get("body") or ""
        for recorded, ours in ids.items():
            uri, body = uri.replace(recorded, ours), body.replace(recorded, ours)
        parts = urlsplit(uri)
        answer = session.request(request["method"], fake.base_url + parts.path + ("?" + parts.query if parts.query else ""),
                                 data=body.encode("utf-8") if body else None, headers={"Content-Type": "application/json"})
        recorded_text = response["body"]["string"]
        if request["method"] == "POST" and parts.path.rstrip("/").endswith("/drive/v3/files") and answer.ok:
            ids[json.loads(recorded_text)["id"]] = answer.json()["id"]
        label = endpoint(request["method"], uri)
        if response["status"]["code"] == 200 and answer.status_code == 200 and any(p.match(label) for p in HOUQIN_ENDPOINTS):
            compared.append((label, answer.json(), json.loads(recorded_text)))
    return compared


def test_fake_answers_like_google_for_the_endpoints_houqin_uses(corpus):
    cassettes = sorted((corpus / "gspread-cassettes").glob("*.json"))
    assert len(cassettes) > 100
    compared = 0
    endpoints = set()
    for path in cassettes:
        with FakeSheets() as fake:
            for label, ours, theirs in replay(fake, json.loads(path.read_text(encoding="utf-8"))):
                recorded = shape(theirs)
                for key_path, kind in shape(ours).items():
                    assert key_path in recorded, (path.name, label, key_path)
                    assert recorded[key_path] == kind, (path.name, label, key_path, kind, recorded[key_path])
                compared += 1
                endpoints.add(re.sub(r"/spreadsheets/[^/:]+", "/spreadsheets/{id}", label))
    assert compared > 300
    assert endpoints == {"GET /v4/spreadsheets/{id}", "POST /v4/spreadsheets/{id}:batchUpdate"}


def test_error_envelope_matches_google(corpus):
    recorded = json.loads((corpus / "gspread-cassettes" / "ClientTest.test_access_non_existing_spreadsheet.json").read_text())
    theirs = next(i["response"] for i in recorded["interactions"] if i["response"]["status"]["code"] == 404)
    with FakeSheets() as fake:
        ours = requests.get(fake.base_url + "/v4/spreadsheets/no-such-key")
    assert ours.status_code == 404
    assert shape(ours.json()) == shape(json.loads(theirs["body"]["string"]))
