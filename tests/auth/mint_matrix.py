#!/usr/bin/python3
"""Mints the JWT test matrix for nexus_auth (and later the server).

Usage: /usr/bin/python3 mint_matrix.py OUTDIR [--now UNIX]

Needs Debian's python3-jwt and python3-cryptography, so run it with
/usr/bin/python3, not the python3 on PATH. Writes into OUTDIR:

  rs256_{private,public}.pem  a fresh RSA-2048 key pair
  es256_{private,public}.pem  a fresh EC P-256 key pair
  nexus-auth.json             {"auth": {"keys": [...], "issuer", "audience"}}
                              the keys and claim rules to verify with, in
                              the server config's shape
  matrix.json                 [{"name", "token", "expect", "sub"?, "plan"?,
                              "topics"?}]; expect is "accept" or the
                              failure_reason the verifier must report

Valid tokens come from PyJWT, an implementation independent of ours; the
forged ones are assembled by hand.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import secrets
import sys
import time

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature)

ISSUER = "https://auth.nexus.test"
AUDIENCE = "nexus"
MAX_TOKEN_BYTES = 4096


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


def unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_pem(private_key):
    return private_key.public_key().public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo)


def private_pem(private_key):
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())


def write(path, data, mode=0o644):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def es256_raw(private_key, data):
    """A JWS ES256 signature: R || S, 32 bytes each (RFC 7518 §3.4)."""
    r, s = decode_dss_signature(
        private_key.sign(data, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def assemble(header, payload, sign):
    """header and payload are dicts or raw bytes; sign(bytes) -> bytes."""
    head = b64(header if isinstance(header, bytes) else compact(header))
    body = b64(payload if isinstance(payload, bytes) else compact(payload))
    signing_input = (head + "." + body).encode()
    return head + "." + body + "." + b64(sign(signing_input))


def hs256_signer(secret):
    return lambda data: hmac.new(secret, data, hashlib.sha256).digest()


def swap_char(text, index):
    c = text[index]
    return text[:index] + ("B" if c == "A" else "A") + text[index + 1:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir")
    parser.add_argument("--now", type=int, default=int(time.time()))
    args = parser.parse_args()
    now = args.now
    out = os.path.abspath(args.outdir)
    os.makedirs(out, exist_ok=True)

    # Keys: three HS secrets with kids, one without, RSA and EC pairs, and
    # an attacker's EC key the server does not know.
    secret = {alg: secrets.token_urlsafe(32)
              for alg in ("HS256", "HS384", "HS512")}
    kidless_secret = secrets.token_urlsafe(32)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    attacker = ec.generate_private_key(ec.SECP256R1())
    files = {}
    for name, key in (("rs256", rsa_key), ("es256", ec_key)):
        files[name] = os.path.join(out, name + "_public.pem")
        write(files[name], public_pem(key))
        write(os.path.join(out, name + "_private.pem"), private_pem(key),
              0o600)
    kid = {"HS256": "hs256-key", "HS384": "hs384-key", "HS512": "hs512-key",
           "RS256": "rs256-key", "ES256": "es256-key"}
    signing_key = {"HS256": secret["HS256"], "HS384": secret["HS384"],
                   "HS512": secret["HS512"], "RS256": rsa_key,
                   "ES256": ec_key}
    config = {"auth": {
        "keys": [{"kid": kid[a], "alg": a, "secret": secret[a]}
                 for a in ("HS256", "HS384", "HS512")]
        + [{"kid": kid["RS256"], "alg": "RS256",
            "public_key_file": files["rs256"]},
           {"kid": kid["ES256"], "alg": "ES256",
            "public_key_file": files["es256"]},
           {"alg": "HS256", "secret": kidless_secret}],
        "issuer": ISSUER,
        "audience": AUDIENCE,
    }}

    def claims(drop=(), **override):
        c = {"sub": "user-1", "iss": ISSUER, "aud": AUDIENCE,
             "iat": now - 60, "exp": now + 3600}
        c.update(override)
        for name in drop:
            c.pop(name, None)
        return c

    def signed(c, alg="HS256", key_id=None, key=None, headers=None):
        """A PyJWT token; key_id defaults to the alg's kid, "" for none."""
        h = dict(headers or {})
        key_id = kid.get(alg) if key_id is None else key_id
        if key_id:
            h["kid"] = key_id
        return jwt.encode(c, signing_key[alg] if key is None else key,
                          algorithm=alg, headers=h)

    matrix = []

    def add(name, token, expect, c=None):
        entry = {"name": name, "token": token, "expect": expect}
        if expect == "accept":
            entry["sub"] = c["sub"]
            entry["plan"] = c.get("plan", "free")
            if "topics" in c:
                entry["topics"] = c["topics"]
        matrix.append(entry)

    # Valid tokens, one per configured key.
    for alg, plan in (("HS256", None), ("HS384", "pro"), ("HS512", None),
                      ("RS256", "pro"), ("ES256", None)):
        c = claims(sub="user-" + alg.lower())
        if plan:
            c["plan"] = plan
        add(alg.lower() + "_valid", signed(c, alg), "accept", c)
    c = claims(sub="user-no-kid")
    add("no_kid_valid", signed(c, key_id="", key=kidless_secret), "accept", c)
    c = claims(sub="user-enterprise", plan="enterprise")
    add("plan_enterprise", signed(c), "accept", c)
    c = claims(sub="user-free", plan="free")
    add("plan_free_explicit", signed(c), "accept", c)
    c = claims(sub="user-topics", topics=["exec.*", "graph.42.nodes"])
    add("topics", signed(c), "accept", c)
    c = claims(sub="user-no-topics", topics=[])
    add("topics_empty", signed(c), "accept", c)

    # Algorithm pinning.
    body = claims()
    add("alg_none_unsigned", assemble({"alg": "none", "typ": "JWT"}, body,
                                      lambda d: b""), "algorithm_not_allowed")
    add("alg_none_with_kid",
        assemble({"alg": "none", "kid": kid["HS256"]}, body, lambda d: b""),
        "algorithm_not_allowed")
    add("alg_None_mixed_case",
        assemble({"alg": "None"}, body, lambda d: b""),
        "algorithm_not_allowed")
    for name in ("rs256", "es256"):
        with open(files[name], "rb") as f:
            pem = f.read()
        add("hs256_signed_with_%s_public_key" % name,
            assemble({"alg": "HS256", "typ": "JWT",
                      "kid": kid[name.upper()]}, body, hs256_signer(pem)),
            "algorithm_not_allowed")
    add("rs256_under_hs256_kid", signed(body, "RS256", key_id=kid["HS256"]),
        "algorithm_not_allowed")
    add("rs256_without_kid", signed(body, "RS256", key_id=""),
        "algorithm_not_allowed")
    add("hs512_under_hs256_kid",
        signed(body, "HS512", key_id=kid["HS256"], key=secret["HS256"]),
        "algorithm_not_allowed")
    add("ps256_under_rs256_kid", signed(body, "PS256", key_id=kid["RS256"],
                                        key=rsa_key),
        "algorithm_not_allowed")
    # Two alg members: a parser taking the last one would HMAC with the PEM.
    with open(files["rs256"], "rb") as f:
        rs_pem = f.read()
    twice = ('{"alg":"RS256","typ":"JWT","kid":"%s","alg":"HS256"}'
             % kid["RS256"]).encode()
    add("duplicate_alg_member", assemble(twice, body, hs256_signer(rs_pem)),
        "malformed")

    # Required claims and their types.
    add("missing_exp", signed(claims(drop=["exp"])), "missing_claim")
    add("missing_sub", signed(claims(drop=["sub"])), "missing_claim")
    add("empty_sub", signed(claims(sub="")), "invalid_claim")
    add("sub_not_string", signed(claims(sub=42)), "invalid_claim")
    add("exp_not_number", signed(claims(exp="tomorrow")), "invalid_claim")

    # Time, with the default 30 s leeway.
    add("expired_120s_ago", signed(claims(exp=now - 120)), "expired")
    c = claims(sub="user-late", exp=now - 10)
    add("expired_10s_ago_within_leeway", signed(c), "accept", c)
    add("nbf_in_120s", signed(claims(nbf=now + 120)), "not_yet_valid")
    c = claims(sub="user-early", nbf=now + 10)
    add("nbf_in_10s_within_leeway", signed(c), "accept", c)
    add("iat_in_120s", signed(claims(iat=now + 120)), "issued_in_future")
    c = claims(sub="user-skewed", iat=now + 10)
    add("iat_in_10s_within_leeway", signed(c), "accept", c)

    # Issuer and audience.
    add("wrong_aud", signed(claims(aud="someone-else")), "wrong_audience")
    c = claims(sub="user-aud-array", aud=["other", AUDIENCE])
    add("aud_array_with_ours", signed(c), "accept", c)
    add("aud_array_without_ours", signed(claims(aud=["other", "third"])),
        "wrong_audience")
    add("missing_aud", signed(claims(drop=["aud"])), "missing_claim")
    add("wrong_iss", signed(claims(iss="https://evil.test")), "wrong_issuer")
    add("missing_iss", signed(claims(drop=["iss"])), "missing_claim")

    # Plan and topics.
    add("plan_unknown", signed(claims(plan="platinum")), "invalid_claim")
    add("plan_not_string", signed(claims(plan=2)), "invalid_claim")
    add("topics_not_array", signed(claims(topics="exec.*")), "invalid_claim")
    add("topics_not_strings", signed(claims(topics=["exec.*", 7])),
        "invalid_claim")

    # Signatures.
    for alg in ("HS256", "RS256", "ES256"):
        token = signed(claims(), alg)
        head, payload, sig = token.split(".")
        forged = json.loads(unb64(payload))
        forged["sub"] = "admin"
        add("tampered_payload_" + alg.lower(),
            head + "." + b64(compact(forged)) + "." + sig, "bad_signature")
        add("tampered_signature_" + alg.lower(),
            head + "." + payload + "." + swap_char(sig, len(sig) // 2),
            "bad_signature")
    add("hs256_wrong_secret", signed(claims(), key="not-the-secret"),
        "bad_signature")
    token = signed(claims())
    add("signature_stripped", token[:token.rfind(".") + 1], "bad_signature")
    add("es256_der_signature",
        assemble({"alg": "ES256", "typ": "JWT", "kid": kid["ES256"]},
                 claims(),
                 lambda d: ec_key.sign(d, ec.ECDSA(hashes.SHA256()))),
        "bad_signature")
    add("es256_attacker_key", signed(claims(), "ES256", key=attacker),
        "bad_signature")
    es_header = {"alg": "ES256", "typ": "JWT", "kid": kid["ES256"]}
    add("es256_signature_all_zero",
        assemble(es_header, claims(), lambda d: bytes(64)), "bad_signature")
    add("es256_signature_65_bytes",
        assemble(es_header, claims(), lambda d: es256_raw(ec_key, d) + b"\0"),
        "bad_signature")
    rs_header = {"alg": "RS256", "typ": "JWT", "kid": kid["RS256"]}
    add("rs256_signature_truncated",
        assemble(rs_header, claims(),
                 lambda d: rsa_key.sign(d, padding.PKCS1v15(),
                                        hashes.SHA256())[:-1]),
        "bad_signature")
    add("rs256_header_on_pss_signature",
        assemble(rs_header, claims(),
                 lambda d: rsa_key.sign(
                     d, padding.PSS(padding.MGF1(hashes.SHA256()),
                                    padding.PSS.DIGEST_LENGTH),
                     hashes.SHA256())),
        "bad_signature")
    add("es256_hand_signed_valid",
        assemble(es_header, claims(sub="user-es-raw"),
                 lambda d: es256_raw(ec_key, d)),
        "accept", claims(sub="user-es-raw"))
    add("unknown_kid", signed(claims(), key_id="no-such-key"), "unknown_kid")

    # Headers that would let the token pick its own key.
    numbers = attacker.public_key().public_numbers()
    jwk = {"kty": "EC", "crv": "P-256",
           "x": b64(numbers.x.to_bytes(32, "big")),
           "y": b64(numbers.y.to_bytes(32, "big"))}
    for name, value in (("jwk", jwk),
                        ("jku", "https://evil.test/jwks.json"),
                        ("x5u", "https://evil.test/cert.pem")):
        add(name + "_header",
            signed(claims(), "ES256", key=attacker, headers={name: value}),
            "forbidden_header")

    # Size: the limit is inclusive.
    add("oversized", signed(claims(padding="x" * MAX_TOKEN_BYTES)),
        "too_large")
    found = {}
    for pad in range(MAX_TOKEN_BYTES // 2, MAX_TOKEN_BYTES):
        if len(found) == 2:
            break
        for extra in range(4):
            c = claims(sub="user-size" + "z" * extra, padding="p" * pad)
            token = signed(c)
            if len(token) in (MAX_TOKEN_BYTES, MAX_TOKEN_BYTES + 1):
                found.setdefault(len(token), (token, c))
    if len(found) != 2:
        sys.exit("mint_matrix.py: could not hit the size limit exactly")
    token, c = found[MAX_TOKEN_BYTES]
    add("exactly_max_bytes", token, "accept", c)
    add("one_byte_over_max", found[MAX_TOKEN_BYTES + 1][0], "too_large")

    # Shape.
    good = signed(claims())
    head, payload, sig = good.split(".")
    add("empty_token", "", "missing")
    add("malformed_base64", head + ".!!" + payload[2:] + "." + sig,
        "malformed")
    add("base64_padding", head + "." + payload + "==." + sig, "malformed")
    add("standard_base64_alphabet",
        head + "." + payload + "." + sig[:5] + "+" + sig[6:], "malformed")
    add("only_two_parts", head + "." + payload, "malformed")
    add("four_parts", good + "." + sig, "malformed")
    add("header_not_json", b64(b"not json") + "." + payload + "." + sig,
        "malformed")
    add("payload_json_array",
        assemble({"alg": "HS256", "typ": "JWT", "kid": kid["HS256"]},
                 b"[1,2,3]", hs256_signer(secret["HS256"].encode())),
        "malformed")
    add("typ_not_jwt", signed(claims(), headers={"typ": "JWE"}), "malformed")
    add("leading_space", " " + good, "malformed")

    write(os.path.join(out, "matrix.json"),
          json.dumps(matrix, indent=1).encode())
    write(os.path.join(out, "nexus-auth.json"),
          json.dumps(config, indent=2).encode(), 0o600)
    print("mint_matrix.py: %d tokens in %s" % (len(matrix), out))


if __name__ == "__main__":
    main()
