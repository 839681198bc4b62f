#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<target>/ (run from anywhere; rewrites the seed files).

The credentials are the fixture's constants (fuzz/FuzzFixture.cpp), so seeded requests reach the
authenticated routes. Cursors are made the way server/http/Cursor.cpp makes them."""
import base64
import hashlib
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ADMIN_KEY = "drk_FuzzAcmeAdminKey000000000000004frokC"
OWNER_KEY = "drk_FuzzAcmeOwnerKey000000000000002Df8C0"
VIEWER_KEY = "drk_FuzzAcmeViewerKey00000000000004dGWOa"
WSADMIN_KEY = "drk_FuzzAcmeWsAdminKey0000000000001SoKpX"
DISABLED_KEY = "drk_FuzzAcmeDisabledKey000000000001eI5V1"
EXPIRED_KEY = "drk_FuzzAcmeExpiredKey0000000000002U479B"
DELETED_KEY = "drk_FuzzAcmeDeletedKey0000000000003Cb94o"
GLOBEX_KEY = "drk_FuzzGlobexAdminKey0000000000001ynmIF"
OWNER_SESSION = "drs_FuzzAcmeOwnerSession00000000000000000000000"
ADMIN_SESSION = "drs_FuzzAcmeAdminSession00000000000000000000000"
MEMBER_SESSION = "drs_FuzzAcmeMemberSession0000000000000000000000"
GLOBEX_SESSION = "drs_FuzzGlobexOwnerSession000000000000000000000"
EXPIRED_SESSION = "drs_FuzzAcmeExpiredSession000000000000000000000"
PASSWORD = "fuzz-Password-0001"


def fingerprint(values):
    joined = b"".join(str(len(v)).encode() + b":" + v.encode() for v in values)
    return hashlib.sha256(joined).hexdigest()[:12]


def cursor(lst, fp, position):
    position = dict(position, l=lst, f=fp)
    raw = json.dumps(position, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


KEYS_FP = fingerprint(["all", "", "", "90", "90"])
EVENTS_FP = fingerprint(["", "", "", "", "", "", ""])
KEYS_CURSOR = cursor("api-keys", KEYS_FP, {"t": 1771675200000, "i": "key_acmeviewer"})
EVENTS_CURSOR = cursor("audit-events", EVENTS_FP, {"b": 5})


def request(method, target, auth=None, body=None, headers=()):
    lines = [f"{method} {target} HTTP/1.1"]
    if auth:
        lines.append(f"Authorization: Bearer {auth}")
    lines.append("User-Agent: fuzz/1")
    if body is not None:
        lines.append("Content-Type: application/json")
    lines.extend(headers)
    text = "\r\n".join(lines) + "\r\n\r\n"
    return (text + (body or "")).encode()


HTTP = {
    "health": request("GET", "/v1/health"),
    "login": request("POST", "/v1/auth/login", body=json.dumps({"email": "owner@acme.test", "password": PASSWORD})),
    "login-wrong": request("POST", "/v1/auth/login", body='{"email":"member@acme.test","password":"nope"}'),
    "logout": request("POST", "/v1/auth/logout", MEMBER_SESSION),
    "me-key": request("GET", "/v1/me", ADMIN_KEY),
    "me-session": request("GET", "/v1/me", MEMBER_SESSION),
    "me-expired": request("GET", "/v1/me", EXPIRED_SESSION),
    "me-disabled": request("GET", "/v1/me", DISABLED_KEY),
    "me-expired-key": request("GET", "/v1/me", EXPIRED_KEY),
    "me-deleted-key": request("GET", "/v1/me", DELETED_KEY),
    "roles": request("GET", "/v1/roles", VIEWER_KEY),
    "workspaces": request("GET", "/v1/workspaces", WSADMIN_KEY),
    "quota": request("GET", "/v1/quota", GLOBEX_SESSION),
    "keys-list": request("GET", "/v1/api-keys?status=enabled&q=fuzz&limit=2", OWNER_SESSION),
    "keys-list-filters": request("GET", "/v1/api-keys?status=rotation_due&stale_days=30&rotation_days=10&workspace_id=wsp_platform", ADMIN_SESSION),
    "keys-list-cursor": request("GET", f"/v1/api-keys?cursor={KEYS_CURSOR}", OWNER_KEY),
    "keys-create": request("POST", "/v1/api-keys", ADMIN_KEY, json.dumps({
        "name": "CI deploy", "description": "line one\nline two", "role": "workspace_editor",
        "workspace_id": "wsp_platform", "expires_at": "2026-12-01T00:00:00.123456+02:00"})),
    "keys-create-replay": request("POST", "/v1/api-keys", OWNER_SESSION,
                                  '{"name":"Replayed key","role":"workspace_viewer","workspace_id":"wsp_analytics"}',
                                  ["Idempotency-Key: fuzz-idempotency-1"]),
    "keys-create-quota": request("POST", "/v1/api-keys", GLOBEX_KEY, '{"name":"one more","role":"admin"}'),
    "keys-create-too-high": request("POST", "/v1/api-keys", ADMIN_SESSION, '{"name":"x","role":"owner"}',
                                    ["Idempotency-Key: abc"]),
    "keys-lookup": request("POST", "/v1/api-keys/lookup", MEMBER_SESSION, json.dumps({"value": VIEWER_KEY})),
    "keys-get": request("GET", "/v1/api-keys/key_acmeviewer", VIEWER_KEY),
    "keys-get-other-tenant": request("GET", "/v1/api-keys/key_acmeadmin", GLOBEX_KEY),
    "keys-update": request("PATCH", "/v1/api-keys/key_acmewsadmin", WSADMIN_KEY, '{"name":"renamed","description":null}'),
    "keys-delete": request("DELETE", "/v1/api-keys/key_acmeexpired", OWNER_KEY),
    "keys-disable": request("POST", "/v1/api-keys/key_acmeadmin/disable", ADMIN_SESSION, "{}"),
    "keys-enable": request("POST", "/v1/api-keys/key_acmedisabled/enable", OWNER_SESSION),
    "keys-rotate": request("POST", "/v1/api-keys/key_acmeviewer/rotate", ADMIN_KEY, '{"expires_at":"2027-01-31T00:00:00Z"}'),
    "audit-list": request("GET", "/v1/audit-events?limit=2&outcome=success&since=2026-01-01T00:00:00Z&until=2026-07-01T00:00:00Z", OWNER_SESSION),
    "audit-list-cursor": request("GET", f"/v1/audit-events?cursor={EVENTS_CURSOR}", ADMIN_KEY),
    "audit-filter": request("GET", "/v1/audit-events?api_key_id=key_acmewsadmin&action=api_key.enable&after_id=1", OWNER_KEY),
    "audit-export-csv": request("GET", "/v1/audit-events/export?format=csv", OWNER_SESSION),
    "audit-export-ndjson": request("GET", "/v1/audit-events/export?format=ndjson&actor_id=usr_acmeowner", ADMIN_KEY),
    "audit-verify": request("GET", "/v1/audit-events/verify", ADMIN_SESSION),
    "method-not-allowed": request("PUT", "/v1/api-keys", ADMIN_KEY, "{}"),
    "bad-json": request("POST", "/v1/api-keys", ADMIN_KEY, '{"name": "x", "role": '),
}

JSON = {
    "create": b"\x00" + json.dumps({"name": "CI deploy", "description": "a\nb\tc", "role": "admin",
                                     "workspace_id": "wsp_platform", "expires_at": "2027-01-31T00:00:00Z"}).encode(),
    "update": b"\x00" + b'{"name":"  padded  ","description":null}',
    "rotate": b"\x02" + b'{"expires_at":"2026-12-01T10:00:00.123456789-05:30"}',
    "empty": b"\x01" + b"   ",
    "unknown": b"\x04" + b'{"nme":"typo","role":["admin"],"name":"\\u0007bell","x":{"y":1}}',
    "plain": b"\x06" + b'{"name":"x"}',
    "surrogate": b"\x00" + b'{"name":"\\ud800","description":"\\u2028"}',
    "array": b"\x00" + b"[1,2,3]",
}

CURSORS = {
    "keys": KEYS_CURSOR.encode(),
    "events": EVENTS_CURSOR.encode(),
    "position": b'{"t":1771675200000,"i":"key_x","b":12}',
    "padded": base64.urlsafe_b64encode(b'{"l":"api-keys","f":"","t":1}'),
    "not-base64": b"!!!!",
}

CREDENTIALS = {
    "admin-key": f"Bearer {ADMIN_KEY}".encode(),
    "session": f"Bearer {MEMBER_SESSION}".encode(),
    "expired-session": f"Bearer {EXPIRED_SESSION}".encode(),
    "bad-checksum": b"Bearer drk_FuzzAcmeAdminKey000000000000004frokD",
    "basic": b"Basic dXNlcjpwYXNz",
    "key-alone": DISABLED_KEY.encode(),
    "timestamp": b"2026-06-01T12:00:00.999+14:00",
    "timestamp-long-fraction": b"9999-12-31T23:59:59.123456789-23:59",
}

for target, seeds in {"fuzz_http_request": HTTP, "fuzz_json_body": JSON, "fuzz_cursor": CURSORS,
                      "fuzz_credentials": CREDENTIALS}.items():
    directory = os.path.join(HERE, "corpus", target)
    os.makedirs(directory, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(directory, name), "wb") as f:
            f.write(data)
