"""A real SMTP server (aiosmtpd) in its own process, steered by the test that started it.

Tests use `SMTPServer`; the child process runs `serve()` (`python -m tests.support.smtp PORT`).
The test writes one command a line to the child's stdin and reads one answer line back, so a
command has taken effect before the test goes on:

    accept                   take every message (the default)
    refuse rcpt|data REPLY   answer REPLY (e.g. "451 4.3.0 Try again later") at RCPT or after DATA
    slow                     stop answering once the recipient is given, until `release`
    release                  let the held conversations go on
    received                 the messages taken so far, as one JSON line
    reset                    release, accept, forget what was received

A held conversation that nobody releases is answered "451" after 30 s, so a client without a
timeout makes its test fail (on the wrong error) instead of hanging it.
"""

import asyncio
import base64
import email
import email.policy
import json
import subprocess
import sys
import threading
from dataclasses import dataclass

HOLD_LIMIT = 30


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage


class SMTPServer:
    """The child process, seen from the test."""

    def __init__(self):
        from tests.support.processes import ROOT, free_port  # not in the child: it needs no Django

        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.smtp", str(self.port)], cwd=ROOT, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        ready = self.process.stdout.readline()
        if ready.strip() != "ready":
            self.process.kill()
            raise RuntimeError(f"the SMTP server did not start: {ready}{self.process.stdout.read()}")

    def command(self, line: str) -> str:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError(f"the SMTP server stopped: {self.process.stdout.read()}")
        return answer.strip()

    def accept(self):
        self.command("accept")

    def refuse(self, stage: str, reply: str):
        self.command(f"refuse {stage} {reply}")

    def slow(self):
        self.command("slow")

    def release(self):
        self.command("release")

    def reset(self):
        self.command("reset")

    def received(self) -> list[Received]:
        return [
            Received(item["mail_from"], item["rcpt_tos"],
                     email.message_from_bytes(base64.b64decode(item["content"]), policy=email.policy.default))
            for item in json.loads(self.command("received"))
        ]

    def stop(self):
        self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# --------------------------------------------------------------------------- the child process
class _Handler:
    """aiosmtpd handler whose answers the test sets; it records every message it takes."""

    def __init__(self):
        self.lock = threading.Lock()
        self.refuse = {}  # stage -> reply
        self.held = threading.Event()
        self.held.set()  # set: nothing is held
        self.received = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not self.held.is_set():
            released = await asyncio.get_running_loop().run_in_executor(None, self.held.wait, HOLD_LIMIT)
            if not released:
                return "451 4.4.2 Held too long by the test"
        with self.lock:
            reply = self.refuse.get("rcpt")
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            reply = self.refuse.get("data")
            if reply:
                return reply
            self.received.append({"mail_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos),
                                  "content": base64.b64encode(envelope.original_content).decode()})
        return "250 Message accepted for delivery"

    def run(self, words: list[str]) -> str:
        with self.lock:
            match words:
                case ["accept"]:
                    self.refuse = {}
                case ["refuse", ("rcpt" | "data") as stage, *reply]:
                    self.refuse = {stage: " ".join(reply)}
                case ["slow"]:
                    self.held.clear()
                case ["release"]:
                    self.held.set()
                case ["received"]:
                    return json.dumps(self.received)
                case ["reset"]:
                    self.held.set()
                    self.refuse, self.received = {}, []
                case _:
                    return f"unknown command: {' '.join(words)}"
        return "ok"


def serve(port: int):
    from aiosmtpd.controller import Controller

    handler = _Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        for line in sys.stdin:  # until the test closes stdin
            print(handler.run(line.split()), flush=True)
    finally:
        handler.held.set()
        controller.stop()


if __name__ == "__main__":
    serve(int(sys.argv[1]))
