"""`leadgen keys rotate [--retire]`: a new key for personal data at rest, while the stack runs.

1. A fresh key is added to the stack's keys file (``pii-keys.json``) as the current one;
   the old keys stay, so everything stored still decrypts.
2. The services re-read the file within ``PII_KEYS_RELOAD_S`` (a value naming a key they
   do not know yet makes them look at once); after waiting longer than that, every writer
   encrypts with the new key.
3. lead-writer's rekey job (``python -m leadgen_lead_writer.rekey``) re-encrypts every
   stored contact detail to the new key in batches, against the stack's admin database
   URL, while campaigns go on; it repeats until no stored value names another key.
4. With ``--retire``, once nothing names them, the old keys are removed from the file.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from leadgen_common.crypto import Keyring, write_keys_file

from ..servers.services import PII_KEYS_RELOAD_S
from ._stack import stack_env, stack_paths


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("keys", help="personal-data keys: rotate")
    verbs = parser.add_subparsers(dest="keys_verb", required=True)
    rotate_cmd = verbs.add_parser(
        "rotate", help="add a new current key and re-encrypt stored contact details to it"
    )
    rotate_cmd.add_argument(
        "--retire",
        action="store_true",
        help="remove the old keys once nothing stored names them",
    )
    rotate_cmd.add_argument("--batch-size", type=int, default=500, help="rows per transaction")
    rotate_cmd.add_argument(
        "--settle-s",
        type=float,
        default=PII_KEYS_RELOAD_S * 2 + 0.5,
        help="wait for the services to pick up the new key before re-encrypting",
    )
    rotate_cmd.set_defaults(handler=rotate)


def rotate(args: argparse.Namespace) -> int:
    paths = stack_paths()
    env = stack_env(paths)  # exits with a hint when no stack runs
    old = Keyring.from_json(paths.pii_keys.read_text())
    new = old.rotated()
    write_keys_file(paths.pii_keys, new)
    print(f"new current key {new.current} (kept for reading: {', '.join(sorted(old.keys))})")
    time.sleep(args.settle_s)

    job = subprocess.run(
        [sys.executable, "-m", "leadgen_lead_writer.rekey", "--batch-size", str(args.batch_size)],
        env={
            **os.environ,
            "DATABASE_URL": env["DATABASE_ADMIN_URL"],
            "PII_KEYS_FILE": str(paths.pii_keys),
            "ENVIRONMENT": "dev",
            "LOG_LEVEL": "WARNING",
        },
        check=False,
    )
    if job.returncode != 0:
        print("re-encryption incomplete: the old keys stay in the ring", file=sys.stderr)
        return job.returncode
    if args.retire:
        current = Keyring.from_json(paths.pii_keys.read_text())
        write_keys_file(paths.pii_keys, current.without(old.keys))
        print(f"retired {', '.join(sorted(old.keys))}")
    return 0
