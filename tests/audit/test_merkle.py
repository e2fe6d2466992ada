"""RFC 9162 Merkle trees: the tree hash, audit paths and their verification,
against the RFC's recursive definitions written out here with hashlib alone."""

import hashlib

import pytest

from audit import merkle


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def mth(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) of RFC 9162 2.1.1, recursively, on raw leaf data."""
    n = len(leaves)
    if n == 0:
        return sha(b"")
    if n == 1:
        return sha(b"\x00" + leaves[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return sha(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def path(m: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 2.1.3.1, recursively."""
    n = len(leaves)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


LEAVES = [bytes([i]) * (i % 5 + 1) for i in range(40)]
# MTH of the first 7 LEAVES, computed once with the recursive definition above.
GOLDEN_ROOT_7 = "c8ea299fb409f71d449519b83b4eba1518b0cb1253e7973241770d666a9b27cd"


def test_leaf_and_node_prefixes_are_distinct():
    assert merkle.leaf_hash(b"x") == sha(b"\x00x")
    assert merkle.node_hash(b"a", b"b") == sha(b"\x01ab")
    assert merkle.root([]) == sha(b"")


@pytest.mark.parametrize("n", range(1, 41))
def test_root_follows_the_rfc_split(n):
    leaves = LEAVES[:n]
    assert merkle.root([merkle.leaf_hash(x) for x in leaves]) == mth(leaves)


def test_golden_root_is_pinned():
    assert mth(LEAVES[:7]).hex() == GOLDEN_ROOT_7
    assert merkle.root([merkle.leaf_hash(x) for x in LEAVES[:7]]).hex() == GOLDEN_ROOT_7


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16, 17, 31, 40])
def test_every_audit_path_matches_the_rfc_and_verifies(n):
    leaves = LEAVES[:n]
    hashed = [merkle.leaf_hash(x) for x in leaves]
    tree = merkle.levels(hashed)
    root = mth(leaves)
    for m in range(n):
        proof = merkle.inclusion_path(tree, m)
        assert proof == path(m, leaves)
        assert merkle.verify_inclusion(hashed[m], m, n, proof, root)


@pytest.mark.parametrize("n", [2, 3, 5, 8, 11])
def test_wrong_proofs_fail(n):
    hashed = [merkle.leaf_hash(x) for x in LEAVES[:n]]
    tree = merkle.levels(hashed)
    root = merkle.root(hashed)
    for m in range(n):
        proof = merkle.inclusion_path(tree, m)
        other = (m + 1) % n
        assert not merkle.verify_inclusion(hashed[other], m, n, proof, root)
        assert not merkle.verify_inclusion(hashed[m], n, n, proof, root)
        if proof:
            assert not merkle.verify_inclusion(hashed[m], m, n, proof[:-1], root)
            bent = [bytes(32), *proof[1:]]
            assert not merkle.verify_inclusion(hashed[m], m, n, bent, root)
        assert not merkle.verify_inclusion(hashed[m], m, n, [*proof, bytes(32)], root)


def test_standalone_verifier_agrees():
    from audit import verify_bundle

    for n in (1, 6, 13):
        hashed = [merkle.leaf_hash(x) for x in LEAVES[:n]]
        tree, root = merkle.levels(hashed), merkle.root(hashed)
        for m in range(n):
            proof = merkle.inclusion_path(tree, m)
            assert verify_bundle.inclusion_ok(hashed[m], m, n, proof, root)
            assert not verify_bundle.inclusion_ok(hashed[m], m, n, proof, bytes(32))
