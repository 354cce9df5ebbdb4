#!/usr/bin/env python3
"""The SMS/WhatsApp provider the delivery tests talk to (DeliveryTests): a stdlib HTTP server on
127.0.0.1 only, on a free port it prints as its first line ("PORT 40123"). It appends one JSON
line per request to DIR/requests.jsonl: path, Idempotency-Key, basic-auth user and whether the
password matched, the JSON body, the status answered, and whether a new message was created.

  test-provider-server.py DIR --user U --password P [--parent PID]

Like a real provider it is idempotent: a second successful POST with the same Idempotency-Key
answers the first message's id and creates nothing. The path picks the behaviour:
  /ok          201 {"sid": "SM…"}
  /flaky       500 on a key's first request, then as /ok
  /rechazo     400 {"message": "invalid 'To' number"} (permanent)
  /lento       sleeps 3 s, then as /ok (the client's timeout fires first)
Runs until killed."""
import argparse
import base64
import json
import os
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The test runner's threads block SIGTERM and a child inherits that: unblock it.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})


def exit_with_parent(parent):
    """A server whose test died (crash, kill -9) must not outlive it: --parent PID (the test's
    process) makes it exit once it is no longer that process's child."""
    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)
    threading.Thread(target=watch, daemon=True).start()


parser = argparse.ArgumentParser()
parser.add_argument("directory")
parser.add_argument("--parent", type=int)
parser.add_argument("--user", required=True)
parser.add_argument("--password", required=True)
args = parser.parse_args()
if args.parent:
    exit_with_parent(args.parent)

lock = threading.Lock()
seen = {}       # Idempotency-Key -> number of requests
created = {}    # Idempotency-Key -> the id of the message it created


class Provider(BaseHTTPRequestHandler):
    def log_message(self, *_):
        pass  # the requests file is the log

    def do_POST(self):
        key = self.headers.get("Idempotency-Key")
        user, password_ok = None, False
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            login = base64.b64decode(auth[6:]).decode()
            user, _, password = login.partition(":")
            password_ok = user == args.user and password == args.password
        length = int(self.headers.get("Content-Length", 0))
        try:
            body = json.loads(self.rfile.read(length))
        except ValueError:
            body = None
        with lock:
            seen[key] = seen.get(key, 0) + 1
            attempt = seen[key]
        if self.path == "/lento":
            time.sleep(3)
        new = False
        if not password_ok:
            status, reply = 401, {"message": "authenticate"}
        elif self.path == "/rechazo":
            status, reply = 400, {"message": "invalid 'To' number"}
        elif self.path == "/flaky" and attempt == 1:
            status, reply = 500, {"message": "internal error"}
        else:
            with lock:
                if key not in created:
                    created[key] = "SM%06d" % (len(created) + 1)
                    new = True
                status, reply = 201, {"sid": created[key], "status": "queued"}
        with lock, open(os.path.join(args.directory, "requests.jsonl"), "a") as f:
            f.write(json.dumps({"path": self.path, "key": key, "user": user, "password_ok": password_ok,
                                "body": body, "status": status, "new": new}) + "\n")
        data = json.dumps(reply).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the slow case)


server = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
server.daemon_threads = True
print("PORT", server.server_address[1], flush=True)
server.serve_forever()
