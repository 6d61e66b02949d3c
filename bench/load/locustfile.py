"""A deadline day against Siaga: operators answering, verifiers deciding, dashboards read.

Run through bench/load/run.sh, which prepares the database and the users (prepare.py) and
points SIAGA_LOAD_USERS at their tokens. Per 100 users: 60 operators (one agency each),
15 verifiers (one province each), 25 dashboard viewers (provinces and one national).

Every user thinks 1-3 s between actions, as people clicking through the SPA do (on a
deadline day, quickly); LOAD_THINK=min,max changes it. Each user owns its own answers
(operators their agency's, verifiers their province's queue), so a 409 or 412 here would
be a bug, not a race the test provoked; every non-2xx response counts as a failure.

Request names group what the table reports: `[read]` dashboard and list reads, `[edit]`
answer changes, `[submit]`, `[verify]`, `[upload]` 1 MiB evidence, `[baseline]` the bare
liveness probe, which costs the server nothing but the HTTP stack and so gives the ratio.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid
from pathlib import Path
from typing import Any

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

from siaga.seed.pdf import simple_pdf

API = "/api/v1"
CAST: dict[str, Any] = json.loads(
    Path(os.environ.get("SIAGA_LOAD_USERS", "var/load/users.json")).read_text(encoding="utf-8")
)
PERIOD: str = CAST["period"]
EDITABLE = {"not_started", "draft", "returned"}
MAX_FILES = 20  # siaga.evidence.service.MAX_FILES_PER_ANSWER
EVIDENCE_SIZE = 1024 * 1024
# One ~1 MiB PDF built once; each upload swaps a fresh UUID into its first line (same
# length, so the cross-reference offsets stay right) because the API refuses the same
# content twice on one answer. Building the PDF per upload would stall every simulated
# user in this process while it runs, and that stall would be counted as server time.
_PLACEHOLDER = str(uuid.UUID(int=0)).encode()
_TEMPLATE = simple_pdf(
    [f"Bukti dukung {_PLACEHOLDER.decode()}"]
    + [f"Lampiran {n:05d} " + "x" * 90 for n in range(EVIDENCE_SIZE // 112)]
)
_AT = _TEMPLATE.index(_PLACEHOLDER)


def evidence_pdf() -> bytes:
    """A valid one-page PDF of about 1 MiB whose hash differs on every call."""
    return _TEMPLATE[:_AT] + str(uuid.uuid4()).encode() + _TEMPLATE[_AT + len(_PLACEHOLDER) :]


def multipart(field: str, filename: str, content: bytes, content_type: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), boundary


def value_for(answer_type: str, target: float | None) -> Any:
    if answer_type == "level":
        return random.randint(0, 4)
    if answer_type == "yes_no":
        return random.random() < 0.7
    if answer_type == "percent":
        return round(random.uniform(0, 100), 1)
    return random.randint(0, int((target or 10) * 1.3))


# Think time between actions in seconds, "min,max" (LOAD_THINK); shorter finds the ceiling.
THINK = tuple(float(t) for t in os.environ.get("LOAD_THINK", "1,3").split(","))


class _SiagaUser(FastHttpUser):
    abstract = True
    wait_time = between(THINK[0], THINK[1])
    # One identity per simulated user, handed out in order.
    _identities: itertools.count[int]
    _cast_key: str

    def on_start(self) -> None:
        who = CAST[self._cast_key][next(self._identities) % len(CAST[self._cast_key])]
        self.region: str | None = who["region"]
        self.agency: str | None = who.get("agency")
        self.auth = {"Authorization": f"Bearer {who['token']}"}

    def get(self, path: str, name: str, **params: Any) -> Any:
        query = "&".join(f"{k}={v}" for k, v in params.items() if v is not None)
        url = f"{API}{path}" + (f"?{query}" if query else "")
        with self.client.get(url, name=name, headers=self.auth, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}: {r.text[:200]}")
                return None
            return r

    def answer_url(self, region: str, indicator: str) -> str:
        return f"{API}/submissions/{PERIOD}/{region}/{indicator}"

    def etag_of(self, region: str, indicator: str) -> str | None:
        with self.client.get(
            self.answer_url(region, indicator),
            name="[edit] GET /submissions/{period}/{region}/{indicator}",
            headers=self.auth,
            catch_response=True,
        ) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}: {r.text[:200]}")
                return None
            etag: str | None = r.headers.get("etag")
            return etag

    @task(1)
    def baseline(self) -> None:
        self.client.get(f"{API}/healthz", name="[baseline] GET /healthz")

    @task(1)
    def periods(self) -> None:
        self.get("/periods", "[read] GET /periods")


class Operator(_SiagaUser):
    """An agency's operator: fills answers, attaches evidence, submits."""

    fixed_count = 60
    _identities = itertools.count()
    _cast_key = "operators"

    def on_start(self) -> None:
        super().on_start()
        self.slots: dict[str, dict[str, Any]] = {}
        r = self.get("/tasks", "[read] GET /tasks", period=PERIOD, limit=100)
        if r is not None:
            for item in r.json()["items"]:
                self.slots[item["indicator"]] = item

    def _pick(self, *, exists: bool = False, ready: bool = False) -> dict[str, Any] | None:
        choices = [
            s
            for s in self.slots.values()
            if s["status"] in EDITABLE
            and (not exists or s["status"] != "not_started")
            and (
                not ready
                or (
                    s["value"] is not None
                    and (not s["evidence_required"] or s["evidence_count"] > 0)
                )
            )
        ]
        return random.choice(choices) if choices else None

    @task(6)
    def edit(self) -> None:
        slot = self._pick()
        if slot is None:
            self.my_answers()
            return
        body = {
            "value": value_for(slot["answer_type"], slot["target"]),
            "narrative": "Diperbarui menjelang tenggat.",
        }
        headers = dict(self.auth)
        expected = 201
        if slot["status"] != "not_started":
            etag = self.etag_of(slot["region"], slot["indicator"])
            if etag is None:
                return
            headers["If-Match"] = etag
            expected = 200
        with self.client.put(
            self.answer_url(slot["region"], slot["indicator"]),
            json=body,
            headers=headers,
            name="[edit] PUT /submissions/{period}/{region}/{indicator}",
            catch_response=True,
        ) as r:
            if r.status_code != expected:
                r.failure(f"{r.status_code}: {r.text[:200]}")
                return
            answer = r.json()
            slot.update(status=answer["status"], value=answer["value"])

    @task(1)
    def upload(self) -> None:
        slot = self._pick(exists=True)
        if slot is None or slot["evidence_count"] >= MAX_FILES:
            return
        body, boundary = multipart("file", "bukti-dukung.pdf", evidence_pdf(), "application/pdf")
        with self.client.post(
            self.answer_url(slot["region"], slot["indicator"]) + "/evidence",
            data=body,  # type: ignore[arg-type]  # bytes are sent as they are
            headers={**self.auth, "Content-Type": f"multipart/form-data; boundary={boundary}"},
            name="[upload] POST .../evidence (1 MiB PDF)",
            catch_response=True,
        ) as r:
            if r.status_code != 201:
                r.failure(f"{r.status_code}: {r.text[:200]}")
                return
            slot["evidence_count"] += 1

    @task(2)
    def submit(self) -> None:
        slot = self._pick(exists=True, ready=True)
        if slot is None:
            return
        etag = self.etag_of(slot["region"], slot["indicator"])
        if etag is None:
            return
        with self.client.post(
            self.answer_url(slot["region"], slot["indicator"]) + "/submit",
            headers={**self.auth, "If-Match": etag},
            name="[submit] POST .../submit",
            catch_response=True,
        ) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}: {r.text[:200]}")
                return
            slot["status"] = r.json()["status"]

    @task(2)
    def my_answers(self) -> None:
        self.get(
            "/submissions", "[read] GET /submissions (agency)", period=PERIOD, agency=self.agency
        )

    @task(1)
    def my_score(self) -> None:
        self.get(f"/scores/{self.region}/{PERIOD}", "[read] GET /scores/{region}/{period}")


class Verifier(_SiagaUser):
    """A province's verifier: works the review queue oldest first."""

    fixed_count = 15
    _identities = itertools.count()
    _cast_key = "verifiers"

    def on_start(self) -> None:
        super().on_start()
        self.queue: list[dict[str, Any]] = []

    @task(2)
    def review_queue(self) -> None:
        r = self.get(
            "/submissions",
            "[read] GET /submissions (review queue)",
            period=PERIOD,
            region=self.region,
            status="submitted",
            order="oldest",
            limit=20,
        )
        if r is not None:
            self.queue = r.json()["items"]

    @task(4)
    def decide(self) -> None:
        if not self.queue:
            self.review_queue()
            return
        item = self.queue.pop(0)
        etag = self.etag_of(item["region"], item["indicator"])
        if etag is None:
            return
        url = self.answer_url(item["region"], item["indicator"])
        headers = {**self.auth, "If-Match": etag}
        if random.random() < 0.85:
            action, body = "verify", None
        else:
            action = "return"
            body = {"reason": "Bukti dukung belum ditandatangani pejabat berwenang."}
        with self.client.post(
            url + "/" + action,
            headers=headers,
            json=body,
            name=f"[verify] POST .../{action}",
            catch_response=True,
        ) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}: {r.text[:200]}")

    @task(2)
    def province_scores(self) -> None:
        self.get("/scores", "[read] GET /scores (province)", period=PERIOD, region=self.region)


class Viewer(_SiagaUser):
    """The dashboard audience: province tables, one Pemda's explanation, answer lists."""

    fixed_count = 25
    _identities = itertools.count()
    _cast_key = "viewers"

    def on_start(self) -> None:
        super().on_start()
        self.pemda: list[str] = []

    @task(4)
    def scores(self) -> None:
        if self.region is None:
            name = "[read] GET /scores (national)"
        else:
            name = "[read] GET /scores (province)"
        r = self.get("/scores", name, period=PERIOD, region=self.region)
        if r is not None and not self.pemda:
            # Parsed once: decoding the national table on every read costs the load
            # generator CPU that the server under test shares.
            self.pemda = [row["region"] for row in r.json()["items"]]

    @task(2)
    def explain(self) -> None:
        if self.pemda:
            region = random.choice(self.pemda)
            self.get(f"/scores/{region}/{PERIOD}", "[read] GET /scores/{region}/{period}")

    @task(2)
    def answers(self) -> None:
        self.get(
            "/submissions",
            "[read] GET /submissions (region)",
            period=PERIOD,
            region=self.region,
            limit=50,
        )
