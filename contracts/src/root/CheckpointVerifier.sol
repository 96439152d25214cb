// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IRootChain} from "../interfaces/IRootChain.sol";
import {Merkle} from "../lib/Merkle.sol";

/// @title CheckpointVerifier
/// @notice Proves that a BTTC block is in a checkpoint a RootChain recorded: anyone (a dApp, a
/// bridge, a watcher) can check a block's leaf against a header block's root.
/// @dev Leaf of a block = keccak256(abi.encodePacked(uint256 number, uint256 time,
/// bytes32 txRoot, bytes32 receiptRoot)); proof = the siblings bottom-up, index = number - start.
contract CheckpointVerifier {
    IRootChain public immutable rootChain;

    constructor(IRootChain rootChain_) {
        rootChain = rootChain_;
    }

    /// @notice The leaf of a block in the checkpoint tree.
    function blockLeaf(uint256 number, uint256 time, bytes32 txRoot, bytes32 receiptRoot)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encodePacked(number, time, txRoot, receiptRoot));
    }

    /// @notice `Merkle.checkMembership`, as the exit contracts apply it.
    function checkMembership(bytes32 leaf, uint256 index, bytes32 root, bytes calldata proof)
        external
        pure
        returns (bool)
    {
        return Merkle.checkMembership(leaf, index, root, proof);
    }

    /// @notice Whether block `number` (with this time and these roots) is in header block
    /// `headerBlockId` of the RootChain.
    function isCheckpointed(
        uint256 headerBlockId,
        uint256 number,
        uint256 time,
        bytes32 txRoot,
        bytes32 receiptRoot,
        bytes calldata proof
    ) external view returns (bool) {
        (bytes32 root, uint256 start, uint256 end,,) = rootChain.headerBlocks(headerBlockId);
        if (number < start || number > end) return false;
        return Merkle.checkMembership(blockLeaf(number, time, txRoot, receiptRoot), number - start, root, proof);
    }
}
