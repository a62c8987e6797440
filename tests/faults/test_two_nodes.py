"""Two app nodes (each its own process group of 2 workers) behind HAProxy, no sticky sessions,
sharing one PostgreSQL. A young person and a counsellor on different nodes chat; the young
person's node is killed mid-chat; the phone reconnects through the balancer to the other node
and resumes with nothing lost or repeated."""

from __future__ import annotations

import pytest

from tests.faults.balancer import Balancer
from tests.faults.conftest import Phone, assert_once_in_order, counsellor_client, start_chat, stored_seqs
from tests.harness import Client, Server, signup_body

# the time limit counts fixture set-up too: two nodes of two workers each and a balancer to start (longer on a busy machine)
pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def nodes(fault_env):
    a = Server(env=fault_env, workers=2).start()
    b = Server(env=fault_env, workers=2).start()
    lb = Balancer([a.port, b.port]).start()
    yield a, b, lb
    lb.stop()
    a.stop()
    b.stop()


def _node_of(phone: Phone) -> str:
    return phone.ws.response.headers.get("X-Waymark-Node", "")


def _connect_on_another_node(phone: Phone, avoid: str) -> str:
    for _ in range(6):  # round robin: the next connection goes to the next node
        assert phone.connect()
        node = _node_of(phone)
        if node and node != avoid:
            return node
        phone.close()
    raise AssertionError("the balancer kept sending both people to one node")


def test_a_chat_across_two_nodes_survives_losing_one(nodes, fault_env) -> None:
    a, b, lb = nodes
    yp = Client(lb.base_url)
    assert yp.post("/api/v1/auth/signup", json=signup_body()).status_code == 201
    counsellor = counsellor_client(fault_env, lb.base_url)
    session_id = start_chat(yp, counsellor)

    staff = Phone(lb.base_url, counsellor, session_id)
    assert staff.connect()
    staff_node = _node_of(staff)
    young = Phone(lb.base_url, yp, session_id)
    young_node = _connect_on_another_node(young, avoid=staff_node)
    assert {young_node, staff_node} == {"node1", "node2"}

    for i in range(5):
        young.write(f"hello {i}")
        staff.write(f"hi {i}")
    young.settle()
    staff.settle()
    staff.pump(1)
    young.pump(1)
    for phone in (young, staff):  # each saw the other's messages, crossing nodes through LISTEN/NOTIFY
        assert_once_in_order(phone, 10)

    # the young person's node dies at once, workers and all
    (a if young_node == "node1" else b).kill_group()
    for i in range(4):
        young.write(f"are you there {i}")  # some of these go into a dead socket: the outbox keeps them
        staff.write(f"still here {i}")
    young.settle(timeout=30)
    staff.settle(timeout=30)
    young.pump(2)
    staff.pump(2)
    assert _node_of(young) == staff_node  # reconnected through the balancer to the surviving node

    total = 2 * (5 + 4)
    rows = stored_seqs(fault_env["DATABASE_URL"], session_id)
    assert [seq for seq, _ in rows] == list(range(1, total + 1))
    for phone in (young, staff):
        assert_once_in_order(phone, total)
    # the surviving node serves the young person's HTTP too (the session lives in PostgreSQL)
    assert yp.get("/api/v1/chat/requests/current").status_code == 200
    young.close()
    staff.close()
