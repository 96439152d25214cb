// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {RLPReader} from "./RLPReader.sol";

/// @title MerklePatriciaProof
/// @notice Verifies an inclusion proof in an Ethereum Merkle-Patricia trie (e.g. a block's
/// receipt trie, whose keys are `rlp(transactionIndex)`).
/// @dev `proofNodes` is the RLP list of the trie nodes on the path from the root to the leaf,
/// each node given by its full RLP encoding. A node is referenced by its parent either by
/// keccak256 of its encoding (encodings of 32 bytes or more) or inline (shorter encodings);
/// both forms are checked. `path` is the key in the form Polygon's proofs use: a leading
/// 0x00 byte (hex-prefix flag "even, no terminator") followed by the key bytes. Only this
/// canonical form is accepted so that one receipt has exactly one `path`.
library MerklePatriciaProof {
    using RLPReader for RLPReader.Item;

    /// @return true iff `value` is stored under key `path` in the trie with root `root`.
    function verify(bytes memory value, bytes memory path, bytes memory proofNodes, bytes32 root)
        internal
        pure
        returns (bool)
    {
        if (path.length == 0 || path[0] != 0x00) return false;
        uint256 keyLen = (path.length - 1) * 2; // nibbles
        RLPReader.Item[] memory nodes = RLPReader.toItem(proofNodes).toList();
        bytes32 valueHash = keccak256(value);

        // expected reference of the next node: a hash, or (inline) the hash of the embedded encoding
        bytes32 expected = root;
        uint256 keyPos = 0; // nibbles consumed

        for (uint256 i = 0; i < nodes.length; i++) {
            if (nodes[i].rlpHash() != expected) return false;
            RLPReader.Item[] memory node = nodes[i].toList();

            if (node.length == 17) {
                if (keyPos == keyLen) {
                    // value stored at a branch
                    return node[16].payloadHash() == valueHash && !node[16].isList();
                }
                uint8 nibble = _nibble(path, keyPos);
                keyPos += 1;
                RLPReader.Item memory child = node[nibble];
                (bool ok, bytes32 ref) = _childRef(child);
                if (!ok) return false; // empty slot: key absent
                expected = ref;
            } else if (node.length == 2) {
                (bool matched, uint256 newPos, bool isLeaf) = _matchSegment(node[0].toBytes(), path, keyPos, keyLen);
                if (!matched) return false;
                keyPos = newPos;
                if (isLeaf) {
                    if (keyPos != keyLen) return false;
                    return !node[1].isList() && node[1].payloadHash() == valueHash;
                }
                (bool ok, bytes32 ref) = _childRef(node[1]);
                if (!ok) return false;
                expected = ref;
            } else {
                return false;
            }
        }
        return false; // ran out of nodes before reaching the value
    }

    /// @dev Matches the hex-prefix encoded segment of a leaf or extension node against the key
    /// from nibble `keyPos`. Returns whether it matched, the new position, and whether it is a leaf.
    function _matchSegment(bytes memory encodedPath, bytes memory path, uint256 keyPos, uint256 keyLen)
        private
        pure
        returns (bool, uint256, bool)
    {
        if (encodedPath.length == 0) return (false, 0, false);
        uint8 first = uint8(encodedPath[0]);
        uint8 flag = first >> 4;
        if (flag > 3) return (false, 0, false);
        bool odd = (flag & 1) == 1;
        if (!odd && (first & 0x0f) != 0) return (false, 0, false);
        uint256 segLen = (encodedPath.length - 1) * 2 + (odd ? 1 : 0);
        if (keyPos + segLen > keyLen) return (false, 0, false);
        // nibble j of the segment sits after the flag nibble (and the pad nibble when even)
        uint256 skip = odd ? 1 : 2;
        for (uint256 j = 0; j < segLen; j++) {
            if (_nibbleOf(encodedPath, j + skip) != _nibble(path, keyPos + j)) return (false, 0, false);
        }
        return (true, keyPos + segLen, flag >= 2);
    }

    /// @dev Nibble `i` of the key inside `path` (which starts with the 0x00 flag byte).
    function _nibble(bytes memory path, uint256 i) private pure returns (uint8) {
        return _nibbleOf(path, i + 2);
    }

    function _nibbleOf(bytes memory b, uint256 i) private pure returns (uint8) {
        uint8 byt = uint8(b[i / 2]);
        return i % 2 == 0 ? byt >> 4 : byt & 0x0f;
    }

    /// @dev A child reference: a 32-byte hash string, or an inline node (list) whose hash the
    /// next proof node must match. An empty string means "no child".
    function _childRef(RLPReader.Item memory child) private pure returns (bool, bytes32) {
        if (child.isList()) {
            return (true, child.rlpHash());
        }
        (, uint256 len) = child.payload();
        if (len == 32) return (true, child.toBytes32());
        return (false, bytes32(0));
    }
}
