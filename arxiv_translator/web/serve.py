"""The ``serve``, ``tokens`` and ``library`` commands (registered on the main CLI by :func:`add_commands`).

``serve`` opens the database, starts ``--workers`` worker processes (restarting
any that die, after putting its job back in the queue), and runs uvicorn.
Engine settings come from the same config file and environment as ``translate``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from arxiv_translator.errors import ConfigError, InputError

log = logging.getLogger("arxiv_translator.serve")
COMMANDS = ("serve", "tokens", "library")


def default_data() -> Path:
    """The user data folder (platformdirs)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("arxiv-translator")) / "library"


def _data_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", type=Path, default=None, help="library folder (default: the user data folder)")
    p.add_argument("--database", default=None, help="postgresql://user@host/db (default: SQLite in --data)")


def add_commands(sub: Any) -> None:
    """Add ``serve``, ``tokens`` and ``library`` to the CLI's subparsers."""
    s = sub.add_parser("serve", help="run the web library: request form, queue, workers, Korean papers")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--workers", type=int, default=1, help="worker processes (0: web only)")
    s.add_argument("--auth", choices=["on", "off"], default=None,
                   help="require an API token to submit (default: on unless bound to 127.0.0.1)")
    s.add_argument("--private", action="store_true", help="reading the library needs a token too")
    s.add_argument("--engine", default=None, help="translation engine (as for translate)")
    s.add_argument("--model", default=None)
    s.add_argument("--base-url", default=None)
    s.add_argument("--config", type=Path, default=None, help="TOML config file")
    s.add_argument("--no-compile", action="store_true", help="do not compile LaTeX outputs")
    s.add_argument("--allow-options", default=None, metavar="NAME[=V1|V2],...",
                   help="per-job options requesters may set: engine, model, style (default: none); "
                        "engine/style without values: those configured/known, model without values: any")
    s.add_argument("--stale-after", type=float, default=30.0, help="seconds without heartbeat before re-queue")
    _data_args(s)
    t = sub.add_parser("tokens", help="API tokens of the web library")
    t.add_argument("action", choices=["create", "list", "revoke"])
    t.add_argument("name", nargs="?")
    t.add_argument("--per-hour", type=int, default=None, help="submissions per hour (create)")
    t.add_argument("--daily-usd", type=float, default=None, help="daily cost budget in USD (create)")
    _data_args(t)
    lib = sub.add_parser("library", help="papers of the web library")
    lib.add_argument("action", choices=["list", "remove"])
    lib.add_argument("id", nargs="?", help="paper id, e.g. 2402.18563v1")
    _data_args(lib)


def run_command(args: argparse.Namespace) -> int:
    """Run one of :data:`COMMANDS` (raises TranslatorError; the CLI maps it to an exit code)."""
    return {"serve": _serve, "tokens": _tokens, "library": _library}[args.command](args)


def _db(args: argparse.Namespace) -> Any:
    from arxiv_translator.web.db import database_url, open_engine

    data = (args.data or default_data()).expanduser()
    data.mkdir(parents=True, exist_ok=True)
    return data, open_engine(database_url(data, args.database))


def _tokens(args: argparse.Namespace) -> int:
    from arxiv_translator.web import auth

    _data, db = _db(args)
    if args.action == "list":
        for row in auth.list_tokens(db):
            state = "revoked" if row["revoked"] else "active"
            print(f"{row['name']}\t{state}\tper_hour={row['per_hour']}\tdaily_usd={row['daily_usd']}")
        return 0
    if not args.name:
        raise InputError(f"tokens {args.action}: a NAME is required")
    if args.action == "create":
        print(auth.create_token(db, args.name, args.per_hour, args.daily_usd))
        print(f"token for {args.name} created; it is shown only once", file=sys.stderr)
    else:
        auth.revoke_token(db, args.name)
        print(f"token {args.name} revoked", file=sys.stderr)
    return 0


def _library(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from arxiv_translator.web.db import delete_paper, papers

    data, db = _db(args)
    if args.action == "list":
        with db.connect() as conn:
            for row in conn.execute(select(papers.c.id, papers.c.title).order_by(papers.c.id)):
                print(f"{row.id}\t{row.title}")
        return 0
    if not args.id:
        raise InputError("library remove: a paper ID is required")
    with db.begin() as conn:
        row = conn.execute(select(papers.c.out_dir).where(papers.c.id == args.id)).first()
        if row is None:
            raise InputError(f"{args.id}: no such paper in the library")
        delete_paper(conn, args.id)
    folder = (data / row.out_dir).resolve()
    if (data / "papers").resolve() in folder.parents:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"removed {args.id}", file=sys.stderr)
    return 0


def service_from_options(options: dict[str, Any]) -> Any:
    """The :class:`~.runner.Service` for serve's options (also used by worker processes)."""
    from arxiv_translator.config import load_settings
    from arxiv_translator.web.db import database_url, open_engine
    from arxiv_translator.web.options import settings_signature
    from arxiv_translator.web.runner import Service

    data = Path(options["data"])
    try:
        data.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{data}: cannot create the library folder ({exc.strerror})") from None
    settings = load_settings(Path(options["config"]) if options.get("config") else None,
                             engine=options.get("engine"), model=options.get("model"),
                             base_url=options.get("base_url"), compile=False if options.get("no_compile") else None,
                             cache=data / "translations.sqlite3")
    sig = settings_signature(settings)
    return Service(data=data, db=open_engine(database_url(data, options.get("database"))), settings=settings,
                   signature=sig)


class Supervisor:
    """Keeps ``n`` worker processes running; a dead worker's job goes straight back to the queue."""

    def __init__(self, service: Any, options: dict[str, Any], n: int) -> None:
        self.service, self.options, self.n = service, options, n
        self.procs: list[subprocess.Popen] = []
        self.stopping = threading.Event()
        self.host = socket.gethostname()

    def _spawn(self) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "arxiv_translator.web.worker", json.dumps(self.options)])

    def _write_pids(self) -> None:
        run = self.service.data / "run"
        run.mkdir(exist_ok=True)
        (run / "workers.json").write_text(json.dumps([p.pid for p in self.procs]), encoding="utf-8")

    def start(self) -> None:
        """Start the workers and the watch thread."""
        self.procs = [self._spawn() for _ in range(self.n)]
        self._write_pids()
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        from arxiv_translator.web.queue import requeue

        while not self.stopping.wait(0.5):
            for i, proc in enumerate(self.procs):
                if proc.poll() is not None and not self.stopping.is_set():
                    moved = requeue(self.service.db, worker=f"{self.host}:{proc.pid}")
                    log.warning(json.dumps({"event": "worker_died", "pid": proc.pid, "code": proc.returncode,
                                            "requeued": moved}))
                    self.procs[i] = self._spawn()
                    self._write_pids()

    def stop(self, grace: float = 20.0) -> None:
        """SIGTERM every worker (each puts its job back), then wait; SIGKILL stragglers."""
        self.stopping.set()
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in self.procs:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from arxiv_translator.web.app import WebOptions, create_app
    from arxiv_translator.web.auth import local_host

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    data = (args.data or default_data()).expanduser()
    try:
        data.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{data}: cannot create the library folder ({exc.strerror})") from None
    os.environ.setdefault("ARXIV_TRANSLATOR_DOWNLOADS", str(data / "downloads"))
    if args.workers < 0:
        raise InputError(f"--workers {args.workers}: must be 0 or more")
    options = {"data": str(data), "database": args.database, "config": str(args.config) if args.config else None,
               "engine": args.engine, "model": args.model, "base_url": args.base_url,
               "no_compile": args.no_compile, "stale_after": args.stale_after,
               "heartbeat": min(2.0, args.stale_after / 4)}
    service = service_from_options(options)
    auth_on = args.auth == "on" if args.auth else not local_host(args.host)
    from arxiv_translator.web.options import parse_policy

    policy = parse_policy(args.allow_options, service.settings)
    app = create_app(service, WebOptions(auth=auth_on, private=args.private, allow=policy))
    supervisor = Supervisor(service, options, args.workers)
    supervisor.start()
    log.info(json.dumps({"event": "serving", "url": f"http://{args.host}:{args.port}", "data": str(data),
                         "workers": args.workers, "auth": auth_on, "private": args.private,
                         "allow_options": {k: list(v) for k, v in policy.allowed.items()}}))
    # uvicorn re-raises SIGTERM after its graceful shutdown: make that an exit that runs the finally below
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning", timeout_graceful_shutdown=5)
    finally:
        supervisor.stop()
    return 0
