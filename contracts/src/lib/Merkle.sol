// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title Merkle
/// @notice Membership check in the checkpoint tree: leaves padded with zero leaves to a power
/// of two, each node `keccak256(left ‖ right)` (the root the sidechain puts in a checkpoint).
library Merkle {
    /// @param leaf the leaf hash
    /// @param index the leaf's position (block number − checkpoint start)
    /// @param rootHash the checkpoint root
    /// @param proof concatenated 32-byte siblings, bottom-up
    function checkMembership(bytes32 leaf, uint256 index, bytes32 rootHash, bytes memory proof)
        internal
        pure
        returns (bool)
    {
        if (proof.length % 32 != 0) return false;
        uint256 height = proof.length / 32;
        if (height >= 256 || index >= (uint256(1) << height)) return false;
        bytes32 computed = leaf;
        for (uint256 i = 32; i <= proof.length; i += 32) {
            bytes32 sibling;
            assembly {
                sibling := mload(add(proof, i))
            }
            if (index & 1 == 0) {
                computed = _hashPair(computed, sibling);
            } else {
                computed = _hashPair(sibling, computed);
            }
            index >>= 1;
        }
        return computed == rootHash;
    }

    function _hashPair(bytes32 a, bytes32 b) private pure returns (bytes32 h) {
        assembly {
            mstore(0x00, a)
            mstore(0x20, b)
            h := keccak256(0x00, 0x40)
        }
    }
}
