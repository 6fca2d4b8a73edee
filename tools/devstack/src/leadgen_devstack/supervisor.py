"""The stack's supervisor: a detached process (``python -m leadgen_devstack.supervisor
--home DIR``) that starts every server in order, keeps the services running as Kubernetes
would (a dead one is restarted), and stops everything, services first, on SIGTERM.

Progress and failures reach the CLI through run/state.json; its own log is
logs/supervisor.log.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from aiokafka.errors import KafkaError
from leadgen_common.auth import issue_token
from leadgen_common.crypto import Keyring, new_key, new_kid, write_keys_file
from leadgen_common.settings import ServiceSettings

from .bootstrap.topics import create_topics
from .concurrency import all_of
from .config import DevstackSettings
from .envfile import read_env, write_env
from .paths import StatePaths
from .ports import HOST, choose, port_is_free
from .processes import HOME_MARKER, log_tail, write_pid
from .servers.postgres import as_user, initdb, os_user, postgres_spec
from .servers.sandbox import sandbox_spec, sandbox_url
from .servers.services import (
    PII_KEYS_RELOAD_S,
    PII_SERVICES,
    SERVICES,
    origin,
    service_spec,
)
from .servers.spec import ProcessSpec
from .servers.tansu import broker_bin, tansu_spec
from .servers.valkey import redis_url, valkey_spec
from .state import StackState

logger = logging.getLogger("leadgen.supervisor")

INFRA_READY_TIMEOUT_S = 30.0
#: Infra stops after the services, in this order (the broker last: services leave groups).
INFRA_STOP_ORDER = ("sandbox", "valkey", "postgres", "tansu")
#: A process that ran this long before dying restarts without backoff.
STABLE_AFTER_S = 30.0


class StartupError(Exception):
    def __init__(self, name: str, reason: str, log: str = "") -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason
        self.log = log

    def report(self) -> str:
        tail = f"\n--- last lines of its log ---\n{self.log}" if self.log else ""
        return f"{self.name} failed to start: {self.reason}{tail}"


@dataclass
class Running:
    spec: ProcessSpec
    proc: subprocess.Popen[bytes]
    started: float
    crashes: int = 0
    restart_at: float | None = None
    reported_dead: bool = False


class Supervisor:
    def __init__(self, settings: DevstackSettings, paths: StatePaths) -> None:
        self.settings = settings
        self.paths = paths
        self.procs: dict[str, Running] = {}
        self.state = StackState(started_at=time.time())
        self.secrets: dict[str, str] = {}

    # ------------------------------------------------------------ processes
    def _spawn(self, spec: ProcessSpec) -> subprocess.Popen[bytes]:
        env = {**os.environ, **spec.env, HOME_MARKER: str(self.paths.home)}
        env["PYTHONUNBUFFERED"] = "1"
        with self._open_log(spec.name) as log:
            try:
                proc = subprocess.Popen(
                    spec.argv,
                    env=env,
                    cwd=spec.cwd or self.paths.home,  # how `down` recognises its own
                    **as_user(spec.user),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # a Ctrl-C in the caller's terminal is not for us
                )
            except OSError as exc:
                raise StartupError(spec.name, f"cannot execute {spec.argv[0]}: {exc}") from exc
        write_pid(self.paths.pid_file(spec.name), proc.pid)
        return proc

    def start(self, spec: ProcessSpec) -> None:
        fixed = self._fixed_ports().get(spec.name)
        if fixed and not port_is_free(fixed):
            raise StartupError(spec.name, f"port {fixed} on {HOST} is already in use")
        self.procs[spec.name] = Running(spec, self._spawn(spec), time.monotonic())
        self.state.ports[spec.name] = spec.port
        self._save_state()
        logger.info(
            "started %s (pid %d, port %d)", spec.name, self.procs[spec.name].proc.pid, spec.port
        )

    async def wait_ready(self, name: str, within_s: float) -> None:
        run = self.procs[name]
        deadline = time.monotonic() + within_s
        while True:
            code = run.proc.poll()
            if code is not None:
                raise StartupError(name, f"exited with code {code}", self._tail(name))
            if await run.spec.ready():
                logger.info("%s is ready", name)
                return
            if time.monotonic() > deadline:
                raise StartupError(name, f"not ready within {within_s:.0f} s", self._tail(name))
            await asyncio.sleep(0.2)

    async def stop(self, name: str) -> None:
        run = self.procs[name]
        if run.proc.poll() is None:
            run.proc.send_signal(run.spec.stop_signal)
            try:
                await asyncio.to_thread(run.proc.wait, self.settings.stop_grace_s)
            except subprocess.TimeoutExpired:
                logger.warning(
                    "%s ignored %s for %.0f s; killing it",
                    name,
                    signal.Signals(run.spec.stop_signal).name,
                    self.settings.stop_grace_s,
                )
                run.proc.kill()
                await asyncio.to_thread(run.proc.wait)
            logger.info("stopped %s (exit code %s)", name, run.proc.returncode)
        self.paths.pid_file(name).unlink(missing_ok=True)

    async def stop_all(self) -> None:
        self.state.phase = "stopping" if self.state.phase != "failed" else "failed"
        self._save_state()
        await asyncio.gather(*(self.stop(name) for name in self._services()))
        for name in INFRA_STOP_ORDER:
            if name in self.procs:
                await self.stop(name)

    # ------------------------------------------------------------ startup
    async def startup(self) -> None:
        self.secrets = {
            "JWT_SECRET": secrets.token_urlsafe(48),
            "POSTGRES_SUPERUSER_PASSWORD": secrets.token_urlsafe(24),
        }
        write_env(self.paths.secrets, self.secrets, mode=0o600)
        # The key of personal data at rest; `leadgen keys rotate` adds the next one.
        kid = new_kid()
        write_keys_file(self.paths.pii_keys, Keyring(kid, {kid: new_key()}))
        s = self.settings
        # The sandbox needs nothing and takes seconds to build its population: first.
        self.start(sandbox_spec(choose(s.sandbox_port), s.log_level))
        kafka, pg, rds = choose(s.kafka_port), choose(s.postgres_port), choose(s.redis_port)
        try:
            tansu_binary = broker_bin(s.tansu_bin)
        except RuntimeError as exc:
            raise StartupError("tansu", str(exc)) from exc
        self.start(tansu_spec(tansu_binary, kafka))
        self.start(valkey_spec(rds, self.paths.run))
        pg_user = os_user(s.postgres_os_user)
        superuser_pw = self.secrets["POSTGRES_SUPERUSER_PASSWORD"]
        try:
            await asyncio.to_thread(initdb, self.paths.pgdata, pg_user, superuser_pw)
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            raise StartupError("postgres", str(exc)) from exc
        self.start(postgres_spec(self.paths.pgdata, pg, pg_user, superuser_pw))
        # Bootstrap waits for tansu and postgres itself: its imports overlap their start.
        await all_of(
            self._bootstrap(),
            *(self.wait_ready(n, INFRA_READY_TIMEOUT_S) for n in ("tansu", "valkey", "postgres")),
            self.wait_ready("sandbox", s.ready_timeout_s),
        )
        self.secrets = read_env(self.paths.secrets)  # now with the database URLs

        shared = self._service_env(kafka, rds, self.state.ports["sandbox"])
        for service in SERVICES:
            own_db = self.secrets[service.db_url_key].replace("postgresql:", "postgresql+asyncpg:")
            env = {**shared, **self._key_env(service.name), "DATABASE_URL": own_db}
            if service.name == "gateway":
                # The console's "dev login" (demo team, no token to paste): dev stacks only.
                env["CONSOLE_DEV_LOGIN"] = "true"
            for index, name in enumerate(s.replica_names(service.name)):
                port = choose(s.gateway_port if name == "gateway" and index == 0 else 0)
                # Each replica its own traces file (scoring-2.jsonl): no interleaved writes.
                own_env = {**env, **self._trace_env(name)}
                self.start(service_spec(service, port, own_env, name))
        await all_of(*(self.wait_ready(name, s.ready_timeout_s) for name in self._services()))
        self._write_stack_env(kafka, rds)
        self.state.phase, self.state.ready_at = "ready", time.time()
        self._save_state()
        logger.info("stack ready in %.1f s", self.state.ready_at - self.state.started_at)

    async def _bootstrap(self) -> None:
        """Database, migrations, role passwords and topics, in a short-lived child."""
        with self._open_log("bootstrap") as log:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "leadgen_devstack.bootstrap",
                "--home", str(self.paths.home), "--partitions", str(self.settings.partitions),
                stdout=asyncio.subprocess.PIPE, stderr=log, cwd=self.paths.home,
                env={**os.environ, HOME_MARKER: str(self.paths.home)},
            )  # fmt: skip
        try:
            out, _ = await proc.communicate()
        except asyncio.CancelledError:
            proc.kill()
            await proc.wait()
            raise
        if proc.returncode == 0:
            logger.info("database migrated, roles have passwords, topics created")
            return
        lines = out.decode(errors="replace").strip().splitlines()
        try:
            failure = json.loads(lines[-1])
        except (IndexError, json.JSONDecodeError):
            failure = {"server": "bootstrap", "reason": f"exited with code {proc.returncode}"}
        raise StartupError(failure["server"], failure["reason"], self._tail("bootstrap", lines=25))

    def _service_env(self, kafka: int, rds: int, sandbox: int) -> dict[str, str]:
        return {
            "KAFKA_BOOTSTRAP_SERVERS": f"{HOST}:{kafka}",
            "REDIS_URL": redis_url(rds),
            "SANDBOX_URL": sandbox_url(sandbox),
            "JWT_SECRET": self.secrets["JWT_SECRET"],
            "LOG_LEVEL": self.settings.log_level,
        }

    def _key_env(self, service: str) -> dict[str, str]:
        """The personal-data keys, for the services that encrypt or decrypt contact details
        (scoring never sees them)."""
        if service not in PII_SERVICES:
            return {}
        return {
            "PII_KEYS_FILE": str(self.paths.pii_keys),
            "PII_KEYS_RELOAD_S": str(PII_KEYS_RELOAD_S),
        }

    def _trace_env(self, service: str) -> dict[str, str]:
        """TRACES_FILE of ``service`` when the stack records traces (LEADGEN_TRACES_DIR)."""
        if self.settings.traces_dir is None:
            return {}
        return {"TRACES_FILE": str(self.settings.traces_dir.absolute() / f"{service}.jsonl")}

    def _write_stack_env(self, kafka: int, rds: int) -> None:
        ports = self.state.ports
        token_settings = ServiceSettings(jwt_secret=self.secrets["JWT_SECRET"])
        values = {
            "GATEWAY_URL": origin(ports["gateway"]),
            # The web console (dev login on); `leadgen up` prints it with the other URLs.
            "CONSOLE_URL": f"{origin(ports['gateway'])}/console",
            "KAFKA_BOOTSTRAP_SERVERS": f"{HOST}:{kafka}",
            "DATABASE_URL": self.secrets["DATABASE_URL"],  # read-only application role
            "DATABASE_ADMIN_URL": self.secrets["DATABASE_ADMIN_URL"],  # owner
            "REDIS_URL": redis_url(rds),
            "SANDBOX_URL": sandbox_url(ports["sandbox"]),
            "ADMIN_TOKEN": issue_token(token_settings, team="demo", role="admin"),
        }
        for service in SERVICES:
            values[f"{service.env_prefix}_METRICS_URL"] = f"{origin(ports[service.name])}/metrics"
        write_env(self.paths.stack_env, values, mode=0o600)

    # ------------------------------------------------------------ supervision
    async def supervise(self) -> None:
        """Forever: restart dead processes marked ``restart`` (services, postgres, the
        sandbox, the broker; with backoff when they crash-loop); any other dead one (the
        cache) is logged and marks the stack failed."""
        while True:
            now = time.monotonic()
            for name, run in self.procs.items():
                code = run.proc.poll()
                if code is None:
                    continue
                if not run.spec.restart:
                    self._infra_died(name, run, code)
                elif run.restart_at is None:
                    run.crashes = 0 if now - run.started > STABLE_AFTER_S else run.crashes + 1
                    run.restart_at = now + min(0.25 * 2**run.crashes, 10.0)
                    logger.warning("%s died (exit code %s)", name, code)
                elif now >= run.restart_at:
                    run.proc, run.started, run.restart_at = self._spawn(run.spec), now, None
                    logger.warning(
                        "restarted %s (exit code %s) as pid %d", name, code, run.proc.pid
                    )
                    if name == "tansu":
                        await self._after_broker_restart()
            await asyncio.sleep(0.2)

    async def _after_broker_restart(self) -> None:
        """The dev broker keeps everything in memory: a restarted one has no topics, no
        messages and no consumer offsets. Recreate the topics, then restart every service
        so none goes on with a producer or group state from the lost broker. (Apache Kafka
        keeps its log: against it the services simply reconnect.)"""
        logger.warning(
            "tansu keeps topics in memory only: its restart lost every message and offset; "
            "recreating the topics and restarting the services"
        )
        try:
            await self.wait_ready("tansu", INFRA_READY_TIMEOUT_S)
            await create_topics(f"{HOST}:{self.state.ports['tansu']}", self.settings.partitions)
        except (StartupError, KafkaError, OSError) as exc:
            self._infra_died("tansu", self.procs["tansu"], -1)
            logger.error("the restarted broker is unusable: %s", exc)
            return
        services = self._services()
        await asyncio.gather(*(self.stop(name) for name in services))
        for name in services:
            run = self.procs[name]
            run.proc, run.started, run.restart_at = self._spawn(run.spec), time.monotonic(), None
            logger.warning("restarted %s after the broker restart as pid %d", name, run.proc.pid)

    def _infra_died(self, name: str, run: Running, code: int) -> None:
        if run.reported_dead:
            return
        run.reported_dead = True
        message = f"{name} died (exit code {code}); the stack is broken: run `leadgen down`"
        logger.error("%s\n%s", message, self._tail(name))
        self.state.phase, self.state.message = "failed", message
        self._save_state()

    # ------------------------------------------------------------ helpers
    def _services(self) -> list[str]:
        """Every started service process, replicas included, in SERVICES order."""
        return [
            name
            for service in SERVICES
            for name in self.settings.replica_names(service.name)
            if name in self.procs
        ]

    def _fixed_ports(self) -> dict[str, int]:
        s = self.settings
        return {
            "tansu": s.kafka_port,
            "postgres": s.postgres_port,
            "valkey": s.redis_port,
            "sandbox": s.sandbox_port,
            "gateway": s.gateway_port,
        }

    def _open_log(self, name: str) -> BinaryIO:
        return open(self.paths.log_file(name), "ab")  # noqa: SIM115 - callers close it

    def _tail(self, name: str, lines: int = 15) -> str:
        return log_tail(self.paths.log_file(name), lines)

    def _save_state(self) -> None:
        self.state.save(self.paths.state)


async def run(settings: DevstackSettings, paths: StatePaths) -> int:
    supervisor = Supervisor(settings, paths)
    main = asyncio.current_task()
    assert main is not None

    def request_stop(signame: str) -> None:
        # Once only: a second signal must not cancel the orderly stop itself.
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        logger.info("%s received: stopping the stack", signame)
        main.cancel()

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, request_stop, sig.name)
    code = 0
    try:
        await supervisor.startup()
        await supervisor.supervise()
    except asyncio.CancelledError:
        logger.info("stopping")
    except StartupError as err:
        code = _fail(supervisor, err.report())
    except Exception:
        code = _fail(supervisor, f"supervisor error:\n{traceback.format_exc()}")
    finally:
        await supervisor.stop_all()
        paths.pid_file("supervisor").unlink(missing_ok=True)
        logger.info("all processes stopped")
    return code


def _fail(supervisor: Supervisor, message: str) -> int:
    logger.error("%s", message)
    supervisor.state.phase, supervisor.state.message = "failed", message
    supervisor.state.save(supervisor.paths.state)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m leadgen_devstack.supervisor")
    parser.add_argument("--home", type=Path, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per readiness probe
    paths = StatePaths(args.home.absolute())
    write_pid(paths.pid_file("supervisor"), os.getpid())
    settings = DevstackSettings(home=paths.home)
    return asyncio.run(run(settings, paths))


if __name__ == "__main__":
    raise SystemExit(main())
