"""The promises of the README: two commands do all set-up, CI runs exactly `make test`, and
`make lab` really starts JupyterLab on lessons/ without a browser."""
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request

from dlbasics.build import ROOT


def test_readme_shows_the_two_commands_first():
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```(?:bash|sh)?\n(.*?)```", readme, re.S).group(1)
    assert first_block.split() == ["make", "lab", "make", "test"] or \
        [line.split("#")[0].strip() for line in first_block.strip().splitlines()] == ["make lab", "make test"]


def test_ci_runs_exactly_make_test():
    commands = [line.strip() for line in (ROOT / ".ci/run").read_text().splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    assert "make test" in commands
    assert not any("|| true" in c or "exit 0" in c for c in commands), "a failing suite must fail CI"


def test_make_lab_starts_jupyterlab_headless():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    flags = f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.token=course-test" + \
        (" --allow-root" if os.geteuid() == 0 else "")
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(ROOT / ".venv" / "jupyter-runtime-test"))
    proc = subprocess.Popen(["make", "-s", "lab", f"LAB_FLAGS={flags}"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline, body = time.time() + 60, None
        while time.time() < deadline and body is None:
            time.sleep(1)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents?token=course-test", timeout=5) as r:
                    body = r.read().decode()
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode()
        assert body is not None, "JupyterLab did not answer within 60 s"
        assert "00_ml_vs_deep_learning.ipynb" in body, "the server should open on lessons/"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token=course-test", timeout=10) as r:
            assert r.status == 200 and "JupyterLab" in r.read().decode()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
