"""``community-map serve`` works from an installed wheel, outside the checkout."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_serve_from_an_installed_wheel(tmp_path: Path) -> None:
    # Build from a copy of the project's files, so that no build/ folder lands in the checkout.
    source = tmp_path / "source"
    shutil.copytree(
        ROOT / "community_map",
        source / "community_map",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)],
        check=True,
        capture_output=True,
        text=True,
    )
    (wheel,) = wheels.glob("community_map-*.whl")
    # A fresh venv that takes the dependencies from this environment's site-packages (a .pth
    # line: its .pth hooks, such as an editable install of the checkout, are not run) and
    # community_map only from the wheel.
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    )
    Path(site.stdout.strip(), "dependencies.pth").write_text(
        sysconfig.get_path("purelib") + "\n", encoding="utf-8"
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        text=True,
    )

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMUNITY_MAP_")}
    env.pop("PYTHONPATH", None)
    env["COMMUNITY_MAP_DATABASE_URL"] = f"sqlite:///{elsewhere / 'cm.db'}"
    where = subprocess.run(
        [str(python), "-c", "import community_map.ui.streamlit_app as m; print(m.__file__)"],
        cwd=elsewhere,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert where.stdout.strip().startswith(str(env_dir)), where.stdout
    script = env_dir / "bin" / "community-map"
    subprocess.run(
        [str(script), "init"], cwd=elsewhere, env=env, check=True, capture_output=True, text=True
    )

    port = _free_port()
    server = subprocess.Popen(
        [str(script), "serve", "--headless", "--port", str(port), "--host", "127.0.0.1"],
        cwd=elsewhere,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/_stcore/health", timeout=2
                ) as response:
                    assert response.read() == b"ok"
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    output = server.stdout.read().decode() if server.stdout else ""
                    pytest.fail(f"the installed app did not answer: {output[-2000:]}")
                time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert response.status == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
