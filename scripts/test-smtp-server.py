#!/usr/bin/env python3
"""The SMTP server the delivery tests send mail to (DeliveryTests): aiosmtpd on 127.0.0.1 only,
on a free port it prints as its first line ("PORT 40123"), writing every accepted message to
DIR/N.eml (the bytes received) and DIR/N.json (envelope sender, recipients, login, whether
TLS was on, and the message as Python's own email package reads it: subject and body decoded,
Message-ID, Content-Type), so the tests hold the Swift encoder to an independent decoder.

  test-smtp-server.py DIR [--user U --password P] [--tls-cert C --tls-key K] [--parent PID]

--user/--password: AUTH is offered (without TLS too: this is loopback) and a wrong login is
answered 535. --tls-cert/--tls-key: STARTTLS is offered. Without them the server offers neither,
which is what a client asking for STARTTLS "when offered" must cope with.
A recipient whose local part starts with "rechazo" is refused 550 (permanent), one starting
with "ocupado" 451 (try later), so the tests see both kinds of SMTP refusal.
Runs until killed. Needs aiosmtpd (scripts/setup --aiosmtpd-python prints the interpreter)."""
import argparse
import asyncio
import email
import email.policy
import json
import os
import signal
import ssl
import threading
import time
import sys

from aiosmtpd.smtp import SMTP, AuthResult

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
parser.add_argument("--user")
parser.add_argument("--password")
parser.add_argument("--tls-cert")
parser.add_argument("--tls-key")
args = parser.parse_args()
if args.parent:
    exit_with_parent(args.parent)


class Mailbox:
    """aiosmtpd's handler: refuses the special recipients, stores everything else."""

    def __init__(self):
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("rechazo"):
            return "550 5.1.1 mailbox unavailable"
        if local.startswith("ocupado"):
            return "451 4.3.0 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(args.directory, str(self.count))
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        parsed = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with open(base + ".json", "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                       "subject": str(parsed["subject"]), "message_id": str(parsed["message-id"]),
                       "content_type": parsed.get_content_type(), "charset": parsed.get_content_charset(),
                       "body": parsed.get_content(),
                       "login": session.auth_data.decode() if isinstance(session.auth_data, bytes) else None,
                       "tls": session.ssl is not None}, f)
        # The .eml appears last and whole: a test polling the directory never reads half a message.
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 OK queued as %d" % self.count


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = (auth_data.login.decode() == args.user and auth_data.password.decode() == args.password)
    return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)


async def main():
    handler = Mailbox()
    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    options = {}
    if args.user:
        options = dict(authenticator=authenticate, auth_require_tls=False)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="cobranza-test", tls_context=tls, require_starttls=False, **options),
        host="127.0.0.1", port=0)
    print("PORT", server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()

asyncio.run(main())
