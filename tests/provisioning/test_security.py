"""Hostile names stay data, and a secret given to a run never reaches the database, Redis, the RQ job,
stored stdout, events, the worker's log or any file left behind."""

from __future__ import annotations

import json
import secrets
import tempfile
from pathlib import Path

from redis import Redis
from sqlalchemy import select, text

from app.extensions import db
from app.models import Base, JobEvent
from app.provisioning import extravars
from tests.provisioning.conftest import approve
from tests.provisioning.test_runs import finished


def test_template_and_shell_syntax_in_a_name_is_written_verbatim_and_nothing_runs(engine_settings, app, workers):
    # A short folder: the name must fit the 200 characters a name may have.
    folder = Path(tempfile.mkdtemp(prefix="pw"))
    pwned = folder / "x"
    name = (f"{{{{ lookup('pipe','touch {pwned}-jinja') }}}} $(touch {pwned}-shell) `touch {pwned}-tick` "
            f"{{% for x in range(1) %}}loop{{% endfor %}} Ñandú 李 \u202eevil")
    domain = f"{{{{ lookup('pipe','touch {pwned}-domain') }}}}.example.org"
    job = approve(count=1, full_name=name, params={"domain": domain})
    workers.start(engine_settings)
    job = finished(job.id)
    assert job.state == "successful"
    written = (Path(engine_settings["SANDBOX"]) / "markers" / f"{job.items[0].label}.name").read_text()
    assert written == f"{name}\n{domain}\n"
    assert list(folder.iterdir()) == []
    folder.rmdir()


def test_extravars_tag_every_person_supplied_string_unsafe(engine_settings, app):
    job = approve(count=1, full_name="{{ 7 * 7 }}", params={"password": "never-passed", "api_token": "no"},
                  options={"sleep": 0})
    text_ = extravars.unsafe_yaml(extravars.job_vars(job))
    assert '!unsafe "{{ 7 * 7 }}"' in text_
    assert "never-passed" not in text_ and "api_token" not in text_
    item = extravars.item_vars(job.items[0])
    assert {"label", "uid", "uid_number", "gid_number", "home", "email", "full_name", "domain"} <= set(item)
    # Every string value is tagged; numbers are plain.
    for line in text_.splitlines():
        if ": " in line and not line.rstrip().endswith(":"):
            value = line.split(": ", 1)[1]
            assert value.startswith('!unsafe "') or value.lstrip("-").isdigit() or value in ("true", "false"), line


def _redis_dump(url: str) -> str:
    r = Redis.from_url(url)
    parts = []
    for key in r.scan_iter(count=1000):
        kind = r.type(key).decode()
        parts.append(key.decode(errors="replace"))
        if kind == "string":
            parts.append(repr(r.get(key)))
        elif kind == "hash":
            parts.append(repr(r.hgetall(key)))
        elif kind == "list":
            parts.append(repr(r.lrange(key, 0, -1)))
        elif kind == "set":
            parts.append(repr(r.smembers(key)))
        elif kind == "zset":
            parts.append(repr(r.zrange(key, 0, -1)))
        elif kind == "stream":
            parts.append(repr(r.xrange(key)))
    # RQ pickles and compresses job data: unpack every job hash too.
    from rq.job import Job

    for key in r.scan_iter("rq:job:*"):
        try:
            job = Job.fetch(key.decode().removeprefix("rq:job:"), connection=r)
            parts.append(repr((job.args, job.kwargs, job.meta, job.return_value(), job.latest_result())))
        except Exception:  # noqa: BLE001, S112 - a key that is not a job hash
            continue
    return "\n".join(parts)


def _database_dump(skip: set[tuple[str, str]] = frozenset()) -> str:
    out = []
    for table in Base.metadata.sorted_tables:
        for row in db.session.execute(text(f"SELECT * FROM {table.name}")).mappings():  # noqa: S608
            out.append(json.dumps({k: v for k, v in row.items() if (table.name, k) not in skip}, default=str))
    return "\n".join(out)


def _files_containing(root: Path, needle: bytes, skip: tuple[str, ...] = ()) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink() and not any(s in path.name for s in skip):
            try:
                if needle in path.read_bytes():
                    hits.append(str(path))
            except OSError:
                continue
    return hits


def test_a_canary_secret_never_leaves_the_run(engine_settings, app, workers, clean_state):
    canary = "canary-" + secrets.token_hex(12)
    param_canary = "param-canary-" + secrets.token_hex(12)
    # The secret reaches the run the way real ones do: from the worker's environment (read by the
    # playbook with lookup('env')); the playbook shows it under password/token keys, in loop items
    # and in command output. A `password` in a request's params is never passed to Ansible at all.
    settings = {**engine_settings, "TEST_CANARY": canary}
    job = approve(count=2, playbook="canary.yml", params={"password": param_canary})
    worker = workers.start(settings)
    job = finished(job.id)
    assert job.state == "successful", job.error
    events = db.session.scalars(select(JobEvent).where(JobEvent.job_id == job.id)).all()
    assert any(e.task == "Show credentials" for e in events) and "********" in job.stdout
    # The secret really was in the run (a non-empty value was redacted in the command's output).
    printed, = [e for e in events if e.task == "A command that prints a token" and e.event == "runner_on_ok"]
    assert printed.data["res"]["stdout"] == "token=******** password: ********"
    assert any(e.item_label == job.items[0].label and e.task == "Loop over items that carry a password"
               for e in events)
    workers.stop_all()
    workers.procs.clear()

    for needle in (canary, param_canary):
        assert needle not in (job.stdout or "")
        assert needle not in json.dumps([e.data for e in events] + [e.task for e in events])
        assert needle not in _redis_dump(clean_state.redis.url)
        assert needle not in Path(worker.log_path).read_text(errors="replace")
        assert _files_containing(Path(engine_settings["JOB_WORK_DIR"]), needle.encode()) == []
        assert _files_containing(Path(engine_settings["SANDBOX"]), needle.encode()) == []
        assert _files_containing(Path.home() / ".ansible", needle.encode()) == []
    assert canary not in _database_dump()
    # The params canary sits where the test itself put it (service_request.params) and nowhere else.
    assert param_canary not in _database_dump(skip={("service_request", "params")})
    assert _files_containing(clean_state.root, canary.encode()) == []
    assert list(Path(engine_settings["JOB_WORK_DIR"]).iterdir()) == []
