// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ICheckpointValidatorSet} from "../interfaces/ICheckpointValidatorSet.sol";
import {IRootChain} from "../interfaces/IRootChain.sol";

/// @title RootChain
/// @notice Checkpoints of the BTTC sidechain on one root chain. A checkpoint commits the
/// Merkle root of the sidechain blocks [start, end]; it is accepted when it continues the
/// previous one (start == last end + 1) and is signed by at least 2/3 + 1 of the validator
/// power, as checked by the validator set (StakeManager on the stake chain, a
/// ValidatorSetMirror elsewhere).
/// @dev data = abi.encode(address proposer, uint256 start, uint256 end, bytes32 rootHash,
///                        bytes32 accountHash, uint256 childChainId)
///      digest signed by the validators = keccak256(0x01 ‖ data)
///      sigs = concatenated 65-byte r ‖ s ‖ v signatures, signers sorted ascending.
/// Header block ids are 1, 2, 3, ... (currentHeaderBlock() is the last one, 0 before any).
contract RootChain is IRootChain {
    /// @dev three storage slots: root | proposer, start, end | createdAt
    struct HeaderBlock {
        bytes32 root;
        address proposer;
        uint48 start;
        uint48 end;
        uint64 createdAt;
    }

    error WrongChildChain(uint256 expected, uint256 got);
    error WrongStartBlock(uint256 expected, uint256 got);
    error InvalidRange();

    event NewHeaderBlock(
        address indexed proposer,
        uint256 indexed headerBlockId,
        uint256 indexed reward,
        uint256 start,
        uint256 end,
        bytes32 root
    );

    ICheckpointValidatorSet public immutable validatorSet;
    /// @notice chain id of the BTTC sidechain whose blocks are checkpointed
    uint256 public immutable childChainId;
    /// @notice first sidechain block this root chain's checkpoint stream covers
    uint256 public immutable firstBlock;

    uint256 public currentHeaderBlock;
    /// @notice account (fee) state root of the last checkpoint
    bytes32 public lastAccountHash;
    mapping(uint256 => HeaderBlock) internal _headerBlocks;

    constructor(ICheckpointValidatorSet validatorSet_, uint256 childChainId_, uint256 firstBlock_) {
        validatorSet = validatorSet_;
        childChainId = childChainId_;
        firstBlock = firstBlock_;
    }

    /// @notice Submit a checkpoint signed by the validators.
    function submitCheckpoint(bytes calldata data, bytes calldata sigs) external {
        (uint256 id, HeaderBlock memory h) = _recordHeaderBlock(data);
        // reverts unless the signatures carry >= 2/3 + 1 of the power
        uint256 reward = validatorSet.onCheckpoint(
            h.proposer, uint256(h.end) - h.start + 1, keccak256(abi.encodePacked(bytes1(0x01), data)), sigs
        );
        emit NewHeaderBlock(h.proposer, id, reward, h.start, h.end, h.root);
    }

    function _recordHeaderBlock(bytes calldata data) private returns (uint256 id, HeaderBlock memory h) {
        (address proposer, uint256 start, uint256 end, bytes32 rootHash, bytes32 accountHash, uint256 chainId) =
            abi.decode(data, (address, uint256, uint256, bytes32, bytes32, uint256));
        if (chainId != childChainId) revert WrongChildChain(childChainId, chainId);
        uint256 expectedStart = nextStartBlock();
        if (start != expectedStart) revert WrongStartBlock(expectedStart, start);
        if (end < start || end > type(uint48).max) revert InvalidRange();

        id = currentHeaderBlock + 1;
        currentHeaderBlock = id;
        h = HeaderBlock({
            root: rootHash,
            proposer: proposer,
            start: uint48(start),
            end: uint48(end),
            createdAt: uint64(block.timestamp)
        });
        _headerBlocks[id] = h;
        lastAccountHash = accountHash;
    }

    /// @notice The first block the next checkpoint must start at.
    function nextStartBlock() public view returns (uint256) {
        uint256 id = currentHeaderBlock;
        return id == 0 ? firstBlock : uint256(_headerBlocks[id].end) + 1;
    }

    /// @notice Last sidechain block covered by the checkpoints (0 before any).
    function getLastChildBlock() external view returns (uint256) {
        return _headerBlocks[currentHeaderBlock].end;
    }

    function headerBlocks(uint256 headerBlockId)
        external
        view
        returns (bytes32 root, uint256 start, uint256 end, uint256 createdAt, address proposer)
    {
        HeaderBlock storage h = _headerBlocks[headerBlockId];
        return (h.root, h.start, h.end, h.createdAt, h.proposer);
    }

    function getHeaderBlock(uint256 headerBlockId) external view returns (HeaderBlock memory) {
        return _headerBlocks[headerBlockId];
    }

    /// @notice Digest the validators sign for checkpoint `data`.
    function checkpointDigest(bytes calldata data) external pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes1(0x01), data));
    }
}
