// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

interface ITokenPredicate {
    /// @notice Lock `depositData` worth of `rootToken` taken from `depositor` for `depositReceiver`.
    function lockTokens(address depositor, address depositReceiver, address rootToken, bytes calldata depositData)
        external;

    /// @notice Release tokens for a verified burn log (RLP-encoded log of the child token).
    function exitTokens(address rootToken, bytes calldata log) external;
}
