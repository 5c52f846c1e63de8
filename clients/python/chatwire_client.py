#!/usr/bin/python3
"""A short Chatwire client in Python over gRPC (h2c): login, user status, one event stream, logout.

Generate the bindings first (see docs/python.md), then:
    PYTHONPATH=/tmp/chatwire-py/python /usr/bin/python3 clients/python/chatwire_client.py \
        --url 127.0.0.1:8080 --sdk-app-id 1400000000 --secret-key <key> --user alice [--peer bob]

With --peer, a second user logs in too; --user subscribes to it and waits on its event stream until the peer's
status change arrives. Prints one line per step; exits non-zero on any failure.
"""
import argparse
import base64
import hashlib
import hmac
import json
import sys
import time
import zlib

import grpc
from google.protobuf import any_pb2

from chatwire.v1 import error_code_pb2, event_pb2, event_pb2_grpc, session_pb2, session_pb2_grpc
from chatwire.v1 import types_pb2, user_status_pb2, user_status_pb2_grpc

TIMEOUT_S = 10  # every call's deadline, so a missing event fails the run instead of hanging it


def gen_user_sig(sdk_app_id: int, secret_key: str, user_id: str, expire: int = 86400) -> str:
    """tls-sig-api-v2's genUserSig: HMAC-SHA256 with the key *string*, zlib, base64 with + / = -> * - _."""
    now = int(time.time())
    signed = f"TLS.identifier:{user_id}\nTLS.sdkappid:{sdk_app_id}\nTLS.time:{now}\nTLS.expire:{expire}\n"
    sig = base64.b64encode(hmac.new(secret_key.encode(), signed.encode(), hashlib.sha256).digest()).decode()
    doc = {"TLS.ver": "2.0", "TLS.identifier": user_id, "TLS.sdkappid": sdk_app_id,
           "TLS.time": now, "TLS.expire": expire, "TLS.sig": sig}  # this key order, compact, like JSON.stringify
    packed = zlib.compress(json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode())
    return base64.b64encode(packed).decode().translate(str.maketrans("+/=", "*-_"))


def _varint(buf: bytes, i: int):
    value = shift = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return value, i


def chatwire_code(err: grpc.RpcError):
    """The chatwire.v1.ErrorDetail code in the grpc-status-details-bin trailer (a google.rpc.Status).

    Debian ships no google.rpc bindings, so the Status is read by hand: its field 3 holds google.protobuf.Any details.
    """
    for key, value in err.trailing_metadata() or ():
        if key != "grpc-status-details-bin":
            continue
        i = 0
        while i < len(value):
            tag, i = _varint(value, i)
            if tag & 7 == 0:  # varint: field 1, the status code
                _, i = _varint(value, i)
                continue
            size, i = _varint(value, i)  # length-delimited: field 2 message, field 3 details
            field, i = value[i:i + size], i + size
            if tag >> 3 == 3:
                detail, any_msg = error_code_pb2.ErrorDetail(), any_pb2.Any.FromString(field)
                if any_msg.Unpack(detail):
                    return detail.code
    return None


def describe(err: grpc.RpcError) -> str:
    return f"{err.code().name}: {err.details()} (chatwire code {chatwire_code(err)})"


def status_line(s: user_status_pb2.UserStatus) -> str:
    kind = types_pb2.UserStatusType.Name(s.status_type)
    return f"{s.user_id} {kind} custom={s.custom_status!r} devices={len(s.devices)}"


def print_events(frame: event_pb2.StreamEventsResponse) -> list:
    """Prints a frame's events; returns the user statuses they carry."""
    statuses = []
    for event in frame.events:
        kind = event.WhichOneof("payload")
        print(f"event {event.sequence}: {kind}")
        if kind == "user_status_updated":
            statuses.extend(event.user_status_updated.user_status_list)
    return statuses


class Session:
    """One logged-in user: its token as call metadata and the stubs it calls."""

    def __init__(self, channel: grpc.Channel, args, user_id: str):
        self.user_id = user_id
        self.sessions = session_pb2_grpc.SessionServiceStub(channel)
        self.status = user_status_pb2_grpc.UserStatusServiceStub(channel)
        self.events = event_pb2_grpc.EventServiceStub(channel)
        sig = gen_user_sig(args.sdk_app_id, args.secret_key, user_id)
        login = self.sessions.Login(session_pb2.LoginRequest(user_id=user_id, user_sig=sig, platform="python"),
                                    timeout=TIMEOUT_S)
        self.login = login
        self.auth = (("authorization", "Bearer " + login.session_token),)
        print(f"login {user_id}: device={login.device_id} status={types_pb2.UserStatusType.Name(login.status_type)}"
              f" event_sequence={login.event_sequence}")

    def call(self, method, request):
        return method(request, metadata=self.auth, timeout=TIMEOUT_S)

    def logout(self):
        self.call(self.sessions.Logout, session_pb2.LogoutRequest())
        print(f"logout {self.user_id}: ok")


def run(args) -> None:
    channel = grpc.insecure_channel(args.url.removeprefix("http://"))
    me = Session(channel, args, args.user)
    peer = Session(channel, args, args.peer) if args.peer else None

    status = me.call(me.status.SetSelfStatus, user_status_pb2.SetSelfStatusRequest(custom_status="hello from python"))
    print("set self status:", status_line(status.status))

    ids = [args.user] + ([args.peer] if peer else [])
    got = me.call(me.status.GetUserStatus, user_status_pb2.GetUserStatusRequest(user_id_list=ids))
    for s in got.success_user_list:
        print("get user status:", status_line(s))
    for f in got.failure_user_list:
        print(f"get user status failed: {f.user_id} code={f.code}")

    if peer:
        sub = me.call(me.status.SubscribeUserStatus, user_status_pb2.SubscribeUserStatusRequest(user_id_list=[args.peer]))
        if sub.failure_user_list:
            raise RuntimeError(f"subscribe failed: {sub.failure_user_list}")
        print("subscribe:", ", ".join(status_line(s) for s in sub.user_status_list))

    stream = me.events.StreamEvents(event_pb2.StreamEventsRequest(after_sequence=me.login.event_sequence),
                                    metadata=me.auth, timeout=TIMEOUT_S)
    first = next(stream)  # the server's first frame says the stream is open (and replays what followed login)
    print(f"stream open: keepalive_ms={first.keepalive_ms}")
    print_events(first)
    if peer:
        peer.call(peer.status.SetSelfStatus, user_status_pb2.SetSelfStatusRequest(custom_status="busy"))
        seen = None
        for frame in stream:  # read frames until the peer's change arrives (the deadline bounds the wait)
            seen = next((s for s in print_events(frame) if s.user_id == args.peer and s.custom_status == "busy"), None)
            if seen:
                break
        if not seen:
            raise RuntimeError("the stream ended before the peer's status change")
        print("peer status event:", status_line(seen))
        peer.logout()
    stream.cancel()

    if peer:
        me.call(me.status.UnsubscribeUserStatus, user_status_pb2.UnsubscribeUserStatusRequest(user_id_list=[args.peer]))
        print("unsubscribe: ok")
    me.logout()

    # Failures the protocol reports: a token after logout, and a UserSig signed with the wrong key.
    try:
        me.call(me.status.GetUserStatus, user_status_pb2.GetUserStatusRequest(user_id_list=[args.user]))
        raise RuntimeError("a call after logout succeeded")
    except grpc.RpcError as err:
        print("after logout:", describe(err))
    wrong = gen_user_sig(args.sdk_app_id, args.secret_key[::-1] + "x", args.user)
    try:
        me.sessions.Login(session_pb2.LoginRequest(user_id=args.user, user_sig=wrong), timeout=TIMEOUT_S)
        raise RuntimeError("login with a wrong secret key succeeded")
    except grpc.RpcError as err:
        print("wrong secret key:", describe(err))
        if err.code() != grpc.StatusCode.UNAUTHENTICATED:
            raise
    channel.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="host:port of the Chatwire server (http:// is stripped)")
    parser.add_argument("--sdk-app-id", type=int, required=True)
    parser.add_argument("--secret-key", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--peer", help="a second user to subscribe to and watch on the event stream")
    try:
        run(parser.parse_args())
    except grpc.RpcError as err:
        print("FAILED:", describe(err), file=sys.stderr)
        return 1
    except Exception as err:  # noqa: BLE001 - any failure is a non-zero exit
        print("FAILED:", repr(err), file=sys.stderr)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
