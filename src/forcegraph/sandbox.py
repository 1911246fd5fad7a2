"""Sandbox: take away a process's network, the second line of defence behind the guard.

Oxigraph and rdflib both fetch URLs when a query says SERVICE (and rdflib for an unknown FROM
graph). The guard refuses such queries, but a check can be fooled; a process that answers
queries should be unable to reach the network even then. Two Linux measures, each enough alone:

- a network namespace of its own (`unshare(CLONE_NEWNET)`, as root or in a user namespace): no
  interface but a loopback that is down, so no address, 127.0.0.1 included, can be reached;
- a seccomp filter (libseccomp, through pyseccomp): `socket()` for anything but a local (AF_UNIX)
  socket and `io_uring_setup` fail with EACCES, so no TCP or UDP socket can be made at all.

Both are one-way: the process keeps them until it ends. `confine()` applies what the platform
allows and says which held. What they do not cover: sockets opened before the call (the worker's
pipe to the server is a local socket, on purpose), and reading files the process can already read."""

from __future__ import annotations

import ctypes
import errno
import os
import socket
import sys

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000


def _own_network_namespace() -> bool:
    libc = ctypes.CDLL(None, use_errno=True)
    # As root a new network namespace is enough; otherwise a user namespace makes it allowed.
    flags = CLONE_NEWNET if os.geteuid() == 0 else CLONE_NEWNET | CLONE_NEWUSER
    return libc.unshare(flags) == 0


def _seccomp_no_sockets() -> bool:
    try:
        import pyseccomp as seccomp

        rules = seccomp.SyscallFilter(seccomp.ALLOW)
        rules.add_rule(seccomp.ERRNO(errno.EACCES), "socket", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
        rules.add_rule(seccomp.ERRNO(errno.EACCES), "io_uring_setup")  # io_uring can open sockets too
        rules.load()
    except (ImportError, OSError, RuntimeError, ValueError):
        return False
    return True


def confine(network_namespace: bool = True, seccomp: bool = True) -> dict[str, bool]:
    """Cut this process off the network as far as the platform allows; which measures held.
    (Each measure can be left out, so that a test proves the other holds alone.)"""
    linux = sys.platform.startswith("linux")
    return {"network namespace": linux and network_namespace and _own_network_namespace(),
            "seccomp": linux and seccomp and _seccomp_no_sockets()}
