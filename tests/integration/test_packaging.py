"""docpipe installs with pip: both wheels are built from a copy of the sources, installed into
fresh virtualenvs, and their console scripts run from outside the repository.

The client's venv gets its dependencies from the package index as a user's would. The server's
venv reuses this venv's packages through a .pth file (numpy, onnxruntime, ... are large) and
installs the wheel itself with --no-deps, so what runs is the wheel's code, not the checkout's.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.request
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.factories import EN_TEXT, cer, encode_png, render_text_image
from tests.service_stack import free_port

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SERVER_SOURCES = ["pyproject.toml", "README.md", "settings.py", "run_local.py", "docpipe_commands.py",
                  "api", "db", "workers", "webhooks", "models", "pipeline"]
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "files", "build", "*.egg-info")


def _run(args, *, cwd, timeout=120, env=None, check=True):
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=env)
    if check:
        assert done.returncode == 0, f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def _clean_env(**extra) -> dict[str, str]:
    # Nothing from the checkout on the path: the installed wheel has to stand on its own.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("DOCPIPE_")}
    env.update(extra)
    return env


def _pip(venv: Path, *args, cwd, timeout=180):
    # This venv's pip installs into the fresh one (--python), so the fresh ones need no pip of their own.
    return _run([sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "--disable-pip-version-check",
                 *args], cwd=cwd, timeout=timeout)


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("packaging")
    src = base / "src"
    src.mkdir()
    # A copy, because setuptools writes build/ and *.egg-info beside the sources it builds.
    for name in SERVER_SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=IGNORED)
        else:
            shutil.copy2(path, src / name)
    shutil.copytree(ROOT / "client", src / "client", ignore=IGNORED)
    dist = base / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
          "--disable-pip-version-check", "-w", dist, src, src / "client"], cwd=base, timeout=180)
    found = {w.name.split("-")[0]: w for w in dist.glob("*.whl")}
    assert set(found) == {"docpipe_server", "docpipe_client"}, found
    return found


def test_the_wheels_hold_the_code_and_data_and_nothing_else(wheels):
    with zipfile.ZipFile(wheels["docpipe_server"]) as zf:
        names = set(zf.namelist())
    for needed in ["settings.py", "run_local.py", "docpipe_commands.py", "api/__init__.py", "api/static/web.js",
                   "api/templates/web/index.html", "db/migrations/env.py", "db/migrations/script.py.mako",
                   "db/migrations/versions/0001_initial_tables.py", "models/manifest.json", "models/setup.py",
                   "models/calibration/ppocrv6_tiny_rec_int8.json",
                   "pipeline/export/alto.py", "workers/celery_app.py", "webhooks/tasks.py",
                   "pipeline/invoice/extract.py"]:
        assert needed in names, needed
    # Model weights come from models.setup, the client from its own wheel, never tests or local data.
    top = {n.split("/")[0] for n in names}
    assert not {"client", "tests", "bench", "var"} & top, top
    assert not [n for n in names if n.endswith(".onnx") or "/files/" in n]
    with zipfile.ZipFile(wheels["docpipe_client"]) as zf:
        client_names = set(zf.namelist())
    assert {"client/__init__.py", "client/__main__.py", "client/bulk.py"} <= client_names
    assert {n.split("/")[0] for n in client_names} == {"client", "docpipe_client-1.0.0.dist-info"}


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            req = Requirement(line)
            (version,) = [s.version for s in req.specifier if s.operator == "=="]
            pins[req.name.lower()] = version
    return pins


@pytest.mark.parametrize("pyproject, requirements", [
    ("pyproject.toml", ["requirements.txt"]),
    ("client/pyproject.toml", ["client/requirements.txt"]),
])
def test_each_pin_is_inside_the_range_the_package_declares(pyproject, requirements):
    declared = {Requirement(d).name.lower(): Requirement(d)
                for d in tomllib.loads((ROOT / pyproject).read_text())["project"]["dependencies"]}
    pins = {}
    for name in requirements:
        pins.update(_pins(ROOT / name))
    assert set(declared) == set(pins), set(declared) ^ set(pins)
    for name, version in pins.items():
        assert declared[name].specifier.contains(version), (name, version, str(declared[name].specifier))


def test_the_client_installs_alone_and_its_commands_run(wheels, tmp_path):
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp_path)
    _pip(venv, "install", "-q", wheels["docpipe_client"], cwd=tmp_path)
    env = _clean_env()
    bulk = _run([venv / "bin" / "docpipe-client", "bulk", "--help"], cwd=tmp_path, env=env)
    assert "SRC" in bulk.stdout.upper() and "--concurrency" in bulk.stdout
    # Against nothing: the library imports and fails cleanly with its own error; no server code came along.
    probe = _run([venv / "bin" / "python", "-c", """
import importlib.util, client
assert importlib.util.find_spec("api") is None and importlib.util.find_spec("pipeline") is None
try:
    client.Client("http://127.0.0.1:9", timeout=2).health(attempts=1)
except client.TransportError as exc:
    print("TransportError", client.__file__)
"""], cwd=tmp_path, env=env, timeout=60)
    assert probe.stdout.startswith("TransportError " + str(venv)), probe.stdout


def test_the_server_installs_and_its_commands_run(wheels, tmp_path):
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp_path)
    # The dependencies: this venv's site-packages, which holds neither the server nor the client.
    site = Path(_run([venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                     cwd=tmp_path).stdout.strip())
    (site / "shared-deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    _pip(venv, "install", "-q", "--no-deps", "--no-index", wheels["docpipe_server"], cwd=tmp_path)
    from settings import Settings

    models_dir = Settings.from_env().models_dir
    var = tmp_path / "var"
    env = _clean_env(DOCPIPE_VAR_DIR=str(var), DOCPIPE_MODELS_DIR=str(models_dir))
    bin_ = venv / "bin"

    where = _run([bin_ / "python", "-c", "import api, pipeline, settings; print(api.__file__, settings.__file__)"],
                 cwd=tmp_path, env=env)
    assert all(p.startswith(str(venv)) for p in where.stdout.split()), where.stdout
    assert "Read the text" in _run([bin_ / "docpipe", "--help"], cwd=tmp_path, env=env).stdout
    assert "models" in _run([bin_ / "docpipe-models", "--help"], cwd=tmp_path, env=env).stdout

    # The one-shot CLI reads an image through the installed pipeline and the model files.
    png = tmp_path / "lines.png"
    png.write_bytes(encode_png(render_text_image(EN_TEXT[:3])))
    read = _run([bin_ / "docpipe", png, "--threads", "1"], cwd=tmp_path, env=env)
    assert cer("\n".join(EN_TEXT[:3]), read.stdout) <= 0.02, read.stdout

    # Migrations and key management from the wheel's own files (SQLite under DOCPIPE_VAR_DIR).
    var.mkdir()
    created = _run([bin_ / "docpipe-keys", "create", "--tenant", "pip"], cwd=tmp_path, env=env)
    assert "key:" in created.stdout and (var / "docpipe.db").exists()

    # docpipe-api is the gunicorn process run_local.py starts, serving the installed app.
    port = free_port()
    api_env = {**env, "DOCPIPE_API_PORT": str(port)}
    proc = subprocess.Popen([bin_ / "docpipe-api"], cwd=tmp_path, env=api_env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert proc.poll() is None, proc.stdout.read()
                assert time.monotonic() < deadline, "docpipe-api did not answer /health in 60 s"
                time.sleep(0.3)
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
