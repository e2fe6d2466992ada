"""RFC 9162 2.1.4 consistency proofs, checked against the RFC's recursive
PROOF/SUBPROOF written out here on the full leaves, and roots recomputed from
the leaves; the generator itself only ever sees the old tree's frontier."""

from __future__ import annotations

import hashlib

import pytest

from audit import merkle

from .test_merkle import mth, sha


def leaves_of(n: int) -> list[bytes]:
    return [f"leaf {i}".encode() for i in range(n)]


def subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) of RFC 9162 2.1.4.1, on raw leaf data."""
    n = len(leaves)
    if m == n:
        return [] if complete else [mth(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return subproof(m, leaves[:k], complete) + [mth(leaves[k:])]
    return subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


def generated(m: int, leaves: list[bytes]) -> list[bytes]:
    """The generator's proof, fed the old tree's frontier and the new leaves only."""
    hashed = [merkle.leaf_hash(x) for x in leaves]
    frontier = merkle.frontier_append([], 0, hashed[:m])
    return merkle.consistency_proof(m, frontier, hashed[m:])


def test_frontier_root_and_append_agree_with_the_recursive_root():
    hashed = [merkle.leaf_hash(x) for x in leaves_of(70)]
    for n in range(0, 71):
        whole = merkle.frontier_append([], 0, hashed[:n])
        assert len(whole) == bin(n).count("1")
        assert merkle.frontier_root(whole) == mth(leaves_of(n))
        for m in (0, n // 3, n // 2, n):
            grown = merkle.frontier_append(
                merkle.frontier_append([], 0, hashed[:m]), m, hashed[m:n]
            )
            assert grown == whole


def test_aligned_blocks_grow_the_tree_as_its_leaves_do():
    """What a worker sends (perfect subtrees, cut where a tree of `m` leaves
    aligns them) grows the frontier exactly as the leaves themselves would."""
    hashed = [merkle.leaf_hash(x) for x in leaves_of(70)]
    for n in range(0, 71):
        for m in range(0, n + 1):
            blocks = merkle.aligned_blocks(hashed[m:n], m)
            assert sum(width for _, width in blocks) == n - m
            old = merkle.frontier_append([], 0, hashed[:m])
            assert merkle.frontier_extend(old, m, blocks) == merkle.frontier_append(
                [], 0, hashed[:n]
            )
    with pytest.raises(ValueError):  # cut for a tree of another size
        merkle.frontier_extend([hashed[0]], 1, merkle.aligned_blocks(hashed[1:5], 0))


def test_frontier_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError):
        merkle.frontier_append([b"x" * 32], 3, [])


@pytest.mark.parametrize("n", range(1, 34))
def test_proofs_equal_the_rfc_definition_and_verify(n):
    leaves = leaves_of(n)
    new_root = mth(leaves)
    for m in range(1, n + 1):
        proof = generated(m, leaves)
        assert proof == ([] if m == n else subproof(m, leaves, True)), (m, n)
        assert merkle.verify_consistency(m, n, mth(leaves[:m]), new_root, proof), (m, n)


def test_known_proof_shapes_from_the_rfc_example():
    # RFC 9162 2.1.5: the tree of 7 leaves d0..d6; nodes named as there.
    d = leaves_of(7)
    a, b, c, dd = (sha(b"\x00" + x) for x in d[:4])
    g = sha(b"\x01" + a + b)
    h = sha(b"\x01" + c + dd)
    k = mth(d[4:6])
    j = sha(b"\x00" + d[6])
    ee = sha(b"\x00" + d[4])
    f = sha(b"\x00" + d[5])
    i = mth(d[4:7])
    assert k == sha(b"\x01" + ee + f) and i == sha(b"\x01" + k + j)
    assert generated(3, d) == [c, dd, g, i]
    assert generated(4, d) == [i]
    assert generated(6, d) == [k, j, sha(b"\x01" + g + h)]


def _flip(b: bytes) -> bytes:
    return bytes([b[0] ^ 1]) + b[1:]


@pytest.mark.parametrize(("m", "n"), [(1, 2), (3, 7), (4, 7), (6, 7), (5, 33), (16, 17), (13, 64)])
def test_an_altered_proof_root_or_size_fails(m, n):
    leaves = leaves_of(n)
    old, new = mth(leaves[:m]), mth(leaves)
    proof = generated(m, leaves)
    assert merkle.verify_consistency(m, n, old, new, proof)
    for i in range(len(proof)):
        altered = list(proof)
        altered[i] = _flip(altered[i])
        assert not merkle.verify_consistency(m, n, old, new, altered), i
    assert not merkle.verify_consistency(m, n, old, new, proof[:-1])
    assert not merkle.verify_consistency(m, n, old, new, [*proof, new])
    assert not merkle.verify_consistency(m, n, _flip(old), new, proof)
    assert not merkle.verify_consistency(m, n, old, _flip(new), proof)
    for m2 in (m - 1, m + 1):
        if 0 < m2 < n:
            assert not merkle.verify_consistency(m2, n, old, new, proof), m2
    # The new size alone is not pinned by the proof: neighbouring sizes can share the
    # path's shape (e.g. 3 -> 7 and 3 -> 8). The signed tree head pins it, and the
    # verifier checks tree_size = previous tree_size + the checkpoint's own size.
    assert not merkle.verify_consistency(m, 2 * n + 1, old, new, proof)
    # A different history: one old leaf changed, the proof of the real one does not carry it.
    forged = [b"forged", *leaves[1:]]
    assert not merkle.verify_consistency(m, n, mth(forged[:m]), new, proof)


def test_the_empty_and_equal_trees():
    root = mth(leaves_of(5))
    assert merkle.verify_consistency(5, 5, root, root, [])
    assert not merkle.verify_consistency(5, 5, root, hashlib.sha256(b"x").digest(), [])
    assert not merkle.verify_consistency(5, 5, root, root, [root])
    assert not merkle.verify_consistency(6, 5, root, root, [])
