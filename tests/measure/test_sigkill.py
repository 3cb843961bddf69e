"""SIGKILL of a running ``humeresearch measure``, 10 times, resuming: same result, no duplicate job."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

import humeresearch as hr
from humeresearch import server

from .conftest import KEY, tone_wav

pytestmark = pytest.mark.filterwarnings("ignore:.*not decoded by the simulator")


def _command(folder, project, url) -> list[str]:
    code = "import sys; from humeresearch.cli import main; sys.exit(main())"
    return [
        sys.executable, "-c", code, "measure", str(folder), "--project", str(project),
        "--api", "v0", "--base-url", url, "--concurrency", "4", "--quiet",
    ]  # fmt: skip


def _table(path) -> pd.DataFrame:
    long = hr.read_parquet(path).long()
    return long.sort_values(list(long.columns)).reset_index(drop=True)


@pytest.mark.slow
def test_sigkill_ten_times_then_resume(tmp_path):
    folder = tmp_path / "study"
    folder.mkdir()
    for i in range(16):
        (folder / f"s{i:02d}.wav").write_bytes(tone_wav(2.0, freq=140.0 + 9 * i))
    env = {**os.environ, "HUME_API_KEY": KEY}
    rng = random.Random(14)
    with server.start(api_key=KEY, data_dir=tmp_path / "srv", processing_delay=0.6) as srv:
        project = tmp_path / "killed"
        kills = 0
        while kills < 10:
            proc = subprocess.Popen(_command(folder, project, srv.url), env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            time.sleep(rng.uniform(0.5, 2.5))  # interpreter start-up is ~1 s
            if proc.poll() is not None:
                break  # finished before this kill
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
        done = subprocess.run(_command(folder, project, srv.url), env=env, capture_output=True)
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        jobs = srv.counters()["jobs_by_content"]
    assert kills >= 5
    assert len(jobs) == 16 and set(jobs.values()) == {1}  # no duplicate job
    with server.start(api_key=KEY, processing_delay=0.6) as ref_srv:
        ref = subprocess.run(_command(folder, tmp_path / "ref", ref_srv.url), env=env,
                             capture_output=True)  # fmt: skip
        assert ref.returncode == 0
    got, want = (
        _table(project / "measurements.parquet"),
        _table(tmp_path / "ref" / "measurements.parquet"),
    )
    pd.testing.assert_frame_equal(got, want)
