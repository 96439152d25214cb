// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title RLPReader
/// @notice Zero-copy reader for Recursive Length Prefix data held in memory.
/// Every decode validates that the item lies inside its parent (no out-of-bounds reads)
/// and that the length prefixes are consistent; malformed input reverts.
library RLPReader {
    error RLPMalformed();

    /// A view into memory: `memPtr` points at the item's first byte (its prefix).
    struct Item {
        uint256 len; // full length including the prefix
        uint256 memPtr;
    }

    function toItem(bytes memory data) internal pure returns (Item memory item) {
        uint256 ptr;
        assembly {
            ptr := add(data, 0x20)
        }
        if (data.length == 0) revert RLPMalformed();
        (uint256 offset, uint256 payloadLen) = _decodeLength(ptr, data.length);
        if (offset + payloadLen != data.length) revert RLPMalformed();
        item = Item(data.length, ptr);
    }

    /// @notice The single item that fills `data` from byte `offset` to the end.
    function toItemAt(bytes memory data, uint256 offset) internal pure returns (Item memory item) {
        if (offset >= data.length) revert RLPMalformed();
        uint256 ptr;
        assembly {
            ptr := add(add(data, 0x20), offset)
        }
        uint256 len = data.length - offset;
        (uint256 o, uint256 payloadLen) = _decodeLength(ptr, len);
        if (o + payloadLen != len) revert RLPMalformed();
        item = Item(len, ptr);
    }

    function isList(Item memory item) internal pure returns (bool) {
        if (item.len == 0) return false;
        uint8 b0;
        uint256 p = item.memPtr;
        assembly {
            b0 := byte(0, mload(p))
        }
        return b0 >= 0xc0;
    }

    /// @notice The children of a list item.
    function toList(Item memory item) internal pure returns (Item[] memory result) {
        if (!isList(item)) revert RLPMalformed();
        (uint256 offset, uint256 payloadLen) = _decodeLength(item.memPtr, item.len);
        uint256 count = 0;
        uint256 ptr = item.memPtr + offset;
        uint256 end = ptr + payloadLen;
        while (ptr < end) {
            (uint256 o, uint256 l) = _decodeLength(ptr, end - ptr);
            ptr += o + l;
            count++;
        }
        if (ptr != end) revert RLPMalformed();
        result = new Item[](count);
        ptr = item.memPtr + offset;
        for (uint256 i = 0; i < count; i++) {
            (uint256 o, uint256 l) = _decodeLength(ptr, end - ptr);
            result[i] = Item(o + l, ptr);
            ptr += o + l;
        }
    }

    /// @notice The payload location (after the prefix).
    function payload(Item memory item) internal pure returns (uint256 ptr, uint256 len) {
        (uint256 offset, uint256 payloadLen) = _decodeLength(item.memPtr, item.len);
        return (item.memPtr + offset, payloadLen);
    }

    /// @notice The item's full encoding (prefix included), copied.
    function toRlpBytes(Item memory item) internal pure returns (bytes memory) {
        return _copy(item.memPtr, item.len);
    }

    /// @notice The payload of a string item, copied.
    function toBytes(Item memory item) internal pure returns (bytes memory) {
        if (isList(item)) revert RLPMalformed();
        (uint256 ptr, uint256 len) = payload(item);
        return _copy(ptr, len);
    }

    /// @notice keccak256 of the full encoding.
    function rlpHash(Item memory item) internal pure returns (bytes32 h) {
        uint256 ptr = item.memPtr;
        uint256 len = item.len;
        assembly {
            h := keccak256(ptr, len)
        }
    }

    /// @notice keccak256 of the payload.
    function payloadHash(Item memory item) internal pure returns (bytes32 h) {
        (uint256 ptr, uint256 len) = payload(item);
        assembly {
            h := keccak256(ptr, len)
        }
    }

    /// @notice A big-endian unsigned integer of at most 32 bytes.
    function toUint(Item memory item) internal pure returns (uint256 result) {
        if (isList(item)) revert RLPMalformed();
        (uint256 ptr, uint256 len) = payload(item);
        if (len > 32) revert RLPMalformed();
        if (len == 0) return 0;
        assembly {
            result := shr(mul(8, sub(32, len)), mload(ptr))
        }
    }

    function toAddress(Item memory item) internal pure returns (address) {
        if (isList(item)) revert RLPMalformed();
        (, uint256 len) = payload(item);
        if (len != 20) revert RLPMalformed();
        return address(uint160(toUint(item)));
    }

    /// @notice A 32-byte string as bytes32 (e.g. a topic or a hash).
    function toBytes32(Item memory item) internal pure returns (bytes32 result) {
        if (isList(item)) revert RLPMalformed();
        (uint256 ptr, uint256 len) = payload(item);
        if (len != 32) revert RLPMalformed();
        assembly {
            result := mload(ptr)
        }
    }

    /// @dev Returns (prefix length, payload length) of the item at `ptr`, which must fit in `maxLen`.
    function _decodeLength(uint256 ptr, uint256 maxLen) private pure returns (uint256 offset, uint256 len) {
        if (maxLen == 0) revert RLPMalformed();
        uint256 b0;
        assembly {
            b0 := byte(0, mload(ptr))
        }
        if (b0 < 0x80) {
            return (0, 1);
        } else if (b0 < 0xb8) {
            offset = 1;
            len = b0 - 0x80;
        } else if (b0 < 0xc0) {
            uint256 lenOfLen = b0 - 0xb7;
            if (maxLen < 1 + lenOfLen) revert RLPMalformed();
            assembly {
                len := shr(mul(8, sub(32, lenOfLen)), mload(add(ptr, 1)))
            }
            offset = 1 + lenOfLen;
        } else if (b0 < 0xf8) {
            offset = 1;
            len = b0 - 0xc0;
        } else {
            uint256 lenOfLen = b0 - 0xf7;
            if (maxLen < 1 + lenOfLen) revert RLPMalformed();
            assembly {
                len := shr(mul(8, sub(32, lenOfLen)), mload(add(ptr, 1)))
            }
            offset = 1 + lenOfLen;
        }
        // lenOfLen <= 8, so offset + len cannot overflow for any len read from <= 8 bytes
        if (len > maxLen || offset + len > maxLen) revert RLPMalformed();
    }

    function _copy(uint256 src, uint256 len) private pure returns (bytes memory out) {
        out = new bytes(len);
        uint256 dest;
        assembly {
            dest := add(out, 0x20)
        }
        // word-wise copy (no MCOPY: the target EVM is `paris`)
        for (; len >= 32; len -= 32) {
            assembly {
                mstore(dest, mload(src))
            }
            src += 32;
            dest += 32;
        }
        if (len > 0) {
            uint256 mask = (1 << (8 * (32 - len))) - 1;
            assembly {
                let s := and(mload(src), not(mask))
                let d := and(mload(dest), mask)
                mstore(dest, or(s, d))
            }
        }
    }
}
