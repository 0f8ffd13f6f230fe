"""A round, kept in one SQLite file and written as each prediction arrives: a server killed mid-round and started
again on the same file resumes the round with every acknowledged prediction (a commit is on disk before the
student's phone is told 'received').

SQLite is the standard library's own database: one file per round, safe against a crash (WAL journal, synchronous
writes), readable by any tool afterwards.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim.concepts.labels import DEEDS, WORDS

PHASES = ("setup", "open", "closed", "model", "history")  # in order; the instructor moves the round along
REASON_CHARS = 200
NICKNAME_CHARS = 24
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS students (id TEXT PRIMARY KEY, number INTEGER NOT NULL UNIQUE, nickname TEXT NOT NULL,
                                     joined TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS predictions (student TEXT NOT NULL REFERENCES students(id), actor TEXT NOT NULL,
                                        words TEXT NOT NULL, deeds TEXT NOT NULL, reason TEXT NOT NULL,
                                        at TEXT NOT NULL, PRIMARY KEY (student, actor));
CREATE TABLE IF NOT EXISTS variants (number INTEGER PRIMARY KEY, settings TEXT NOT NULL, shares TEXT NOT NULL,
                                     at TEXT NOT NULL);
"""


class Refused(ValueError):
    """A request the round does not take; the message is shown to whoever sent it."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Round:
    """The round's state. Every method is one transaction; a lock keeps the server's threads in single file."""

    def __init__(self, path: Path, scenario: str = "", actors: list[str] | None = None, students: int = 40) -> None:
        self.path = path
        self.lock = threading.Lock()
        fresh = not path.exists()
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        if fresh or not self.meta("secret"):
            self._set(secret=secrets.token_urlsafe(16), scenario=scenario, phase="setup",
                      actors=json.dumps(actors or []), students=str(students), created=now())

    # --- the round's settings -------------------------------------------------------------------------------

    def meta(self, key: str) -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else ""

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write, whole or not at all, on disk before it returns; the server's threads in single file."""
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def _set(self, **values: str) -> None:
        with self._transaction() as db:
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())

    @property
    def secret(self) -> str:
        return self.meta("secret")

    @property
    def phase(self) -> str:
        return self.meta("phase")

    @property
    def actors(self) -> list[str]:
        return list(json.loads(self.meta("actors") or "[]"))

    @property
    def capacity(self) -> int:
        return int(self.meta("students") or 0)

    def choose(self, actors: list[str], allowed: list[str]) -> None:
        """The actors the class is asked about; only before predictions open."""
        if self.phase != "setup":
            raise Refused("the actors are chosen before predictions open")
        unknown = [a for a in actors if a not in allowed]
        if unknown or not actors:
            raise Refused(f"choose from {', '.join(allowed)}" + (f"; not {', '.join(unknown)}" if unknown else ""))
        self._set(actors=json.dumps(list(dict.fromkeys(actors))))

    def move(self, phase: str, has_history: bool) -> None:
        """To the next phase, never skipping one, or back to an earlier one to show it again; but once predictions
        have opened the actors stay as asked (no going back to setup), and once the answers are out predictions
        never open again. The furthest phase reached is kept, so no detour gets round either rule."""
        if phase not in PHASES:
            raise Refused(f"a phase is one of {', '.join(PHASES)}")
        if phase == "history" and not has_history:
            raise Refused("this case has no observed reactions to reveal")
        here, there = PHASES.index(self.phase), PHASES.index(phase)
        furthest = max(here, int(self.meta("furthest") or 0))
        if there > here + 1:
            raise Refused(f"from {self.phase} the round moves to {PHASES[here + 1]} first")
        if phase == "open" and not self.actors:
            raise Refused("choose the states to ask about first")
        if phase == "setup" and furthest >= PHASES.index("open"):
            raise Refused("predictions have opened: the states asked about stay as they are")
        if phase == "open" and furthest >= PHASES.index("model"):
            raise Refused("the answers are revealed: predictions cannot open again")
        self._set(phase=phase, furthest=str(max(furthest, there)))

    # --- students --------------------------------------------------------------------------------------------

    def join(self, nickname: Any = "") -> tuple[str, int]:
        """A new student's private id and number; refused when the round is full, or once predictions are closed
        (a late phone sees the answers, but does not add to the count)."""
        if not isinstance(nickname, str):
            raise Refused("a nickname is text")
        if self.phase not in ("setup", "open"):
            raise Refused("predictions are closed: this round takes no more students")
        nickname = " ".join(nickname.split())
        if len(nickname) > NICKNAME_CHARS:
            raise Refused(f"a nickname has at most {NICKNAME_CHARS} characters")
        student = secrets.token_urlsafe(12)
        with self._transaction() as db:
            count = db.execute("SELECT COUNT(*) FROM students").fetchone()[0]
            if count >= self.capacity:
                raise Refused(f"the round is full ({self.capacity} students)")
            db.execute("INSERT INTO students VALUES (?, ?, ?, ?)", (student, count + 1, nickname, now()))
        return student, count + 1

    def student(self, student: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT number, nickname FROM students WHERE id = ?", (str(student),)).fetchone()
        return {"number": row[0], "nickname": row[1]} if row else None

    def submit(self, student: str, answers: dict[str, Any]) -> None:
        """One student's predictions, all at once and once: {actor: {words, deeds, reason}} for every asked actor.
        Written before the call returns."""
        if self.phase != "open":
            raise Refused("predictions are not open" if self.phase == "setup" else "predictions are closed")
        if not isinstance(student, str) or self.student(student) is None:
            raise Refused("unknown student: join the round first")
        if not isinstance(answers, dict):
            raise Refused("expected a prediction for each actor")
        actors = self.actors
        if not actors:
            raise Refused("no states are asked about yet")
        if set(answers) != set(actors):
            unknown = sorted(set(map(str, answers)) - set(actors))
            missing = sorted(set(actors) - set(answers))
            raise Refused("; ".join(filter(None, [f"not asked about: {', '.join(unknown)}" if unknown else "",
                                                   f"missing: {', '.join(missing)}" if missing else ""])))
        rows = []
        for actor in actors:
            a = answers[actor]
            if not isinstance(a, dict) or a.get("words") not in WORDS or a.get("deeds") not in DEEDS:
                raise Refused(f"{actor}: words is one of {', '.join(WORDS)} and deeds one of {', '.join(DEEDS)}")
            reason = a.get("reason")
            reason = "" if reason is None else reason
            if not isinstance(reason, str) or len(reason) > REASON_CHARS:
                raise Refused(f"{actor}: a reason has at most {REASON_CHARS} characters")
            rows.append((student, actor, a["words"], a["deeds"], " ".join(reason.split()), now()))
        with self._transaction() as db:
            if db.execute("SELECT 1 FROM predictions WHERE student = ?", (student,)).fetchone():
                raise Refused("your predictions are already in: one set per student")
            db.executemany("INSERT INTO predictions VALUES (?, ?, ?, ?, ?, ?)", rows)

    def own(self, student: str) -> dict[str, dict[str, str]]:
        rows = self.db.execute("SELECT actor, words, deeds, reason FROM predictions WHERE student = ?",
                               (str(student),)).fetchall()
        return {a: {"words": w, "deeds": d, "reason": r} for a, w, d, r in rows}

    def predictions(self) -> list[dict[str, Any]]:
        """Every prediction, with the student's number and nickname (the export decides what to show)."""
        rows = self.db.execute(
            "SELECT s.number, s.nickname, p.actor, p.words, p.deeds, p.reason, p.at FROM predictions p "
            "JOIN students s ON s.id = p.student ORDER BY s.number, p.actor").fetchall()
        keys = ("number", "nickname", "actor", "words", "deeds", "reason", "at")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def counts(self) -> tuple[int, int]:
        """Students joined, and students whose predictions are in."""
        joined = self.db.execute("SELECT COUNT(*) FROM students").fetchone()[0]
        done = self.db.execute("SELECT COUNT(DISTINCT student) FROM predictions").fetchone()[0]
        return joined, done

    # --- variants run in the room ----------------------------------------------------------------------------

    def add_variant(self, settings: list[str], shares: dict[str, Any]) -> int:
        with self._transaction() as db:
            number = db.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM variants").fetchone()[0]
            db.execute("INSERT INTO variants VALUES (?, ?, ?, ?)",
                       (number, json.dumps(settings), json.dumps(shares), now()))
        return int(number)

    def variants(self) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT number, settings, shares FROM variants ORDER BY number").fetchall()
        return [{"number": n, "settings": json.loads(s), "shares": json.loads(sh)} for n, s, sh in rows]

    def close(self) -> None:
        self.db.close()
