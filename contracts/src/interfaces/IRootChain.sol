// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

interface IRootChain {
    function headerBlocks(uint256 headerBlockId)
        external
        view
        returns (bytes32 root, uint256 start, uint256 end, uint256 createdAt, address proposer);

    function currentHeaderBlock() external view returns (uint256);
}
