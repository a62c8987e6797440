"""Live chats while PostgreSQL restarts, and while the hub's LISTEN connection is killed:
nothing a phone sent is lost, stored twice or delivered twice."""

from __future__ import annotations

import time

import pytest

from tests.faults.cluster import Cluster
from tests.faults.conftest import (
    Phone,
    assert_once_in_order,
    counsellor_client,
    on,
    ready_status,
    start_chat,
    stored_seqs,
    wait_for_ready,
    young_person_client,
)
from tests.harness import Server, run_async

# the time limit counts fixture set-up too: two app servers to start, and a cluster restart (longer on a busy machine)
pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module", autouse=True)
def cluster_left_running(cluster: Cluster):
    """The cluster is shared with the other fault modules: up again even if a test stopped here."""
    yield
    if not cluster.is_up():
        cluster.start()


@pytest.fixture(scope="module")
def two_servers(fault_env):
    a, b = Server(env=fault_env).start(), Server(env=fault_env).start()
    yield a, b
    a.stop()
    b.stop()


def _chat_across(two_servers, fault_env) -> tuple[Phone, Phone, str]:
    a, b = two_servers
    yp = young_person_client(a.base_url)
    counsellor = counsellor_client(fault_env, b.base_url)
    session_id = start_chat(yp, counsellor)
    young, staff = Phone(a.base_url, yp, session_id), Phone(b.base_url, on(counsellor, b.base_url), session_id)
    young.connect()
    staff.connect()
    return young, staff, session_id


def _talk(young: Phone, staff: Phone, n: int, tag: str) -> None:
    for i in range(n):
        young.write(f"{tag} young {i}")
        staff.write(f"{tag} counsellor {i}")
        young.pump(0.05)
        staff.pump(0.05)


def test_a_database_restart_mid_chat_loses_nothing(cluster: Cluster, two_servers, fault_env) -> None:
    a, b = two_servers
    young, staff, session_id = _chat_across(two_servers, fault_env)
    _talk(young, staff, 5, "before")
    young.settle()
    staff.settle()

    cluster.stop("fast")
    cluster.wait_until_down()
    # while the database is down both nodes say they are not ready, and phones keep writing
    assert wait_for_ready(a.base_url, 503, 10) >= 0
    assert ready_status(b.base_url) == 503
    _talk(young, staff, 4, "during")
    young.pump(1)
    staff.pump(1)
    # nothing can be stored now: the phones hold every message of this stretch, unacknowledged
    assert len(young.outbox) == 4 and len(staff.outbox) == 4

    cluster.start()
    came_back = time.monotonic()
    wait_for_ready(a.base_url, 200, 10)
    wait_for_ready(b.base_url, 200, 10 - (time.monotonic() - came_back))
    _talk(young, staff, 3, "after")
    young.settle()
    staff.settle()
    young.pump(2)
    staff.pump(2)

    rows = stored_seqs(fault_env["DATABASE_URL"], session_id)
    total = 2 * (5 + 4 + 3)
    assert [seq for seq, _ in rows] == list(range(1, total + 1))  # stored once each, no gaps
    assert len({cid for _, cid in rows}) == total
    assert set(young.acked) | set(staff.acked) == {cid for _, cid in rows}
    # each side received every message of the other, once and in order (through LISTEN/NOTIFY
    # across the two processes, or by resume after a reconnect)
    for phone in (young, staff):
        assert_once_in_order(phone, total)
    young.close()
    staff.close()


def test_killing_the_hubs_listen_connection_loses_nothing(cluster: Cluster, two_servers, fault_env) -> None:
    young, staff, session_id = _chat_across(two_servers, fault_env)
    _talk(young, staff, 3, "before")
    young.settle()
    staff.settle()

    killed = stored_listeners_killed(fault_env["DATABASE_URL"])
    assert killed >= 2  # one LISTEN connection per server process
    _talk(young, staff, 4, "after")
    young.settle()
    staff.settle()
    young.pump(3)
    staff.pump(3)

    total = 2 * (3 + 4)
    assert [seq for seq, _ in stored_seqs(fault_env["DATABASE_URL"], session_id)] == list(range(1, total + 1))
    for phone in (young, staff):
        assert_once_in_order(phone, total)
    young.close()
    staff.close()


def stored_listeners_killed(url: str) -> int:

    import asyncpg

    async def go() -> int:
        conn = await asyncpg.connect(url)
        try:
            rows = await conn.fetch("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE datname = current_database() AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()")
            return len(rows)
        finally:
            await conn.close()

    return run_async(go())


def test_the_hub_listens_on_its_own_direct_connection_when_given_one(fault_env) -> None:
    """Behind a transaction-mode pooler, LISTEN must bypass it: WAYMARK_CHAT_DATABASE_URL."""

    import asyncpg

    env = {**fault_env, "WAYMARK_CHAT_DATABASE_URL": fault_env["DATABASE_URL"] + "?application_name=waymark_hub"}
    srv = Server(env=env).start()
    try:
        async def listeners() -> list[str]:
            conn = await asyncpg.connect(fault_env["DATABASE_URL"])
            try:
                rows = await conn.fetch("SELECT application_name FROM pg_stat_activity "
                                        "WHERE datname = current_database() AND query ILIKE 'LISTEN%'")
                return [r["application_name"] for r in rows]
            finally:
                await conn.close()

        deadline = time.monotonic() + 10
        while "waymark_hub" not in (names := run_async(listeners())) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "waymark_hub" in names
    finally:
        srv.stop()
