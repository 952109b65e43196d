"""Chaos against the real server: 40 phones x 10 notes, dropped connections, one SIGKILL.

Each phone keeps its notes in an outbox until acknowledged and resends them (same client
id) on every reconnection, as `static/js/outbox.js` does; connections are closed right
after a `note.post` (the ack is lost), reset while idle, and a note is sometimes sent
twice at once. Worker 0 is SIGKILLed when 40 % of the notes are acknowledged and started
again on the same database (`tests/chaos_phones.py`, `chaos_servers.py`,
`chaos_judge.py`). Afterwards, read from the database itself: every note stored exactly
once, at its author, with its text; none refused; each phone's fresh snapshot holds
every note of its table; no traceback in any server log; no offload process left behind
by the killed server.

On SQLite with one worker, and on PostgreSQL with two workers and Redis as the message
queue (phones on both, the kill hits one; skipped without the services, a failure under
FACILITATOR_REQUIRE_SERVICES=1). Each takes well under a minute on 2 cores; the phones'
random choices come from a fixed seed, the moment of the kill does not.
"""

from __future__ import annotations

import dataclasses
import secrets

import pytest

from tests.chaos_judge import ChaosResult
from tests.chaos_phones import ChaosConfig, run_chaos
from tests.chaos_servers import start_cluster
from tests.conftest import (
    REDIS_URL,
    _drop_postgres_schema,
    _fresh_postgres_schema,
    need,
    redis_available,
)

CONFIG = ChaosConfig(phones=40, notes=10, deadline=80.0)


def check(result: ChaosResult) -> None:
    summary = result.summary()
    assert not result.failures, f"{summary}\n{result.failures[:5]}"
    assert result.connected == result.config.phones, summary
    assert result.refused == [], f"{summary}\n{result.refused[:10]}"
    assert result.missing == [], f"{summary}\nnever stored: {result.missing[:10]}"
    assert result.duplicates == 0, f"{summary}\n{result.per_client_id.most_common(5)}"
    assert result.stored == result.expected, summary
    assert result.unknown == [] and result.wrong_author == [] and result.wrong_text == [], summary
    assert result.snapshot_gaps == [], f"{summary}\n{result.snapshot_gaps[:10]}"
    # Each phone writes 10 new notes, fewer than NOTES_PER_MINUTE (12): resends, twin sends
    # and sends lost to the kill must not use up its budget.
    limited = {p.index: p.retried["too_many_notes"] for p in result.phones if p.retried}
    assert limited == {}, f"{summary}\nphones told too_many_notes (retries): {limited}"
    if result.config.kill_at is not None:
        assert result.recovered_after is not None, summary
        assert result.count("lost") > 0, f"nobody noticed the kill? {summary}"
    assert result.count("closes") > 0 and result.count("resends") > 0, summary
    survivors = f"offload processes outlived their server: {result.survivors}"
    logs = "\n\n".join(result.log_problems[:3])
    assert not result.log_problems and not result.survivors, f"{summary}\n{survivors}\n{logs}"


def test_notes_survive_drops_and_a_sigkill_on_sqlite(tmp_path):
    cluster = start_cluster(tmp_path, f"sqlite:///{tmp_path}/chaos.sqlite3", CONFIG.phones)
    result = run_chaos(cluster, CONFIG)
    print(result.summary())
    check(result)


@pytest.mark.postgres
@pytest.mark.redis
def test_notes_survive_drops_and_a_sigkill_of_one_of_two_workers(tmp_path, postgres_ok):
    if not postgres_ok:
        need("PostgreSQL is not reachable on 127.0.0.1:5432")
    if not redis_available():
        need(f"Redis is not reachable at {REDIS_URL}")
    schema, url = _fresh_postgres_schema()
    queue = {
        "FACILITATOR_MESSAGE_QUEUE": REDIS_URL,
        "FACILITATOR_MESSAGE_QUEUE_CHANNEL": f"facilitator-chaos-{secrets.token_hex(4)}",
    }
    try:
        config = dataclasses.replace(CONFIG, workers=2)
        cluster = start_cluster(tmp_path, url, config.phones, workers=2, extra_env=queue)
        result = run_chaos(cluster, config)
        print(result.summary())
        check(result)
    finally:
        _drop_postgres_schema(schema)
