"""The round's two pages and their JSON, on Starlette: the students' page (`/`), the instructor's (`/teach/SECRET`).

Every request that changes the round is checked: the instructor's by the secret in its URL, a student's by the
round's rules (store.Round); a refusal is a 4xx with a message the sender's page shows, and the server goes on. No
page loads anything from outside this server, and what students type is only ever sent back as JSON strings, which
the pages set as text, never as markup.
"""

from __future__ import annotations

import hmac
import io
import json
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import segno
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from sim.app.seminar import reveal
from sim.app.seminar.case import Case, model_shares
from sim.app.seminar.store import Refused, Round
from sim.concepts.labels import DEED_MEANINGS, DEEDS, WORD_MEANINGS, WORDS

PAGES = Path(__file__).parent / "pages"
BODY_BYTES = 16_384  # a whole set of predictions with six 200-character reasons is under 3 KB
HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                                      "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"}


class Seminar:
    """The round, its case and the model's first answer, shared by the requests."""

    def __init__(self, round_: Round, case: Case, join_url: str, export: Any = None) -> None:
        self.round, self.case, self.join_url, self.export = round_, case, join_url, export
        self.lock = threading.Lock()
        self.model: dict[str, Any] | None = None

    def first_model(self) -> dict[str, Any]:
        """The model's shares for every actor the class could be asked about, computed once."""
        with self.lock:
            if self.model is None:
                self.model = model_shares(self.case, self.case.candidates)
            return self.model

    def reveal(self) -> dict[str, Any]:
        phase = self.round.phase
        model = self.first_model() if phase in ("model", "history") else None
        return reveal.summary(self.round.predictions(), self.case, self.round.actors, phase, model)


def _error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=HEADERS)


def _ok(data: dict[str, Any]) -> JSONResponse:
    return JSONResponse(data, headers=HEADERS)


async def _body(request: Request) -> dict[str, Any]:
    """The request's JSON object, read no further than BODY_BYTES. Only a same-origin JSON request is taken: a page
    elsewhere on the network cannot post a form here, nor send JSON without a preflight this server never grants."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise Refused("send JSON (Content-Type: application/json)")
    origin = request.headers.get("origin")
    if origin and urlsplit(origin).netloc != request.headers.get("host", ""):
        raise Refused("requests come from this server's own pages only")
    if int(request.headers.get("content-length") or 0) > BODY_BYTES:
        raise Refused(f"the request is too large (at most {BODY_BYTES} bytes)")
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > BODY_BYTES:
            raise Refused(f"the request is too large (at most {BODY_BYTES} bytes)")
    try:
        data = json.loads(bytes(raw) or b"{}")
    except (ValueError, RecursionError):  # nesting deep enough to exhaust the parser is no prediction either
        raise Refused("the request is not JSON") from None
    if not isinstance(data, dict):
        raise Refused("expected a JSON object")
    return data


def _texts(value: Any, what: str) -> list[str]:
    """A list of strings from an instructor's request, or a refusal that says what was expected."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Refused(f"{what}: expected a list of text")
    return value


def build(seminar: Seminar) -> Starlette:
    round_, case = seminar.round, seminar.case

    def instructor(request: Request) -> bool:
        return hmac.compare_digest(str(request.path_params.get("secret", "")).encode(), round_.secret.encode())

    def page(name: str) -> Any:
        async def serve(request: Request) -> Response:
            if name == "teacher.html" and not instructor(request):
                return Response("Not found", status_code=404, headers=HEADERS)
            return FileResponse(PAGES / name, headers=HEADERS)
        return serve

    def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ("seminar.css", "common.js", "student.js", "teacher.js"):
            return Response("Not found", status_code=404, headers=HEADERS)
        return FileResponse(PAGES / name, headers=HEADERS)

    def qr(request: Request) -> Response:
        out = io.BytesIO()
        segno.make(seminar.join_url, error="m").save(out, kind="svg", scale=8, border=2)
        return Response(out.getvalue(), media_type="image/svg+xml", headers=HEADERS)

    async def join(request: Request) -> JSONResponse:
        try:
            data = await _body(request)
            student, number = round_.join(data.get("nickname") or "")
        except Refused as err:
            return _error(str(err), 409 if "full" in str(err) else 400)
        return _ok({"student": student, "number": number})

    async def state(request: Request) -> JSONResponse:
        student = request.query_params.get("student", "")
        me = round_.student(student)
        phase = round_.phase
        data: dict[str, Any] = {
            "phase": phase, "title": case.title, "event": case.event, "words": WORDS, "deeds": DEEDS,
            "meanings": {**WORD_MEANINGS, **DEED_MEANINGS},  # each choice in words, on the buttons
            "actors": [{"code": a, "name": case.names[a]} for a in round_.actors],
            "me": me, "own": round_.own(student) if me else {},
        }
        if phase in ("model", "history"):  # until then a student sees only their own predictions
            data["reveal"] = await run_in_threadpool(seminar.reveal)  # the model may still be running
        return _ok(data)

    async def predict(request: Request) -> JSONResponse:
        try:
            data = await _body(request)
            round_.submit(data.get("student"), data.get("answers"))  # type: ignore[arg-type]
        except Refused as err:
            return _error(str(err), 409 if "already" in str(err) else 400)
        return _ok({"received": True})

    async def teach_state(request: Request) -> JSONResponse:
        if not instructor(request):
            return _error("only the instructor's page can see this", 403)
        joined, done = round_.counts()
        return _ok({
            "phase": round_.phase, "title": case.title, "event": case.event, "join_url": seminar.join_url,
            "joined": joined, "done": done, "capacity": round_.capacity, "history": case.is_history,
            "has_observed": bool(case.observed),
            "candidates": [{"code": a, "name": case.names[a]} for a in case.candidates],
            "actors": round_.actors, "reveal": await run_in_threadpool(seminar.reveal),
            "variants": round_.variants(),
        })

    async def teach_do(request: Request) -> JSONResponse:
        if not instructor(request):
            return _error("only the instructor can change the round", 403)
        action = request.path_params["action"]
        try:
            data = await _body(request)
            if action == "actors":
                round_.choose(_texts(data.get("actors"), "actors"), case.candidates)
            elif action == "phase":
                round_.move(str(data.get("phase", "")), bool(case.observed))
            elif action == "variant":
                return _ok(await _variant(data))
            elif action == "finish":
                try:
                    written = await run_in_threadpool(seminar.export, seminar) if seminar.export else []
                except OSError as err:
                    raise Refused(f"the round could not be written: {err}") from None
                return _ok({"written": [str(p) for p in written]})
            else:
                return _error(f"no such action: {action}", 404)
        except Refused as err:
            return _error(str(err))
        return _ok({"phase": round_.phase, "actors": round_.actors})

    async def _variant(data: dict[str, Any]) -> dict[str, Any]:
        from sim.scenario.problems import ScenarioError

        settings = [s for s in _texts(data.get("settings"), "settings") if s.strip()]
        if round_.phase not in ("model", "history"):
            raise Refused("reveal the model first: a variant is shown beside it")
        if not settings or len(settings) > 5:
            raise Refused("give one to five settings, as PATH=VALUE")
        try:
            shares = await run_in_threadpool(model_shares, case, round_.actors, settings)
        except ScenarioError as err:
            raise Refused(str(err).replace(str(case.path), "the setting")) from None
        except (ValueError, ArithmeticError) as err:  # a setting the model cannot run with
            raise Refused(f"the model cannot run with {', '.join(settings)}: {err}") from None
        return {"number": round_.add_variant(settings, shares), "settings": settings, "shares": shares}

    return Starlette(routes=[
        Route("/", page("student.html")),
        Route("/qr.svg", qr),
        Route("/static/{name}", asset),
        Route("/api/join", join, methods=["POST"]),
        Route("/api/state", state),
        Route("/api/predict", predict, methods=["POST"]),
        Route("/teach/{secret}", page("teacher.html")),
        Route("/api/teach/{secret}/state", teach_state),
        Route("/api/teach/{secret}/{action}", teach_do, methods=["POST"]),
    ])
