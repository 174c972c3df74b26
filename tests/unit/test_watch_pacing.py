"""The bulk watcher's pace (client/job_watch.Pacer): reads follow how often jobs end, so a run of slow scanned
jobs is not read every half second (each read costs the API CPU per second of the run), while a stream of
born-digital files ending many a second is still read at the shortest interval."""
from __future__ import annotations

from client.job_watch import Pacer


def _reads(pacer: Pacer, end_every: float, seconds: float) -> int:
    """Reads in ``seconds`` of a run whose jobs end every ``end_every`` s, paced by ``pacer``."""
    now, reads, next_end = 0.0, 0, end_every
    while now < seconds:
        ended = 0
        while next_end <= now:
            ended, next_end = ended + 1, next_end + end_every
        now += pacer.after_read(now, ended)
        reads += 1
    return reads


def test_jobs_ending_every_few_seconds_are_read_about_twice_per_end():
    pacer = Pacer(0.5, 5.0)
    reads = _reads(pacer, end_every=6.0, seconds=600)
    assert 3 <= pacer.pause <= 5.0 and abs(pacer.gap - 6.0) < 1.5
    assert reads <= 3 * 600 / 6.0  # was a read at 0.5 s after every end, then 0.75, 1.1, 1.7, 2.5...: 6 an end
    assert reads >= 600 / 6.0  # never fewer reads than ends: every end is still seen within the pause


def test_jobs_ending_many_a_second_are_read_at_the_shortest_interval():
    pacer = Pacer(0.5, 5.0)
    reads = _reads(pacer, end_every=0.05, seconds=60)
    assert pacer.pause == 0.5 and reads >= 60 / 0.5 - 1


def test_no_end_slows_reads_to_the_longest_interval_and_an_end_after_a_lull_keeps_them_slow():
    pacer = Pacer(0.5, 5.0)
    pauses = [pacer.after_read(t, 0) for t in range(10)]
    assert pauses[0] == 0.75 and pauses[-1] == 5.0 and pauses == sorted(pauses)
    assert pacer.after_read(100.0, 1) == 0.5  # the first end: no gap known yet
    assert pacer.after_read(160.0, 2) == 5.0  # two ends in a minute: a read every 5 s is plenty
