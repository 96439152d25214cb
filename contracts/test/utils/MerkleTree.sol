// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @dev Checkpoint tree in tests: zero leaves up to a power of two, node = keccak(left ‖ right).
library MerkleTree {
    function blockLeaf(uint256 number, uint256 time, bytes32 txRoot, bytes32 receiptRoot)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encodePacked(number, time, txRoot, receiptRoot));
    }

    function _padded(bytes32[] memory leaves) private pure returns (bytes32[] memory layer) {
        uint256 size = 1;
        while (size < leaves.length) size *= 2;
        layer = new bytes32[](size);
        for (uint256 i = 0; i < leaves.length; i++) layer[i] = leaves[i];
    }

    function root(bytes32[] memory leaves) internal pure returns (bytes32) {
        bytes32[] memory layer = _padded(leaves);
        while (layer.length > 1) layer = _up(layer);
        return layer[0];
    }

    function proof(bytes32[] memory leaves, uint256 index) internal pure returns (bytes memory p) {
        bytes32[] memory layer = _padded(leaves);
        while (layer.length > 1) {
            p = bytes.concat(p, layer[index ^ 1]);
            layer = _up(layer);
            index >>= 1;
        }
    }

    function _up(bytes32[] memory layer) private pure returns (bytes32[] memory next) {
        next = new bytes32[](layer.length / 2);
        for (uint256 i = 0; i < next.length; i++) {
            next[i] = keccak256(abi.encodePacked(layer[2 * i], layer[2 * i + 1]));
        }
    }
}
