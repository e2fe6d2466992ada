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


# -- growing trees and consistency proofs (RFC 9162 2.1.4) ----------------------------
#
# A tree of `size` leaves is summarised by its *frontier*: the roots of the perfect
# subtrees that its size's binary digits cut it into, largest (leftmost) first. The
# frontier is enough to append leaves, to compute the root, and to prove consistency
# with any larger tree: every node a proof needs lies either wholly among the old
# leaves (and is then built from frontier nodes) or wholly among the new ones.


def _spans(size: int) -> list[tuple[int, int]]:
    """[start, end) of each frontier node of a tree of `size` leaves, left to right."""
    spans, start = [], 0
    for bit in range(size.bit_length() - 1, -1, -1):
        if size >> bit & 1:
            spans.append((start, start + (1 << bit)))
            start += 1 << bit
    return spans


def frontier_root(frontier: Sequence[bytes]) -> bytes:
    """MTH of the tree the frontier summarises (its nodes folded from the right)."""
    if not frontier:
        return EMPTY_ROOT
    r = frontier[-1]
    for node in reversed(frontier[:-1]):
        r = node_hash(node, r)
    return r


def frontier_append(frontier: Sequence[bytes], size: int, leaf_hashes: Sequence[bytes]) -> list:
    """The frontier after appending `leaf_hashes` to a tree of `size` leaves."""
    if len(frontier) != bin(size).count("1"):
        raise ValueError(f"a frontier of {len(frontier)} nodes cannot summarise {size} leaves")
    stack = [(node, hi - lo) for node, (lo, hi) in zip(frontier, _spans(size), strict=True)]
    for leaf in leaf_hashes:
        node, width = leaf, 1
        while stack and stack[-1][1] == width:
            left, _ = stack.pop()
            node, width = node_hash(left, node), width * 2
        stack.append((node, width))
    return [node for node, _ in stack]


def aligned_blocks(leaf_hashes: Sequence[bytes], offset: int) -> list[tuple[bytes, int]]:
    """(root, width) of the perfect subtrees `leaf_hashes` fill when appended to a
    tree of `offset` leaves, left to right: each as wide as its start's alignment
    and the leaves left allow. Independent of the old tree's nodes, so the work of
    appending can be done apart from the tree (frontier_extend joins them)."""
    blocks, i, n, position = [], 0, len(leaf_hashes), offset
    while i < n:
        width = position & -position or 1 << n.bit_length()
        while width > n - i:
            width >>= 1
        blocks.append((root(leaf_hashes[i : i + width]), width))
        i, position = i + width, position + width
    return blocks


def frontier_extend(
    frontier: Sequence[bytes], size: int, blocks: Sequence[tuple[bytes, int]]
) -> list[bytes]:
    """The frontier after appending `blocks` (aligned_blocks(leaves, size)) to a
    tree of `size` leaves: frontier_append(frontier, size, leaves), in log time."""
    if len(frontier) != bin(size).count("1"):
        raise ValueError(f"a frontier of {len(frontier)} nodes cannot summarise {size} leaves")
    stack = [(node, hi - lo) for node, (lo, hi) in zip(frontier, _spans(size), strict=True)]
    for node, width in blocks:
        if size % width:
            raise ValueError(f"a block of {width} leaves cannot start at {size}")
        size += width
        while stack and stack[-1][1] == width:
            left, _ = stack.pop()
            node, width = node_hash(left, node), width * 2
        stack.append((node, width))
    return [node for node, _ in stack]


def _subtree(lo: int, hi: int, old: int, frontier: Sequence[bytes], new: Sequence[bytes]) -> bytes:
    """MTH(D[lo:hi]) from the old tree's frontier (hi <= old) or the new leaves (lo >= old)."""
    if lo >= old:
        return root(new[lo - old : hi - old])
    if hi > old:
        raise ValueError(f"[{lo}, {hi}) straddles the old tree's end {old}")
    nodes = [n for n, (a, b) in zip(frontier, _spans(old), strict=True) if lo <= a and b <= hi]
    covered = [(a, b) for a, b in _spans(old) if lo <= a and b <= hi]
    if not covered or covered[0][0] != lo or covered[-1][1] != hi:
        raise ValueError(f"[{lo}, {hi}) is not made of frontier nodes of {old}")
    return frontier_root(nodes)


def consistency_proof(
    old_size: int, frontier: Sequence[bytes], new_leaves: Sequence[bytes]
) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162 2.1.4.1, m = old_size, n = m + len(new_leaves).

    Needs only the old tree's frontier and the appended leaves, never the old leaves.
    """
    m, n = old_size, old_size + len(new_leaves)
    if not 0 < m <= n:
        return []  # nothing to prove from an empty tree (RFC: 0 < m < n)
    proof: list[bytes] = []

    def subproof(lo: int, hi: int, m: int, complete: bool) -> None:
        # SUBPROOF(m, D[lo:hi], b) with m counted from lo.
        size = hi - lo
        if m == size:
            if not complete:
                proof.append(_subtree(lo, hi, old_size, frontier, new_leaves))
            return
        k = 1 << ((size - 1).bit_length() - 1)  # the largest power of two < size
        if m <= k:
            subproof(lo, lo + k, m, complete)
            proof.append(_subtree(lo + k, hi, old_size, frontier, new_leaves))
        else:
            subproof(lo + k, hi, m - k, False)
            proof.append(_subtree(lo, lo + k, old_size, frontier, new_leaves))

    if m < n:
        subproof(0, n, m, True)
    return proof


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 2.1.4.2: does `proof` show the tree of old_size is a prefix of new_size's?"""
    if not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof  # the empty tree is a prefix of every tree
    proof = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is itself a node
        proof.insert(0, old_root)
    if not proof:
        return False
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
