// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

interface IStateSender {
    function syncState(address receiver, bytes calldata data) external;
}
