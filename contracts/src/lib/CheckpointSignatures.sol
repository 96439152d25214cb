// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title CheckpointSignatures
/// @notice Counts the power that signed a digest.
/// @dev `sigs` is n × 65 bytes, each `r ‖ s ‖ v` (v = 27 or 28), over the raw 32-byte digest
/// (no "\x19Ethereum Signed Message" prefix). A signature counts only if its recovered signer
/// is strictly greater than the last counted signer: signers must be sorted ascending, and a
/// duplicate, out-of-order, invalid (high-s, bad v) or unknown signer contributes nothing.
/// Cost per signature: the ecrecover precompile (3,000 gas) + one cold SLOAD of the signer's
/// power (2,100 gas) + loop overhead.
abstract contract CheckpointSignatures {
    error BadSignaturesLength();

    /// secp256k1 n / 2: signatures with a larger s are malleated copies (EIP-2)
    uint256 private constant HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    /// @dev Current voting power of `signer` (0 if it is not an active validator signer).
    function _signerPower(address signer) internal view virtual returns (uint256);

    function _signedPower(bytes32 digest, bytes calldata sigs) internal view returns (uint256 power) {
        if (sigs.length % 65 != 0) revert BadSignaturesLength();
        uint256 last = 0;
        uint256 end;
        uint256 off;
        assembly {
            off := sigs.offset
            end := add(off, sigs.length)
        }
        for (; off < end; off += 65) {
            uint256 signer;
            assembly {
                let s := calldataload(add(off, 32))
                if iszero(gt(s, HALF_N)) {
                    // ecrecover(digest, v, r, s) via the precompile, in scratch memory
                    let m := mload(0x40)
                    mstore(m, digest)
                    mstore(add(m, 0x20), byte(0, calldataload(add(off, 64))))
                    mstore(add(m, 0x40), calldataload(off))
                    mstore(add(m, 0x60), s)
                    mstore(0x00, 0)
                    if staticcall(gas(), 0x01, m, 0x80, 0x00, 0x20) { signer := mload(0x00) }
                }
            }
            if (signer > last) {
                last = signer;
                power += _signerPower(address(uint160(signer)));
            }
        }
    }

    /// @dev `signedPower >= totalPower * 2 / 3 + 1`
    function _hasSuperMajority(uint256 signedPower, uint256 totalPower) internal pure returns (bool) {
        return signedPower >= (totalPower * 2) / 3 + 1;
    }
}
