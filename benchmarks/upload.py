"""Measure a large video upload through REST and through the page's upload dialog.

Starts the production build with scripts/serve on a temporary database, then
uploads one file (a real WebM clip padded with zero bytes, 1 GiB by default)
twice: with httpx to POST /api/video/upload, and with Chromium through the
dialog, which uses Reflex's chunked upload. A plain file copy of the same bytes,
made in the same run, is the baseline. The resident memory of all processes
of scripts/serve is sampled during each upload. The growth reported is the
peak minus the value just before the upload.

    .venv/bin/python benchmarks/upload.py            # 1 GiB
    .venv/bin/python benchmarks/upload.py --mib 256  # a quicker run
"""

import argparse
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.videos_conftest import free_port, make_video  # noqa: E402

logger = logging.getLogger("benchmarks.upload")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MIB = 1024 * 1024
START_SECONDS = 300
UPLOAD_SECONDS = 1800
SAMPLE_SECONDS = 0.05


def build_file(path: Path, mib: int) -> Path:
    """Write a short real WebM clip followed by zero bytes up to ``mib`` MiB."""
    clip = make_video(path.with_name("clip.webm"), "libvpx", frames=48)
    block = bytes(MIB)
    with path.open("wb") as output:
        output.write(clip.read_bytes())
        written = clip.stat().st_size
        while written < mib * MIB:
            size = min(MIB, mib * MIB - written)
            output.write(block[:size])
            written += size
    return path


def process_tree_rss(root_pid: int) -> int:
    """Return the resident memory in bytes of ``root_pid`` and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, pending = 0, [root_pid]
    while pending:
        pid = pending.pop()
        pending.extend(children.get(pid, []))
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


def measure(run: Callable[[], None], server_pid: int) -> tuple[float, int]:
    """Run ``run`` while sampling memory; return seconds and peak RSS growth."""
    before = process_tree_rss(server_pid)
    peak = before
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, process_tree_rss(server_pid))
            time.sleep(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        run()
    finally:
        elapsed = time.perf_counter() - started
        stop.set()
        sampler.join()
    return elapsed, peak - before


def start_site(folder: Path) -> tuple[subprocess.Popen, str]:
    """Start scripts/serve on a free port and wait until the page returns 200."""
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "STREAMCHAT_MEDIA_DIR": str(folder / "media"),
        "STREAMCHAT_BCRYPT_ROUNDS": "4",
    }
    log = (folder / "serve.log").open("w")
    server = subprocess.Popen(
        [str(ROOT / "scripts" / "serve")],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return server, url
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError(f"the site did not start; see {folder / 'serve.log'}")


def upload_rest(url: str, path: Path) -> None:
    """Register a user and upload ``path`` to POST /api/video/upload."""
    with httpx.Client(base_url=url, timeout=UPLOAD_SECONDS) as client:
        account = {"name": "Rest", "email": "rest@example.com", "password": "x" * 12}
        registered = client.post("/register", json=account)
        registered.raise_for_status()
        client.headers["X-CSRF-Token"] = registered.json()["csrf_token"]
        with path.open("rb") as source:
            files = {"file": ("bench.webm", source, "video/webm")}
            response = client.post("/api/video/upload", files=files)
        if response.status_code != 201:
            raise RuntimeError(f"REST upload failed: {response.text}")


def upload_dialog(url: str, path: Path) -> Callable[[], None]:
    """Prepare a logged-in page with the file chosen; return the upload step."""
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
    )
    page = browser.new_context(base_url=url, locale="en-US").new_page()
    account = {"name": "Page", "email": "page@example.com", "password": "x" * 12}
    page.request.post(f"{url}/register", data=account)
    page.goto("/")
    page.get_by_role("button", name="Upload video").click()
    dialog = page.get_by_role("dialog")
    dialog.locator("input[type=file]").set_input_files(path)

    def run() -> None:
        try:
            dialog.get_by_role("button", name="Upload", exact=True).click()
            dialog.get_by_text("Done: the video is uploaded").wait_for(
                timeout=UPLOAD_SECONDS * 1000
            )
        finally:
            browser.close()
            playwright.stop()

    return run


def report(name: str, size: int, seconds: float, growth: int | None = None) -> None:
    rate = size / MIB / seconds
    memory = ""
    if growth is not None:
        memory = f", backend peak RSS growth {growth / MIB:6.1f} MiB"
    print(f"{name:<22} {seconds:7.2f} s  {rate:8.1f} MiB/s{memory}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mib", type=int, default=1024, help="file size in MiB")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)

    with tempfile.TemporaryDirectory(prefix="upload-bench-") as temp:
        folder = Path(temp)
        source = build_file(folder / "source.webm", args.mib)
        size = source.stat().st_size
        started = time.perf_counter()
        shutil.copyfile(source, folder / "copy.webm")
        report("plain file copy", size, time.perf_counter() - started)
        (folder / "copy.webm").unlink()

        server, url = start_site(folder)
        try:
            seconds, growth = measure(lambda: upload_rest(url, source), server.pid)
            report("REST multipart", size, seconds, growth)
            dialog_upload = upload_dialog(url, source)
            seconds, growth = measure(dialog_upload, server.pid)
            report("Reflex dialog upload", size, seconds, growth)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
