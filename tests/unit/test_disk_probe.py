"""The chat bench's disk probe reads its samples right: which of the slowest messages were in
flight while a commit waited for the disk, and the p99 of the others (bench/disk_probe.py)."""

from bench.disk_probe import describe, summarise


def test_a_slow_message_overlapping_a_stall_is_counted_and_one_outside_is_not() -> None:
    # probe commits at 0.00, 0.02, ... (1 ms each); one waits 60 ms at t = 1.00
    samples = [(i * 0.02, 0.001) for i in range(100)]
    samples[50] = (1.00, 0.060)
    # 40 messages of 2 ms; two slow ones: one in flight during the stall, one long after it
    messages = [(0.005 + i * 0.05, 0.002) for i in range(40)]
    messages[20] = (1.01, 0.055)  # sent during the stall
    messages[36] = (1.80, 0.030)  # slow, but no commit waited then
    d = summarise(samples, messages, slowest=2)
    assert d["stalls_over_5ms"] == 1
    assert round(d["stalled_seconds"], 3) == 0.060
    assert d["slowest_messages"] == 2
    assert d["slowest_in_flight_during_a_stall"] == 1
    # left out of the "clear" p99: the stalled slow message and the ordinary one sent at 1.055
    # (also in flight before the stall ended at 1.06); the other slow one stays in
    assert d["messages_clear_of_stalls"] == len(messages) - 2
    assert d["p99_ms_clear_of_stalls"] == 30.0
    assert "1 were in flight during one" in describe(d)


def test_samples_outside_the_messages_window_do_not_count() -> None:
    samples = [(0.0, 0.090), (5.0, 0.001), (5.02, 0.001), (20.0, 0.080)]
    messages = [(5.0, 0.002), (5.01, 0.002), (5.03, 0.002)]
    d = summarise(samples, messages, slowest=1)
    assert d["commits"] == 2
    assert d["stalls_over_5ms"] == 0
    assert d["max_ms"] == 1.0
    assert d["slowest_in_flight_during_a_stall"] == 0
