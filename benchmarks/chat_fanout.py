"""Chat fan-out benchmark: how fast one message reaches N open pages.

Starts the production build with ``scripts/serve`` on a temporary SQLite
database, and a bare Starlette broadcast plus a bare FastAPI + SQLite handler
as baselines. For each client count it connects simulated Reflex pages,
``/ws/stream`` observers and bare WebSocket clients from this process. It
sends messages through REST and through the page's send event. It prints the
delivery latency, the server CPU per delivered update, the payload bytes per
update, the resident memory per client, the missed messages and the rates.

    .venv/bin/python benchmarks/chat_fanout.py --clients 100 500 1000
"""

import argparse
import asyncio
import logging
import sys
import tempfile
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fanout import phases, procstat, report
from fanout.clients import (
    BareClient,
    Receiver,
    ReflexBrowser,
    StreamObserver,
    close_all,
    open_all,
)
from fanout.profile import Profiler, summarize
from fanout.site import Server, User, login_body, start_bare, start_streamchat

logger = logging.getLogger("chat_fanout")

# The page's send handler and its payload, as the chat form fires them.
SEND_EVENT = (
    "reflex___state____state.streamchat___state___auth____auth_state"
    ".streamchat___state___chat____chat_state.send_message"
)
LOGIN_USERS = 20
PHASES = ("rest", "page", "flood", "burst", "logins")
TARGETS = ("reflex", "observers", "bare")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--clients",
        type=int,
        nargs="+",
        default=[100, 500, 1000],
        help="client counts to measure, one round each",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=3700,
        help="port of StreamChat; the bare baseline uses PORT+1",
    )
    parser.add_argument(
        "--messages",
        type=int,
        default=20,
        help="messages sent one at a time per latency phase",
    )
    parser.add_argument(
        "--flood",
        type=int,
        default=100,
        help="messages sent as fast as accepted, for the rate",
    )
    parser.add_argument(
        "--burst", type=int, default=50, help="messages sent within one second"
    )
    parser.add_argument(
        "--login-at",
        type=int,
        default=500,
        help="client count at which 20 logins run during a phase",
    )
    parser.add_argument(
        "--page-event",
        default=SEND_EVENT,
        help="the page's send handler; empty skips the page sends",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="sample the server with py-spy during the reflex flood of the "
        "largest round and print where the time goes",
    )
    parser.add_argument(
        "--phases",
        nargs="+",
        choices=PHASES,
        default=PHASES,
        help="phases to run in each round, in this order: " + ", ".join(PHASES),
    )
    parser.add_argument(
        "--targets",
        nargs="+",
        choices=TARGETS,
        default=TARGETS,
        help="targets to measure in each round",
    )
    parser.add_argument(
        "--rest-seconds",
        type=float,
        default=5.0,
        help="duration of each REST read comparison; 0 skips it",
    )
    return parser.parse_args()


class Run:
    """The servers, users and HTTP client shared by every round."""

    def __init__(
        self, chat: Server, bare: Server, http: httpx.AsyncClient, workdir: Path
    ) -> None:
        self.workdir = workdir
        self.chat = chat
        self.bare = bare
        self.http = http
        self.author = User(chat.url, "fanout_author")
        self.page_user = User(chat.url, "fanout_page")
        self.login_users = [
            User(chat.url, f"fanout_login{i}") for i in range(LOGIN_USERS)
        ]

    def set_up_users(self) -> None:
        with httpx.Client(timeout=60) as client:
            for user in [self.author, self.page_user, *self.login_users]:
                user.register(client)
            self.author.create_token(client)

    async def post_rest(self, text: str) -> None:
        response = await self.http.post(
            f"{self.chat.url}/api/chat/messages",
            json={"text": text},
            headers=self.author.bearer(),
        )
        if response.status_code != 201:
            raise phases.SendFailed(response.status_code)

    async def count_unstored(self, result: phases.PhaseResult) -> None:
        """Count the phase's messages that the database does not hold.

        A lost delivery of a stored message was lost on the way to the
        client; one of an unstored message was never accepted.
        """
        response = await self.http.get(
            f"{self.chat.url}/api/chat/messages", params={"limit": 200}
        )
        response.raise_for_status()
        texts = " ".join(m["text"] for m in response.json()["messages"])
        result.unstored = sum(nonce not in texts for nonce in result.nonces)

    async def post_bare(self, text: str) -> None:
        response = await self.http.post(f"{self.bare.url}/send", json={"text": text})
        if response.status_code != 200:
            raise phases.SendFailed(response.status_code)

    async def log_in_all(self) -> None:
        async def log_in(user: User) -> None:
            response = await self.http.post(
                f"{self.chat.url}/login", json=login_body(user), headers=user.headers
            )
            response.raise_for_status()

        results = await asyncio.gather(
            *(log_in(user) for user in self.login_users), return_exceptions=True
        )
        failed = [r for r in results if isinstance(r, Exception)]
        if failed:
            logger.warning(
                "%d of %d logins failed: %r", len(failed), len(results), failed[0]
            )


async def measure_reflex(run: Run, count: int, args: argparse.Namespace) -> dict:
    pid = run.chat.pid
    before = procstat.resident_bytes(pid)
    clients: list[Receiver] = [ReflexBrowser(run.chat.port) for _ in range(count)]
    page = ReflexBrowser(run.chat.port, cookie=run.page_user.cookie)
    rows: dict = {"connect_s": await open_all(clients)}
    await page.open()
    rows["rss_per_client"] = (procstat.resident_bytes(pid) - before) / count

    async def send_from_page(text: str) -> None:
        await page.send_event(args.page_event, {"form": {"text": text}})

    wanted = args.phases
    try:
        if "rest" in wanted:
            rows["rest"] = await phases.one_at_a_time(
                clients, pid, run.post_rest, args.messages
            )
        if "page" in wanted and args.page_event:
            rows["page"] = await phases.one_at_a_time(
                clients, pid, send_from_page, args.messages
            )
        if "flood" in wanted:
            profiler = None
            if args.profile and count == max(args.clients):
                profiler = Profiler(pid, run.workdir / f"profile-{count}.txt")
                await asyncio.sleep(1.0)  # py-spy attaches to every process first
            rows["flood"] = await phases.flood(
                clients, pid, run.post_rest, args.flood, 4
            )
            if profiler:
                profiler.stop()
                rows["profile"] = summarize(profiler.output)
        if "burst" in wanted:
            rows["burst"] = await phases.paced(
                clients, pid, run.post_rest, args.burst, 1.0
            )
            await run.count_unstored(rows["burst"])
        if "logins" in wanted and count == args.login_at:
            logins = asyncio.create_task(run.log_in_all())
            rows["logins"] = await phases.one_at_a_time(
                clients, pid, run.post_rest, args.messages
            )
            await logins
    finally:
        await close_all([*clients, page])
    return rows


async def measure_plain(
    run: Run,
    server: Server,
    clients: list[Receiver],
    sender: phases.Sender,
    args: argparse.Namespace,
) -> dict:
    before = procstat.resident_bytes(server.pid)
    rows: dict = {"connect_s": await open_all(clients)}
    rows["rss_per_client"] = (procstat.resident_bytes(server.pid) - before) / len(
        clients
    )
    wanted = args.phases
    try:
        if "rest" in wanted:
            rows["rest"] = await phases.one_at_a_time(
                clients, server.pid, sender, args.messages
            )
        if "flood" in wanted:
            rows["flood"] = await phases.flood(
                clients, server.pid, sender, args.flood, 4
            )
        if "burst" in wanted:
            rows["burst"] = await phases.paced(
                clients, server.pid, sender, args.burst, 1.0
            )
    finally:
        await close_all(clients)
    return rows


async def measure_round(run: Run, count: int, args: argparse.Namespace) -> dict:
    logger.info("round of %d clients, load average %s", count, procstat.load_average())
    results: dict = {"load": procstat.load_average()}
    if "reflex" in args.targets:
        results["reflex"] = await measure_reflex(run, count, args)
    if "observers" in args.targets:
        observers: list[Receiver] = [
            StreamObserver(run.chat.port) for _ in range(count)
        ]
        results["observers"] = await measure_plain(
            run, run.chat, observers, run.post_rest, args
        )
    if "bare" in args.targets:
        bare: list[Receiver] = [BareClient(run.bare.port) for _ in range(count)]
        results["bare"] = await measure_plain(run, run.bare, bare, run.post_bare, args)
    for row in report.round_rows(count, results):
        logger.info("%s", row)
    return results


async def compare_rest(run: Run, seconds: float) -> dict:
    path = "/api/chat/messages?limit=50"
    chat_rps, chat_failed = await phases.rest_reads(run.chat.url + path, 50, seconds)
    bare_rps, bare_failed = await phases.rest_reads(run.bare.url + path, 50, seconds)
    return {
        "chat": chat_rps,
        "bare": bare_rps,
        "failed": chat_failed + bare_failed,
        "load": procstat.load_average(),
    }


async def main() -> None:
    args = parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    workdir = Path(tempfile.mkdtemp(prefix="chat-fanout-"))
    logger.info(
        "building and starting StreamChat on port %d (logs in %s)", args.port, workdir
    )
    chat = start_streamchat(args.port, workdir, {})
    bare = start_bare(args.port + 1, workdir)
    limits = httpx.Limits(max_connections=100)
    try:
        async with httpx.AsyncClient(timeout=15, limits=limits) as http:
            run = Run(chat, bare, http, workdir)
            await asyncio.to_thread(run.set_up_users)
            for _ in range(60):  # history, so REST reads return full pages
                await run.post_rest("Earlier message")
            # First, while no listener or socket of a round is still closing.
            rest = None
            if args.rest_seconds > 0:
                rest = await compare_rest(run, args.rest_seconds)
            rounds = {
                count: await measure_round(run, count, args) for count in args.clients
            }
    finally:
        chat.stop()
        bare.stop()
    print(report.render(rounds, rest, args))
    for count, results in rounds.items():
        if "profile" in results["reflex"]:
            print(f"\nWhere the server's time goes, page flood, {count} clients:")
            print(results["reflex"]["profile"])


if __name__ == "__main__":
    asyncio.run(main())
