#!/usr/bin/python3
"""Prints HS256 JWTs for integration tests, one per line.

Usage: /usr/bin/python3 mint_tokens.py SECRET N [--sub SUB | --sub-prefix P]
                                       [--plan PLAN] [--exp-in S]
                                       [--alg HS256|HS384|HS512]

Every token has sub, iat (now), exp (now + S, default 3600) and a distinct
jti, so N tokens are N distinct strings even for one --sub. Without --sub
the subjects are P0, P1, ... (P defaults to "user"). --plan adds the plan
claim. Needs Debian's python3-jwt (PyJWT): run it with /usr/bin/python3.
PyJWT is independent of the server's own signer, which is the point.
"""

import argparse
import sys
import time
import uuid

import jwt


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("secret")
    parser.add_argument("count", type=int)
    parser.add_argument("--sub")
    parser.add_argument("--sub-prefix", default="user")
    parser.add_argument("--plan")
    parser.add_argument("--exp-in", type=int, default=3600)
    parser.add_argument("--alg", default="HS256",
                        choices=("HS256", "HS384", "HS512"))
    args = parser.parse_args()
    if args.count < 0 or args.count > 1000000:
        sys.exit("mint_tokens.py: N must be 0..1000000")
    now = int(time.time())
    out = []
    for i in range(args.count):
        claims = {
            "sub": args.sub if args.sub is not None
            else "%s%d" % (args.sub_prefix, i),
            "iat": now,
            "exp": now + args.exp_in,
            "jti": uuid.uuid4().hex,
        }
        if args.plan is not None:
            claims["plan"] = args.plan
        out.append(jwt.encode(claims, args.secret, algorithm=args.alg))
    sys.stdout.write("".join(t + "\n" for t in out))


if __name__ == "__main__":
    main()
