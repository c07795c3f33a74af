"""`python -m sanic module:app --workers N`, imitated: a main process with N real worker processes and
Sanic's inspector protocol (GET / and POST /reload, /scale, /shutdown; Bearer key; no change stream),
turned on by SANIC_INSPECTOR* environment variables as Sanic does. Test fixture, not Sanic."""
import argparse
import importlib
import json
import os
import platform
import signal
import subprocess
import sys
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WORKER = "import signal, time\nsignal.signal(signal.SIGTERM, lambda *a: exit(0))\nwhile True: time.sleep(1)"


def now():
    return datetime.now(timezone.utc).isoformat()


class App:
    def __init__(self, name, workers):
        self.name = name
        self.lock = threading.Lock()
        self.records = {"Sanic-Main": {"pid": os.getpid()}}
        self.procs = {}
        self.next_index = 0
        for _ in range(workers):
            self.start(f"Sanic-Server-{self.take_index()}-0")

    def take_index(self):
        self.next_index += 1
        return self.next_index - 1

    def start(self, name, restart=False):
        proc = subprocess.Popen([sys.executable, "-c", WORKER])
        self.procs[name] = proc
        old = self.records.get(name, {})
        record = {"server": True, "state": "ACKED", "pid": proc.pid, "start_at": now(), "starts": old.get("starts", 0) + 1, "serving": True}
        if restart:
            record["restart_at"] = now()
        self.records[name] = record

    def stop(self, name):
        proc = self.procs.pop(name, None)
        if proc:
            proc.terminate()
            proc.wait()

    def info(self):
        with self.lock:
            servers = [r for r in self.records.values() if r.get("server") and r["state"] == "ACKED"]
            return {
                "info": {"app": self.name, "mode": f"production, w/ {len(servers)} workers", "server": "unknown",
                         "python": platform.python_version(), "platform": platform.platform(),
                         "packages": ["sanic==25.12.0 (stand-in)"], "extra": {}},
                "workers": json.loads(json.dumps(self.records)),
            }

    def reload(self):
        with self.lock:
            for name in list(self.procs):
                self.stop(name)
                self.start(name, restart=True)

    def scale(self, replicas):
        with self.lock:
            live = [n for n in self.procs]
            for name in live[replicas:]:
                self.stop(name)
                self.records[name].update(state="TERMINATED", serving=False)
            for _ in range(replicas - len(live)):
                self.start(f"Sanic-Server-{self.take_index()}-0")

    def shutdown(self):
        with self.lock:
            for name in list(self.procs):
                self.stop(name)


def serve_inspector(app, host, port, key, done):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, status, payload):
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def authorized(self):
            if not key or self.headers.get("authorization", "") in (f"Bearer {key}", f"Token {key}", key):
                return True
            self.reply(401, {"description": "Unauthorized", "status": 401, "message": "Bad API key"})
            return False

        def do_GET(self):
            if self.authorized():
                self.reply(200, {"meta": {"action": "info"}, "result": app.info()})

        def do_POST(self):
            if not self.authorized():
                return
            length = int(self.headers.get("content-length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}") if length else {}
            action = self.path.strip("/")
            result = None
            if action == "reload":
                app.reload()
            elif action == "scale":
                app.scale(max(1, int(body["replicas"])))
                result = f"Scaling to {body['replicas']}"
            elif action == "shutdown":
                done.set()
            self.reply(200, {"meta": {"action": action}, "result": result})

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main():
    parser = argparse.ArgumentParser(prog="sanic")
    parser.add_argument("target")
    parser.add_argument("--workers", "-w", type=int, default=1)
    parser.add_argument("--dev", "-d", action="store_true")
    args = parser.parse_args()
    module_name, _, variable = args.target.partition(":")
    sys.path.insert(0, os.getcwd())
    sanic_app = getattr(importlib.import_module(module_name), variable or "app")
    app = App(sanic_app.name, args.workers)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: done.set())
    signal.signal(signal.SIGINT, lambda *a: done.set())
    if os.environ.get("SANIC_INSPECTOR") == "true":
        host = os.environ.get("SANIC_INSPECTOR_HOST", "localhost")
        port = int(os.environ.get("SANIC_INSPECTOR_PORT", "6457"))
        serve_inspector(app, host, port, os.environ.get("SANIC_INSPECTOR_API_KEY", ""), done)
        print(f"[stand-in sanic] {sanic_app.name}: {args.workers} workers, inspector on {host}:{port}", flush=True)
    done.wait()
    app.shutdown()
    print("[stand-in sanic] stopped", flush=True)


main()
