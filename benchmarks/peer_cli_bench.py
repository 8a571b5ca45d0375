"""Publishing from the command line beside a peer (issue #26): `outpost post create --now` against
crosspost (`@humanwhocodes/crosspost` on npm), the Node CLI a scripting creator would use instead.

Both post to the same strict Mastodon fake (tests/contract/fake_mastodon.py, served on loopback by
tests/support/loopback.py) behind a TLS terminator of this script's own — crosspost speaks only
HTTPS. The certificate is made here (a throwaway CA and a leaf for 127.0.0.1, by `cryptography`);
Node trusts it through NODE_EXTRA_CA_CERTS, Outpost through SSL_CERT_FILE pointing at certifi's
bundle plus that CA, so each loads its usual trust store and one certificate more.

Two jobs: a text-only post, and a post with one 1200×800 PNG photo (with camera and GPS EXIF) and
alt text. Each job runs the two programs in turn, A B A B …, one warm-up pair first (Python writes
its bytecode then), then the counted pairs; every run is a whole process, its wall time taken from
outside and its peak RSS and CPU time from the kernel's own accounting (`wait4`, in a small
launcher process; a process's largest waited-for child is included, so a media worker would
count). Ratios are taken pair by pair and their median quoted. At the end the fake is asked what
arrived: every run's post, the photo with its alt text, and from Outpost no GPS.

crosspost is installed once into ~/.cache/outpost-bench/crosspost with `npm install --prefix`
(nothing else from the internet); where npm or node is missing the script says so and exits 0.

The fake knows the API as Outpost uses it; crosspost uses two older spellings real Mastodon still
accepts — `POST /api/v1/media` and a form-encoded `POST /api/v1/statuses` — which the fake's
front door here turns into the fake's own routes (the same checks then apply).

Run: .venv/bin/python benchmarks/peer_cli_bench.py [--pairs N] [--src DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import io
import ipaddress
import json
import os
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path

import certifi
import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from _common import machine  # noqa: E402
from tests.contract.fake_mastodon import BASE, FakeMastodon  # noqa: E402
from tests.support.loopback import LoopbackServer  # noqa: E402

CROSSPOST = "@humanwhocodes/crosspost@1.0.4"  # pinned: a peer's new release is a new baseline
CACHE = Path.home() / ".cache" / "outpost-bench" / "crosspost"
TOKEN = "token-alice"  # the fake's known token
ALT = "Two colour gradients crossing over a green grain: the benchmark's photo"
TARGET = 1.0  # the photo post: at most as slow as crosspost (issue #26)


# -- the peer ---------------------------------------------------------------------------------------


def install_crosspost() -> Path | None:
    """crosspost's CLI script (installed on first use), or None where npm/node are missing."""
    script = CACHE / "node_modules" / "@humanwhocodes" / "crosspost" / "dist" / "bin.js"
    if shutil.which("node") is None or (not script.exists() and shutil.which("npm") is None):
        print(
            "peer_cli_bench: skipped — needs Node.js and npm to install crosspost (apt-get install nodejs npm)."
        )
        return None
    if not script.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        print(f"installing {CROSSPOST} into {CACHE} …", flush=True)
        subprocess.run(
            ["npm", "install", "--prefix", str(CACHE), "--no-audit", "--no-fund", "--silent", CROSSPOST],
            check=True,
        )
    return script


# -- TLS in front of the fake ----------------------------------------------------------------------


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A throwaway CA, and a certificate for 127.0.0.1 it signed: (ca.pem, leaf.pem, leaf.key)."""

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])

    now = datetime.datetime.now(datetime.UTC)
    ca_key, leaf_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("outpost benchmark CA"))
        .issuer_name(name("outpost benchmark CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "leaf.pem", folder / "leaf.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return paths


class TlsTerminator:
    """HTTPS on 127.0.0.1, passed on as plain bytes to `backend_port` (its own thread and loop)."""

    def __init__(self, backend_port: int, cert: Path, key: Path) -> None:
        self._backend = backend_port
        self._context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._context.load_cert_chain(cert, key)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="tls-terminator", daemon=True)
        self.port = 0

    def __enter__(self) -> TlsTerminator:
        self._thread.start()
        server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self._context), self._loop
        ).result()
        self._server = server
        self.port = server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    async def _stop(self) -> None:
        self._server.close()
        piping = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in piping:
            task.cancel()
        await asyncio.gather(*piping, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self._backend)
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer), return_exceptions=True)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(1 << 16):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError):
        pass
    finally:
        with contextlib.suppress(ConnectionError, ssl.SSLError, RuntimeError):
            writer.close()


class Mastodon:
    """The strict fake, with a front door for the two older spellings crosspost sends."""

    def __init__(self) -> None:
        self.fake = FakeMastodon()

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path == "/api/v1/media":
            request = httpx.Request(
                "POST", f"{BASE}/api/v2/media", headers=request.headers, content=request.read()
            )
        elif request.url.path == "/api/v1/statuses" and "multipart/form-data" in request.headers.get(
            "content-type", ""
        ):
            request = _form_to_json(request)
        return self.fake.handle(request)


def _form_to_json(request: httpx.Request) -> httpx.Request:
    """A form-encoded status (crosspost's) as the JSON one the fake reads; media ids comma-joined."""
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode() + request.read()
    )
    fields = {
        p.get_param("name", header="content-disposition"): p.get_content() for p in message.iter_parts()
    }
    body: dict[str, object] = {"status": fields.get("status", "")}
    if fields.get("media_ids[]"):
        body["media_ids"] = str(fields["media_ids[]"]).split(",")
    headers = {
        k: v for k, v in request.headers.items() if k.lower() not in ("content-type", "content-length")
    }
    return httpx.Request("POST", f"{BASE}/api/v1/statuses", headers=headers, json=body)


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[tuple[Mastodon, int, Path]]:
    """The fake behind TLS: (the fake, its HTTPS port, the CA file to trust)."""
    ca, leaf, key = make_certificates(folder)
    mastodon = Mastodon()
    with LoopbackServer(mastodon.handle, origin=BASE) as plain, TlsTerminator(plain.port, leaf, key) as tls:
        yield mastodon, tls.port, ca
    assert plain.errors == [], plain.errors


# -- the runs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One finished process: wall seconds, CPU seconds, peak RSS in MiB."""

    wall: float
    cpu: float
    rss_mib: float


#: Starts one program and reports its wall time and own resource use. It runs in a small process
#: of its own: Linux counts the memory of the process a child was forked from (up to its exec)
#: in the child's peak RSS, and this benchmark's process holds the fake and every upload.
LAUNCHER = """
import json, os, sys, time
with open(sys.argv[1], "wb") as out:
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(out.fileno(), 1)
            os.dup2(out.fileno(), 2)
            os.execve(sys.argv[2], sys.argv[2:], os.environ)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
print(json.dumps([wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, os.waitstatus_to_exitcode(status)]))
"""


def run(command: list[str], env: dict[str, str]) -> Run:
    """Run `command` to its end (from the launcher) and read its resource use; fail loudly if it failed."""
    with tempfile.NamedTemporaryFile() as out:
        launched = subprocess.run(
            [sys.executable, "-I", "-S", "-c", LAUNCHER, out.name, *command],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        wall, cpu, rss_kib, code = json.loads(launched.stdout)
        if code != 0:
            raise SystemExit(f"{command[:4]} … exited {code}:\n{Path(out.name).read_text()}")
    return Run(wall, cpu, rss_kib / 1024)


def photo(path: Path) -> Path:
    """A 1200×800 PNG that looks like a photo to a compressor, with camera and GPS EXIF."""
    gradient = Image.linear_gradient("L").resize((1200, 800))
    grain = Image.effect_noise((1200, 800), 12)
    picture = Image.merge("RGB", (gradient, grain, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    exif = Image.Exif()
    exif[0x010F] = "Benchmark Camera"
    exif.get_ifd(0x8825).update({1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)})
    picture.save(path, format="PNG", exif=exif)
    return path


@dataclass(frozen=True)
class Programs:
    """How to run each program, and where."""

    outpost: list[str]
    outpost_env: dict[str, str]
    crosspost: list[str]
    crosspost_env: dict[str, str]


def programs(tmp: Path, src: Path, script: Path, port: int, ca: Path) -> Programs:
    """Both command lines over the fake at https://127.0.0.1:`port`; Outpost's account added."""
    bundle = tmp / "trust.pem"  # what Outpost trusts by default, plus the benchmark's CA
    bundle.write_bytes(Path(certifi.where()).read_bytes() + ca.read_bytes())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OUTPOST_", "PYTHON"))}
    outpost_env = env | {
        "PYTHONPATH": os.pathsep.join((str(src), str(ROOT))),  # ROOT: the tests' file keyring
        "PYTHON_KEYRING_BACKEND": "tests.support.filekeyring.FileKeyring",
        "OUTPOST_TEST_KEYRING": str(tmp / "keyring.json"),
        "SSL_CERT_FILE": str(bundle),
    }
    installed = Path(sys.executable).with_name("outpost")  # what a shell runs: the installed command
    mine = src == (ROOT / "src").resolve()  # another tree's entry point may differ: run its __main__
    program = (
        [sys.executable, str(installed)] if installed.exists() and mine else [sys.executable, "-m", "outpost"]
    )
    outpost = [*program, "--data-dir", str(tmp / "data"), "--json"]
    added = subprocess.run(
        [
            *outpost,
            "accounts",
            "add",
            "mastodon",
            "--instance",
            f"https://127.0.0.1:{port}",
            "--access-token",
            TOKEN,
        ],
        env=outpost_env,
        capture_output=True,
        text=True,
        check=True,
    )
    account = json.loads(added.stdout)["id"]
    crosspost_env = env | {
        "MASTODON_ACCESS_TOKEN": TOKEN,
        "MASTODON_HOST": f"127.0.0.1:{port}",
        "NODE_EXTRA_CA_CERTS": str(ca),
    }
    return Programs(
        [*outpost, "post", "create", "--account", account, "--now"],
        outpost_env,
        [shutil.which("node") or "node", str(script), "--mastodon"],
        crosspost_env,
    )


def measure(progs: Programs, pairs: int, media: Path | None) -> tuple[list[Run], list[Run]]:
    """`pairs` (Outpost, crosspost) runs after one warm-up pair."""
    counter = iter(range(10_000))

    def outpost() -> Run:
        extra = ["--media", str(media), "--alt", ALT] if media else []
        return run([*progs.outpost, "--text", f"Outpost {next(counter)}", *extra], progs.outpost_env)

    def crosspost() -> Run:
        extra = ["--image", str(media), "--image-alt", ALT] if media else []
        return run([*progs.crosspost, *extra, f"crosspost {next(counter)}"], progs.crosspost_env)

    outpost(), crosspost()
    done = [(outpost(), crosspost()) for _ in range(pairs)]
    return [a for a, _ in done], [b for _, b in done]


# -- the report ------------------------------------------------------------------------------------


def describe(job: str, outposts: list[Run], peers: list[Run]) -> str:
    """One row: each program's median wall time and peak RSS, and the pair-by-pair ratios."""
    walls = sorted(a.wall / b.wall for a, b in zip(outposts, peers, strict=True))
    rss = statistics.median(a.rss_mib / b.rss_mib for a, b in zip(outposts, peers, strict=True))
    cpu = statistics.median(a.cpu / b.cpu for a, b in zip(outposts, peers, strict=True))

    def median(runs: list[Run], what: str) -> float:
        return statistics.median(getattr(r, what) for r in runs)

    return (
        f"| {job} | {median(outposts, 'wall'):.2f} s, {median(outposts, 'rss_mib'):.0f} MiB "
        f"| {median(peers, 'wall'):.2f} s, {median(peers, 'rss_mib'):.0f} MiB "
        f"| **{statistics.median(walls):.2f}×** (pairs {walls[0]:.2f}–{walls[-1]:.2f}×) "
        f"| {rss:.2f}× | {cpu:.2f}× |"
    )


def check_arrivals(mastodon: Mastodon, runs_per_program: int) -> None:
    """Every run posted; each photo post carried the photo and its alt text; Outpost's has no GPS."""
    fake = mastodon.fake
    for program in ("Outpost", "crosspost"):
        statuses = [s for s in fake.statuses if s.text.startswith(program)]
        assert len(statuses) == 2 * runs_per_program, (program, len(statuses))
        with_photo = [s for s in statuses if s.media_ids]
        assert len(with_photo) == runs_per_program, (program, len(with_photo))
        for status in with_photo:
            item = fake.media[status.media_ids[0]]
            assert item["description"] == ALT, item["description"]
            located = bool(Image.open(io.BytesIO(item["bytes"])).getexif().get_ifd(0x8825))
            assert located == (program == "crosspost"), f"{program}: GPS {'kept' if located else 'gone'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=7, help="counted pairs per job (default 7)")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the src/ folder to measure")
    options = parser.parse_args()
    script = install_crosspost()
    if script is None:
        return
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    results = []
    with tempfile.TemporaryDirectory() as folder, serving(Path(folder)) as (mastodon, port, ca):
        tmp = Path(folder)
        progs = programs(tmp, options.src.resolve(), script, port, ca)
        picture = photo(tmp / "photo.png")
        for job, media in (("text-only post", None), ("post with one photo and alt text", picture)):
            results.append((job, *measure(progs, options.pairs, media)))
        check_arrivals(mastodon, options.pairs + 1)
    print(
        f"machine: {machine()}; Node {node}; {CROSSPOST}; {options.pairs} pairs per job; src: {options.src}"
    )
    print("| job | Outpost | crosspost | wall ratio | peak RSS ratio | CPU ratio |")
    print("|---|---|---|---|---|---|")
    for job, outposts, peers in results:
        print(describe(job, outposts, peers))
    photo_ratio = statistics.median(
        a.wall / b.wall for a, b in zip(results[1][1], results[1][2], strict=True)
    )
    verdict = "✅ met" if photo_ratio <= TARGET else "❌ missed"
    print(f"target: the photo post ≤ {TARGET:.1f}× crosspost's wall time — {verdict} ({photo_ratio:.2f}×)")


if __name__ == "__main__":
    main()
