#!/usr/bin/env python3
"""Webhook signature cases made by an independent implementation.

Signs Standard Webhooks deliveries with the reference Python library
(`pip install standardwebhooks`) and writes them as JSON, for
tests/webhooks_verify.rs to check against videogen's Verifier. The committed
tests/data/webhook_vectors.json is one run of this script; the test also runs
it afresh (always in CI) with a new random seed.

    python3 tests/data/make_webhook_vectors.py [--seed N] [--out FILE]

Each case: secret, id, timestamp (Unix seconds), body (base64 of the raw
bytes), the webhook-signature header, what a verifier must conclude
("valid" or "no_matching_signature"), and which library call signed it:
"Webhook.sign" (the library's public API, UTF-8 bodies only, since it takes
a str) or "hmac_data" (the library's HMAC over bytes this script joins as
id.timestamp.body, for bodies that are not UTF-8).
"""

import argparse
import base64
import json
import os
import random
import string
import sys
from datetime import datetime, timezone
from importlib.metadata import version

from standardwebhooks.webhooks import Webhook, hmac_data

ALNUM = string.ascii_letters + string.digits


def whsec(key: bytes, padded: bool = True) -> str:
    encoded = base64.b64encode(key).decode()
    return "whsec_" + (encoded if padded else encoded.rstrip("="))


def sign(secret: str, msg_id: str, ts: int, body: bytes) -> tuple[str, str]:
    """The library's `v1,<base64>` signature, and which call made it."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        key = base64.b64decode(secret[len("whsec_"):] + "==")
        mac = hmac_data(key, f"{msg_id}.{ts}.".encode() + body)
        return "v1," + base64.b64encode(mac).decode(), "hmac_data"
    at = datetime.fromtimestamp(ts, tz=timezone.utc)
    return Webhook(secret).sign(msg_id=msg_id, timestamp=at, data=text), "Webhook.sign"


def bodies(rng: random.Random) -> list[tuple[str, bytes]]:
    event = {
        "type": "file.upload.completed",
        "occurredAt": rng.randrange(1_600_000_000, 2_000_000_000),
        "data": {"file": {"fileId": "vg_file_" + "".join(rng.choices(ALNUM, k=20)), "scope": "team"}},
    }
    padding = "".join(rng.choices(ALNUM + " .,:{}[]\"\\", k=2000))
    return [
        ("empty body", b""),
        ("minified JSON event", json.dumps(event, separators=(",", ":")).encode()),
        ("pretty JSON with newlines", json.dumps(event, indent=2).encode()),
        ("unicode text", "caf\u00e9 \u00fcber \u65e5\u672c \U0001F3AC \u200b".encode()),
        ("dots and digits first", b"1674087231.{\"a\":1}.x"),
        ("2 KB JSON", json.dumps({"type": "workflow_run.succeeded", "pad": padding}).encode()),
        ("4 KB random printable text", "".join(rng.choices(string.printable, k=4096)).encode()),
        ("not UTF-8", b"\xff\xfe{\"type\":\"x\"}\xc3\x28" + bytes(rng.randrange(256) for _ in range(64))),
        ("NUL and CR LF", b"{\"a\":\"\x00\"}\r\n"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=int.from_bytes(os.urandom(4), "big"))
    parser.add_argument("--out", help="write here instead of stdout")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    def key(n: int) -> bytes:
        return bytes(rng.randrange(256) for _ in range(n))

    def msg_id() -> str:
        return "msg_" + "".join(rng.choices(ALNUM, k=27))

    cases = []

    def case(name, secret, mid, ts, body, header, expect, signer):
        cases.append({
            "name": name,
            "secret": secret,
            "id": mid,
            "timestamp": ts,
            "body_b64": base64.b64encode(body).decode(),
            "signature": header,
            "expect": expect,
            "signer": signer,
        })

    # Every body under one secret per key size the spec allows (24..64 bytes) and a few beyond.
    for size in (24, 32, 64, 1, 100):
        secret = whsec(key(size))
        for name, body in bodies(rng):
            mid, ts = msg_id(), rng.randrange(1_600_000_000, 2_000_000_000)
            sig, signer = sign(secret, mid, ts, body)
            case(f"{size}-byte key, {name}", secret, mid, ts, body, sig, "valid", signer)

    # Unpadded secrets (key sizes not a multiple of 3), which the library accepts.
    for size in (25, 26):
        padded = whsec(key(size))
        unpadded = padded.rstrip("=")
        mid, ts, body = msg_id(), rng.randrange(1_600_000_000, 2_000_000_000), b'{"type":"file.playback_ready"}'
        sig, signer = sign(padded, mid, ts, body)
        case(f"{size}-byte key without = padding", unpadded, mid, ts, body, sig, "valid", signer)

    # Id shapes other than msg_: a UUID, a long id, punctuation (no '.').
    for mid in ("3f1c2b9a-6c1e-4c59-9b59-2d3c5a7e8f10", "evt_" + "".join(rng.choices(ALNUM, k=200)), "a_b-c~d:e@f"):
        secret, ts, body = whsec(key(32)), rng.randrange(1_600_000_000, 2_000_000_000), b'{"x":true}'
        sig, signer = sign(secret, mid, ts, body)
        case(f"id {mid[:12]}...", secret, mid, ts, body, sig, "valid", signer)

    # Edge timestamps: the epoch, and u32 overflow territory.
    for ts in (0, 1, 4_294_967_296, 99_999_999_999):
        secret, mid, body = whsec(key(32)), msg_id(), b"{}"
        sig, signer = sign(secret, mid, ts, body)
        case(f"timestamp {ts}", secret, mid, ts, body, sig, "valid", signer)

    # Secret rotation: old and new secrets sign the same delivery; each verifies.
    old, new = whsec(key(32)), whsec(key(32))
    mid, ts, body = msg_id(), rng.randrange(1_600_000_000, 2_000_000_000), b'{"type":"tool_execution.succeeded"}'
    (sig_old, signer), (sig_new, _) = sign(old, mid, ts, body), sign(new, mid, ts, body)
    v1a = "v1a," + base64.b64encode(key(64)).decode()
    header = f"{sig_old} {v1a} {sig_new}"
    case("rotation: first of two matches", old, mid, ts, body, header, "valid", signer)
    case("rotation: second of two matches", new, mid, ts, body, header, "valid", signer)
    case("rotation: a third secret matches neither", whsec(key(32)), mid, ts, body, header,
         "no_matching_signature", signer)

    # Signed under another secret, or over other bytes.
    for name, body in bodies(rng)[:4]:
        mid, ts = msg_id(), rng.randrange(1_600_000_000, 2_000_000_000)
        sig, signer = sign(whsec(key(32)), mid, ts, body)
        case(f"other secret, {name}", whsec(key(32)), mid, ts, body, sig, "no_matching_signature", signer)
        secret = whsec(key(32))
        sig, signer = sign(secret, mid, ts, body + b" ")
        case(f"one byte appended, {name}", secret, mid, ts, body, sig, "no_matching_signature", signer)

    out = {
        "origin": "tests/data/make_webhook_vectors.py: signatures by the Standard Webhooks reference Python library",
        "library": "standardwebhooks",
        "library_version": version("standardwebhooks"),
        "python": sys.version.split()[0],
        "seed": args.seed,
        "cases": cases,
    }
    text = json.dumps(out, indent=1) + "\n"
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
