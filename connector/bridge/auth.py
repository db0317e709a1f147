"""Password authentication: SCRAM-SHA-256 (RFC 5802, RFC 7677), and md5 and cleartext when allowed.

The server keeps only SCRAM's stored and server keys: PostgreSQL's verifier, never the password (a users file holds
the verifier; a password given on start-up is turned into one at once).

>>> keys = ScramKeys.derive("secret", salt=b"0123456789abcdef", iterations=4096)
>>> exchange = ScramExchange(keys, server_nonce="S")
>>> first = exchange.first(b"n,,n=,r=C")
>>> first.decode()
'r=CS,s=MDEyMzQ1Njc4OWFiY2RlZg==,i=4096'
>>> proof = client_proof("secret", b"n=,r=C", first, b"c=biws,r=CS")
>>> exchange.final(b"c=biws,r=CS,p=" + proof).startswith(b"v=")
True
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

MECHANISM = "SCRAM-SHA-256"
#: PostgreSQL's default (``scram_iterations``); also what an unknown user's made-up verifier claims.
ITERATIONS = 4096


class AuthenticationFailed(Exception):
    """The client did not prove it knows the password."""


def _hmac(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


@dataclass(frozen=True)
class ScramKeys:
    """A SCRAM-SHA-256 verifier: what the server needs to check a password it does not know.

    >>> keys = ScramKeys.derive("secret", salt=b"0123456789abcdef", iterations=4096)
    >>> keys.verifier().split("$")[:2]
    ['SCRAM-SHA-256', '4096:MDEyMzQ1Njc4OWFiY2RlZg==']
    >>> ScramKeys.parse(keys.verifier()) == keys
    True
    >>> keys.matches("secret"), keys.matches("Secret")
    (True, False)
    """

    salt: bytes
    iterations: int
    stored_key: bytes
    server_key: bytes

    @classmethod
    def derive(cls, password: str, salt: bytes | None = None, iterations: int = ITERATIONS) -> ScramKeys:
        salt = salt or secrets.token_bytes(16)
        salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
        stored_key = hashlib.sha256(_hmac(salted, b"Client Key")).digest()
        return cls(salt, iterations, stored_key, _hmac(salted, b"Server Key"))

    @classmethod
    def parse(cls, verifier: str) -> ScramKeys:
        """Read PostgreSQL's ``SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`` (base64 salt and keys)."""
        match = _VERIFIER.fullmatch(verifier.strip())
        if match is None:
            raise ValueError(
                "not a SCRAM-SHA-256 verifier: expected SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey> "
                "(make one with: assets-sql passwd NAME)"
            )
        iterations, salt, stored_key, server_key = match.groups()
        try:
            keys = cls(
                base64.b64decode(salt, validate=True),
                int(iterations),
                base64.b64decode(stored_key, validate=True),
                base64.b64decode(server_key, validate=True),
            )
        except ValueError:
            raise ValueError("the verifier's salt and keys must be base64") from None
        if keys.iterations < 1 or not keys.salt or len(keys.stored_key) != 32 or len(keys.server_key) != 32:
            raise ValueError("the verifier needs 1 or more iterations, a salt, and 32-byte stored and server keys")
        return keys

    def verifier(self) -> str:
        encode = base64.b64encode
        return (
            f"{MECHANISM}${self.iterations}:{encode(self.salt).decode()}"
            f"${encode(self.stored_key).decode()}:{encode(self.server_key).decode()}"
        )

    def matches(self, password: str) -> bool:
        """Whether a password given in clear (``--auth password``) is the one this verifier was made from."""
        derived = ScramKeys.derive(password, self.salt, self.iterations)
        return hmac.compare_digest(derived.stored_key, self.stored_key)


_VERIFIER = re.compile(re.escape(MECHANISM) + r"\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)")


def made_up_keys(secret: bytes, user: str, iterations: int = ITERATIONS) -> ScramKeys:
    """A verifier for a user who does not exist, so that the exchange runs as for one who does and fails only at
    its end. The same name always gets the same salt from one server (as PostgreSQL's mock authentication does):
    a salt that changed between attempts would tell the name is unknown.
    """
    seed = _hmac(secret, user.encode())
    return ScramKeys(seed[:16], iterations, _hmac(seed, b"Stored Key"), _hmac(seed, b"Server Key"))


def _attributes(message: bytes) -> dict[str, str]:
    pairs = {}
    for part in message.decode().split(","):
        if len(part) >= 2 and part[1] == "=":
            pairs[part[0]] = part[2:]
    return pairs


class ScramExchange:
    """The server's side of one SCRAM-SHA-256 exchange."""

    def __init__(self, keys: ScramKeys, server_nonce: str | None = None) -> None:
        self.keys = keys
        self.server_nonce = server_nonce or base64.b64encode(secrets.token_bytes(18)).decode()
        self.client_first_bare = b""
        self.server_first = b""
        self.header = b""

    def first(self, client_first: bytes) -> bytes:
        """The server-first-message answering the client-first-message."""
        try:
            flag, _, rest = client_first.split(b",", 2)
        except ValueError:
            raise AuthenticationFailed("malformed SCRAM client-first-message") from None
        if flag.startswith(b"p"):
            raise AuthenticationFailed("channel binding is not offered by this server")
        self.header = client_first[: len(client_first) - len(rest)]
        self.client_first_bare = rest
        nonce = _attributes(rest).get("r")
        if not nonce:
            raise AuthenticationFailed("SCRAM client-first-message without a nonce")
        salt = base64.b64encode(self.keys.salt).decode()
        self.server_first = f"r={nonce}{self.server_nonce},s={salt},i={self.keys.iterations}".encode()
        self.nonce = nonce + self.server_nonce
        return self.server_first

    def final(self, client_final: bytes) -> bytes:
        """Check the client's proof; the server-final-message (with the server's signature) when it holds."""
        attributes = _attributes(client_final)
        without_proof, _, _ = client_final.rpartition(b",p=")
        if attributes.get("r") != self.nonce or "p" not in attributes:
            raise AuthenticationFailed("SCRAM nonce mismatch")
        if base64.b64decode(attributes.get("c", "")) != self.header:
            raise AuthenticationFailed("SCRAM channel binding mismatch")
        message = self.client_first_bare + b"," + self.server_first + b"," + without_proof
        signature = _hmac(self.keys.stored_key, message)
        try:
            proof = base64.b64decode(attributes["p"], validate=True)
        except ValueError:
            raise AuthenticationFailed("malformed SCRAM proof") from None
        if len(proof) != len(signature):
            raise AuthenticationFailed("password authentication failed")
        client_key = bytes(a ^ b for a, b in zip(proof, signature, strict=True))
        if not hmac.compare_digest(hashlib.sha256(client_key).digest(), self.keys.stored_key):
            raise AuthenticationFailed("password authentication failed")
        return b"v=" + base64.b64encode(_hmac(self.keys.server_key, message))


def client_proof(password: str, client_first_bare: bytes, server_first: bytes, without_proof: bytes) -> bytes:
    """The client's proof (what libpq computes), for tests and doctests."""
    attributes = _attributes(server_first)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(attributes["s"]), int(attributes["i"]))
    client_key = _hmac(salted, b"Client Key")
    message = client_first_bare + b"," + server_first + b"," + without_proof
    signature = _hmac(hashlib.sha256(client_key).digest(), message)
    return base64.b64encode(bytes(a ^ b for a, b in zip(client_key, signature, strict=True)))


def md5_matches(password: str, user: str, salt: bytes, answer: str) -> bool:
    """PostgreSQL's md5 method: 'md5' + md5(md5(password + user) + salt)."""
    inner = hashlib.md5((password + user).encode()).hexdigest()  # noqa: S324 - the protocol's choice, opt-in only
    expected = "md5" + hashlib.md5(inner.encode() + salt).hexdigest()  # noqa: S324
    return hmac.compare_digest(expected, answer)
