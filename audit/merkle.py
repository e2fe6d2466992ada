"""Merkle trees as in RFC 9162 (Certificate Transparency 2.0), section 2.1.

    leaf hash  = SHA-256(0x00 || leaf)
    node hash  = SHA-256(0x01 || left || right)
    MTH(D[n])  = MTH(D[0:k]) and MTH(D[k:n]) joined, k the largest power of two < n

Building the tree bottom-up, pairing neighbours and carrying an unpaired last
node up unchanged, gives exactly the RFC's split; tests check this against the
recursive definition. Standard library only: the standalone bundle verifier
(audit/verify_bundle.py) carries its own copy of the verification half.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _next_level(level: Sequence[bytes]) -> list[bytes]:
    sha = hashlib.sha256
    up = [sha(NODE_PREFIX + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
    if len(level) % 2:
        up.append(level[-1])
    return up


def levels(leaf_hashes: Sequence[bytes]) -> list[list[bytes]]:
    """Every level of the tree, leaves first, the root's level last."""
    tree = [list(leaf_hashes)]
    while len(tree[-1]) > 1:
        tree.append(_next_level(tree[-1]))
    return tree


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH over already hashed leaves (RFC 9162 2.1.1)."""
    if not leaf_hashes:
        return EMPTY_ROOT
    level = list(leaf_hashes)
    while len(level) > 1:
        level = _next_level(level)
    return level[0]


def inclusion_path(tree: list[list[bytes]], index: int) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 2.1.3.1, from the leaf's sibling up to the root's child."""
    size = len(tree[0])
    if not 0 <= index < size:
        raise IndexError(f"leaf {index} is outside a tree of {size}")
    path = []
    for level in tree[:-1]:
        sibling = index ^ 1
        if sibling < len(level):
            path.append(level[sibling])
        index >>= 1
    return path


def verify_inclusion(
    leaf: bytes, index: int, size: int, path: Sequence[bytes], expected_root: bytes
) -> bool:
    """RFC 9162 2.1.3.2: does `path` prove that leaf hash `leaf` sits at `index`?"""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root
