#!/usr/bin/python3
"""New API Key -> Generate -> Copy, driven only through the accessibility tree (AT-SPI), as a screen
reader user or a voice-control tool would: every control is found by its role and accessible name
and pressed with its accessible action, never by coordinates. The copied value is then used against
the real server, which proves the whole flow handed the user a working key.

Usage (tests/accessibility/run.sh sets up Xvfb, D-Bus, the keyring and a fresh HOME):
    newkey_atspi.py SERVER_BIN CONSOLE_BIN
"""
import json, os, socket, subprocess, sys, tempfile, time, urllib.error, urllib.request

import pyatspi

server_bin, console_bin = sys.argv[1], sys.argv[2]
work = tempfile.mkdtemp(prefix="datarecs-a11y-")
procs = []


def fail(message):
    print("FAIL:", message)
    try:
        desktop = pyatspi.Registry.getDesktop(0)
        print("  applications on the bus:", [desktop.getChildAtIndex(i).name for i in range(desktop.childCount)])
    except Exception as e:  # the report must not hide the failure
        print("  (could not list applications: %s)" % e)
    if "console" in globals() and console.poll() is not None:
        print("  the console exited with", console.returncode, console.stderr.read().decode(errors="replace")[-2000:])
    for p in procs:
        p.kill()
    sys.exit(1)


def wait_for(what, find, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = find()
        if found:
            return found
        time.sleep(0.2)
    fail("timed out waiting for " + what)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# A real server with demo data on a free loopback port.
port = free_port()
url = "http://127.0.0.1:%d" % port
server = subprocess.Popen([server_bin, "serve", "--demo", "--data-dir", os.path.join(work, "data"),
                           "--listen", "127.0.0.1:%d" % port],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
procs.append(server)
creds = os.path.join(work, "data", "demo-credentials.json")
wait_for("the demo server", lambda: os.path.exists(creds) and os.path.getsize(creds) > 0)


def call(path, bearer):
    req = urllib.request.Request(url + path, headers={"Authorization": "Bearer " + bearer})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, None


def server_up():
    try:
        return urllib.request.urlopen(url + "/v1/health", timeout=1).status == 200
    except OSError:
        return False


wait_for("the server to answer", server_up)
owner = next(u for t in json.load(open(creds))["tenants"] for u in t["users"] if u["email"] == "owner@acme.test")
password_file = os.path.join(work, "password")
with open(password_file, "w") as f:
    f.write(owner["password"])
os.chmod(password_file, 0o600)

env = dict(os.environ, QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1", QT_ACCESSIBILITY="1",
           DATARECS_EMAIL=owner["email"], DATARECS_PASSWORD_FILE=password_file)
env.pop("QT_QPA_PLATFORM", None)  # a real window on the X server, as a user has
console = subprocess.Popen([console_bin, "--server", url], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
procs.append(console)


def app():
    desktop = pyatspi.Registry.getDesktop(0)
    for i in range(desktop.childCount):
        a = desktop.getChildAtIndex(i)
        if a is not None and a.name in ("datarecs-console", "DataRecs Console"):
            return a
    return None


def find(root, role, name):
    """The first showing object of that role whose accessible name is name (depth first)."""
    if root is None:
        return None
    def matches(o):
        try:
            return o is not None and o.getRole() == role and o.name == name \
                and o.getState().contains(pyatspi.STATE_SHOWING)
        except Exception:  # an object that went away while we looked
            return False
    return pyatspi.findDescendant(root, matches, True)


def press(obj, what):
    action = obj.queryAction()
    for i in range(action.nActions):
        if action.getName(i) in ("Press", "press", "click", "SetFocus") and action.getName(i) != "SetFocus":
            action.doAction(i)
            return
    fail("%s has no press action (actions: %s)" % (what, [action.getName(i) for i in range(action.nActions)]))


def enabled(obj):
    return obj is not None and obj.getState().contains(pyatspi.STATE_ENABLED)


wait_for("the console on the accessibility bus", app)
new_key = wait_for("an enabled New API Key button",
                   lambda: (lambda b: b if enabled(b) else None)(find(app(), pyatspi.ROLE_PUSH_BUTTON, "New API Key")))
press(new_key, "New API Key")

wizard = wait_for("the New API Key wizard", lambda: find(app(), pyatspi.ROLE_DIALOG, "New API Key"))
name_field = wait_for("the Name field", lambda: find(wizard, pyatspi.ROLE_TEXT, "Name"))
key_name = "a11y deploy key"
name_field.queryEditableText().setTextContents(key_name)
wait_for("the typed name", lambda: name_field.queryText().getText(0, -1) == key_name)

# Next until Generate is on screen and enabled; the wizard's defaults (the narrowest role, all
# workspaces, no expiry) are what a careful user accepts.
for step in range(8):
    generate = find(wizard, pyatspi.ROLE_PUSH_BUTTON, "Generate")
    if enabled(generate):
        break
    next_button = wait_for("an enabled Next button",
                           lambda: (lambda b: b if enabled(b) else None)(find(wizard, pyatspi.ROLE_PUSH_BUTTON, "Next")))
    press(next_button, "Next")
    time.sleep(0.3)
else:
    fail("Generate never became available")
press(generate, "Generate")

reveal = wait_for("the one-time reveal dialog", lambda: find(app(), pyatspi.ROLE_DIALOG, "New API key value"))
value_field = wait_for("the masked value field", lambda: find(reveal, pyatspi.ROLE_PASSWORD_TEXT, "Key value")
                       or find(reveal, pyatspi.ROLE_TEXT, "Key value"))
shown = value_field.queryText().getText(0, -1)
if shown.startswith("drk_"):
    fail("the value is readable through the accessibility tree while masked")
press(wait_for("the Copy button", lambda: find(reveal, pyatspi.ROLE_PUSH_BUTTON, "Copy")), "Copy")


def clipboard():
    r = subprocess.run(["xclip", "-o", "-selection", "clipboard"], capture_output=True, timeout=5)
    text = r.stdout.decode(errors="replace").strip()
    return text if text.startswith("drk_") else None


value = wait_for("the key value on the clipboard", clipboard, timeout=10)
status, me = call("/v1/me", value)
if status != 200:
    fail("the copied value was refused by the server: HTTP %d" % status)
if me.get("api_key", {}).get("name") != key_name:
    fail("the copied value belongs to another key: %r" % me.get("api_key"))

# Copied, so Close needs no further confirmation, and the new key is in the table.
press(wait_for("the Close button", lambda: find(reveal, pyatspi.ROLE_PUSH_BUTTON, "Close")), "Close")
wait_for("the reveal dialog to close", lambda: find(app(), pyatspi.ROLE_DIALOG, "New API key value") is None)
wait_for("the new key in the table", lambda: find(app(), pyatspi.ROLE_TABLE_CELL, key_name))
# The details pane shows the new key, and a screen reader hears each value with its field, not the
# field alone.
wait_for("the new key's id read with its field", lambda: find(app(), pyatspi.ROLE_LABEL, "ID: " + me["api_key"]["id"]))
wait_for("its status read with its field", lambda: find(app(), pyatspi.ROLE_LABEL, "Status: Enabled"))

console.terminate()
console.wait(timeout=10)
server.terminate()
server.wait(timeout=10)
print("PASS: New API Key -> Generate -> Copy through AT-SPI; the copied key authenticates as %r, and its "
      "details are read with their fields" % key_name)
