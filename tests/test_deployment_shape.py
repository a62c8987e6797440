"""The production shape in docker-compose.yml keeps the promises docs/capacity.md makes."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_file_has_a_balancer_two_replicas_and_a_pooler_that_listen_bypasses() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    apps = [s for name, s in services.items() if name.startswith("app")]
    assert len(apps) == 2
    assert "haproxy" in services["balancer"]["image"]
    assert services["pgbouncer"]["environment"]["POOL_MODE"] == "transaction"
    assert services["db"]["image"] == "postgres:16"
    for app in apps:
        env = app["environment"]
        assert "@pgbouncer:" in env["DATABASE_URL"]  # request pools through the pooler
        assert "@db:5432" in env["WAYMARK_CHAT_DATABASE_URL"]  # LISTEN straight to PostgreSQL
        assert env["FORWARDED_ALLOW_IPS"] not in ("*", "")  # nobody else may say who the client is
        assert env["FORWARDED_ALLOW_IPS"] == services["balancer"]["networks"]["internal"]["ipv4_address"]
    haproxy = (ROOT / "deploy" / "haproxy.cfg").read_text()
    assert "timeout tunnel" in haproxy and "set-header X-Forwarded-For %[src]" in haproxy
    assert "cookie" not in haproxy.lower().replace("# ", "")  # no sticky sessions
