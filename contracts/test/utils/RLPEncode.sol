// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @dev Minimal RLP encoder for building exit payloads in tests.
library RLPEncode {
    function encodeBytes(bytes memory b) internal pure returns (bytes memory) {
        if (b.length == 1 && uint8(b[0]) < 0x80) return b;
        return bytes.concat(_length(b.length, 0x80), b);
    }

    function encodeUint(uint256 x) internal pure returns (bytes memory) {
        return encodeBytes(_minimal(x));
    }

    function encodeList(bytes[] memory items) internal pure returns (bytes memory out) {
        for (uint256 i = 0; i < items.length; i++) out = bytes.concat(out, items[i]);
        return bytes.concat(_length(out.length, 0xc0), out);
    }

    function _length(uint256 len, uint256 offset) private pure returns (bytes memory) {
        if (len < 56) return abi.encodePacked(uint8(offset + len));
        bytes memory l = _minimal(len);
        return bytes.concat(abi.encodePacked(uint8(offset + 55 + l.length)), l);
    }

    function _minimal(uint256 x) private pure returns (bytes memory b) {
        if (x == 0) return "";
        uint256 n = 0;
        for (uint256 t = x; t > 0; t >>= 8) n++;
        b = new bytes(n);
        for (uint256 i = 0; i < n; i++) b[n - 1 - i] = bytes1(uint8(x >> (8 * i)));
    }
}
