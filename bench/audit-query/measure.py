"""Measures audit-event page latency (p50/p95) over one keep-alive HTTP connection."""
import http.client
import json
import statistics
import sys
import time
import urllib.parse

base, credentials = sys.argv[1], sys.argv[2]
host = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(host.hostname, host.port)
owner = json.load(open(credentials))["tenants"][0]["users"][0]


def call(method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"} if body else {}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, path, body=json.dumps(body) if body else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise SystemExit(f"{method} {path}: {response.status} {data[:200]!r}")
    return json.loads(data)


token = call("POST", "/v1/auth/login", {"email": owner["email"], "password": owner["password"]})["token"]
newest = call("GET", "/v1/audit-events?action=api_key.request&limit=1", token=token)["items"][0]
key_id = newest["actor"]["id"]
until = newest["occurred_at"]
since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 30 * 86400))


def deep_cursor(query, depth):
    """Walks pages of 500 to the cursor that starts `depth` events deep."""
    cursor, seen = None, 0
    while seen < depth:
        step = min(500, depth - seen)
        path = f"/v1/audit-events?{query}&limit={step}" + (f"&cursor={cursor}" if cursor else "")
        page = call("GET", path, token=token)
        seen += len(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            raise SystemExit(f"fewer than {depth} events match {query}")
    return cursor


def measure(path, runs=200):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call("GET", path, token=token)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


print(f"{'filter':<28}{'page':<14}{'p50 ms':>8}{'p95 ms':>8}")
for label, query in (("by key " + key_id, f"api_key_id={key_id}"),
                     ("by time range", f"since={since}&until={until}")):
    first = measure(f"/v1/audit-events?{query}&limit=100")
    cursor = deep_cursor(query, 50000)
    deep = measure(f"/v1/audit-events?{query}&limit=100&cursor={cursor}")
    print(f"{label:<28}{'first':<14}{first[0]:8.2f}{first[1]:8.2f}")
    print(f"{'':<28}{'50,000 deep':<14}{deep[0]:8.2f}{deep[1]:8.2f}   deep/first p95 = {deep[1] / first[1]:.2f}")
