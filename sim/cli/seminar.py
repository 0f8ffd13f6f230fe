"""seminar: a round in which the class predicts from their phones, then the model and history answer."""

from __future__ import annotations

import argparse
import socket
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from sim.cli.common import SCENARIO_HELP, UsageError, require_extra, scenario_path

if TYPE_CHECKING:
    from sim.app.seminar.case import Case

NEEDS = ("starlette", "uvicorn", "segno")


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("seminar", help="a round: students predict from their phones, then the model and history "
                                       "answer",
                       description="Serve a students' page (join by address or QR code) and an instructor's page "
                                   "(its address holds a secret). The round is kept in an SQLite file as each "
                                   "prediction arrives; started again on the same file, it resumes. Needs the "
                                   "seminar extra: pip install 'geosim[seminar]'.")
    p.add_argument("scenario", nargs="?", help=SCENARIO_HELP + ", or a history episode's name (see --cases)")
    p.add_argument("--cases", action="store_true", help="list the history episodes that can be seminar cases")
    p.add_argument("--host", default="0.0.0.0",
                   help="address to listen on (default 0.0.0.0: the room's network; 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8766, help="port to listen on (default 8766; 0 picks a free one)")
    p.add_argument("--students", type=int, default=40, help="at most this many students join (default 40)")
    p.add_argument("--actors", help="the states to ask about, e.g. FRA,DEU (default: up to six non-parties; "
                                    "the instructor's page can change them before predictions open)")
    p.add_argument("--round", help="the round's file (default: rounds/<scenario>.sqlite here); an existing one "
                                   "is resumed")
    p.set_defaults(func=cmd_seminar)


def cmd_seminar(args: argparse.Namespace) -> int:

    from sim.app.seminar import case as cases

    if args.cases:
        for name in cases.episodes():
            print(name)
        return 0
    if not args.scenario:
        raise UsageError("seminar: give a scenario or a history episode (run_sim.py seminar --cases lists them)")
    require_extra("seminar", NEEDS, "seminar")
    if not 1 <= args.students <= 500:
        raise UsageError(f"--students {args.students}: give 1 to 500")
    case = cases.load(scenario_path(args.scenario))
    actors = case.default_actors()
    if args.actors:
        actors = [a.strip() for a in args.actors.split(",") if a.strip()]
        if unknown := [a for a in actors if a not in case.candidates]:
            raise UsageError(f"--actors: {', '.join(unknown)} cannot be asked about; choose from "
                             f"{', '.join(case.candidates)}")
    path = Path(args.round) if args.round else Path("rounds") / f"{case.scenario.name}.sqlite"
    sock = _listen(args.host, args.port)
    return _serve(case, path, actors, args.students, args.host, sock)


def _listen(host: str, port: int) -> socket.socket:
    """The server's socket, bound before anything is printed: the addresses printed are the ones that answer."""
    from sim.app.serve import PortError, bind

    try:
        return bind(host, port)
    except PortError as err:
        raise UsageError(f"seminar: {err}") from None


def room_address(host: str) -> str:
    """The address students type: this machine's address on the room's network when listening on all of them (no
    packet is sent to find it), else the one given."""
    if host not in ("0.0.0.0", "", "::"):
        return host
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))  # UDP: chooses the outgoing interface, sends nothing
        return str(probe.getsockname()[0])
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


def _serve(case: Case, path: Path, actors: list[str], students: int, host: str, sock: socket.socket) -> int:
    import threading

    import uvicorn

    from sim.app.seminar import export
    from sim.app.seminar.server import Seminar, build
    from sim.app.seminar.store import Round

    resumed = path.exists()
    try:
        round_ = Round(path, case.scenario.name, actors, students)
    except (sqlite3.Error, OSError) as err:
        raise UsageError(f"seminar: {path}: cannot keep the round there ({err}); give another --round") from None
    if resumed and round_.meta("scenario") != case.scenario.name:
        raise UsageError(f"seminar: {path} is a round of {round_.meta('scenario')}; give another --round")
    port = sock.getsockname()[1]
    base = f"http://{room_address(host)}:{port}"
    seminar = Seminar(round_, case, f"{base}/", export.write)
    threading.Thread(target=seminar.first_model, daemon=True).start()  # the reveal is instant when asked for
    joined, done = round_.counts()
    state = f"resumed: phase {round_.phase}, {joined} joined, {done} sent" if resumed else "a new round"
    print(f"{case.title}\n"
          f"  students join at {base}/ (the instructor's page shows its QR code)\n"
          f"  instructor: {base}/teach/{round_.secret} (keep this address to yourself)\n"
          f"  the round is kept in {path} ({state}); Ctrl+C stops the server and writes "
          f"{path.with_suffix('.csv')} and {path.with_suffix('.pdf')}", flush=True)
    server = uvicorn.Server(uvicorn.Config(build(seminar), log_level="warning", access_log=False))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        if round_.counts()[1]:
            written = export.write(seminar)
            print(f"written: {', '.join(map(str, written))}", flush=True)
        round_.close()
    return 0
