// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

import {IStateSender} from "../interfaces/IStateSender.sol";
import {IRootChain} from "../interfaces/IRootChain.sol";
import {ITokenPredicate} from "../interfaces/ITokenPredicate.sol";
import {RLPReader} from "../lib/RLPReader.sol";
import {Merkle} from "../lib/Merkle.sol";
import {MerklePatriciaProof} from "../lib/MerklePatriciaProof.sol";
import {ExitPayload} from "./ExitPayload.sol";

/// @title RootChainManager
/// @notice Bridge entry point on a root chain. Deposits lock tokens in the token type's
/// predicate and send a state sync to the sidechain's child chain manager; exits prove a
/// burn on the sidechain (receipt in a block covered by a checkpoint) and release tokens.
/// The proven log must be the child token's Burned(from, rootChainId, amount) naming this
/// root chain (the token type's predicate checks it against its own rootChainId), so one
/// burn exits on one root chain only, although every root chain's manager may map the same
/// child token and accept the same checkpoints.
/// @dev State sync messages (to `childChainManager`):
///   deposit: abi.encode(DEPOSIT, abi.encode(user, rootToken, abi.encode(amount)))
///   mapping: abi.encode(MAP_TOKEN, abi.encode(rootToken, childToken, tokenType))
contract RootChainManager is Ownable, ReentrancyGuard {
    using RLPReader for RLPReader.Item;

    error ZeroAddress();
    error TokenNotMapped(address token);
    error AlreadyMapped();
    error PredicateNotRegistered(bytes32 tokenType);
    error InvalidUser();
    error ExitAlreadyProcessed(bytes32 exitHash);
    error InvalidReceiptProof();
    error InvalidBlockProof();
    error CheckpointNotFound(uint256 headerNumber);
    error BlockNotInCheckpoint();
    error ZeroAmount();

    event PredicateRegistered(bytes32 indexed tokenType, address indexed predicateAddress);
    event TokenMapped(address indexed rootToken, address indexed childToken, bytes32 indexed tokenType);
    event ChildChainManagerChanged(address indexed previous, address indexed current);
    event Deposited(address indexed user, address indexed rootToken, uint256 amount);
    event ExitProcessed(bytes32 indexed exitHash, address indexed rootToken, uint256 indexed headerNumber);

    bytes32 public constant DEPOSIT = keccak256("DEPOSIT");
    bytes32 public constant MAP_TOKEN = keccak256("MAP_TOKEN");

    IStateSender public immutable stateSender;
    IRootChain public immutable checkpointManager;
    address public childChainManager;

    mapping(bytes32 => address) public typeToPredicate;
    mapping(address => bytes32) public tokenToType;
    mapping(address => address) public rootToChildToken;
    mapping(address => address) public childToRootToken;
    mapping(bytes32 => bool) public processedExits;

    constructor(address owner_, IStateSender stateSender_, IRootChain checkpointManager_, address childChainManager_)
        Ownable(owner_)
    {
        if (address(stateSender_) == address(0) || address(checkpointManager_) == address(0)) revert ZeroAddress();
        stateSender = stateSender_;
        checkpointManager = checkpointManager_;
        childChainManager = childChainManager_;
        emit ChildChainManagerChanged(address(0), childChainManager_);
    }

    function setChildChainManager(address childChainManager_) external onlyOwner {
        if (childChainManager_ == address(0)) revert ZeroAddress();
        emit ChildChainManagerChanged(childChainManager, childChainManager_);
        childChainManager = childChainManager_;
    }

    function registerPredicate(bytes32 tokenType, address predicateAddress) external onlyOwner {
        if (predicateAddress == address(0)) revert ZeroAddress();
        typeToPredicate[tokenType] = predicateAddress;
        emit PredicateRegistered(tokenType, predicateAddress);
    }

    /// @notice Map a root token to its child token and tell the sidechain.
    function mapToken(address rootToken, address childToken, bytes32 tokenType) external onlyOwner {
        if (rootToken == address(0) || childToken == address(0)) revert ZeroAddress();
        if (typeToPredicate[tokenType] == address(0)) revert PredicateNotRegistered(tokenType);
        if (rootToChildToken[rootToken] != address(0) || childToRootToken[childToken] != address(0)) {
            revert AlreadyMapped();
        }
        rootToChildToken[rootToken] = childToken;
        childToRootToken[childToken] = rootToken;
        tokenToType[rootToken] = tokenType;
        emit TokenMapped(rootToken, childToken, tokenType);
        stateSender.syncState(childChainManager, abi.encode(MAP_TOKEN, abi.encode(rootToken, childToken, tokenType)));
    }

    /// @notice Lock `amount` of `rootToken` taken from the caller (who approved the token's
    /// predicate) and credit it to `user` on the sidechain.
    function depositFor(address user, address rootToken, uint256 amount) external nonReentrant {
        if (user == address(0) || user == address(this)) revert InvalidUser();
        if (amount == 0) revert ZeroAmount();
        if (rootToChildToken[rootToken] == address(0)) revert TokenNotMapped(rootToken);
        address predicate = typeToPredicate[tokenToType[rootToken]];
        if (predicate == address(0)) revert PredicateNotRegistered(tokenToType[rootToken]);

        bytes memory depositData = abi.encode(amount);
        emit Deposited(user, rootToken, amount);
        ITokenPredicate(predicate).lockTokens(msg.sender, user, rootToken, depositData);
        stateSender.syncState(childChainManager, abi.encode(DEPOSIT, abi.encode(user, rootToken, depositData)));
    }

    /// @notice Release tokens burnt on the sidechain. `inputData` is the exit payload (see
    /// ExitPayload); its logIndex must point at the child token's Burned log naming this
    /// root chain (checked by the predicate; a Transfer log or a burn for another root chain
    /// reverts). Each (blockNumber, branchMask, logIndex) exits at most once here; the root
    /// chain id in the Burned log keeps other root chains from exiting it too.
    function exit(bytes calldata inputData) external nonReentrant {
        ExitPayload.Payload memory p = ExitPayload.decode(inputData);

        bytes32 exitHash = keccak256(abi.encodePacked(p.blockNumber, p.branchMask, p.logIndex));
        if (processedExits[exitHash]) revert ExitAlreadyProcessed(exitHash);

        (RLPReader.Item[] memory log, bytes memory logRlp) = ExitPayload.getLog(p.receipt, p.logIndex);
        address childToken = log[0].toAddress();
        address rootToken = childToRootToken[childToken];
        if (rootToken == address(0)) revert TokenNotMapped(childToken);
        address predicate = typeToPredicate[tokenToType[rootToken]];
        if (predicate == address(0)) revert PredicateNotRegistered(tokenToType[rootToken]);

        // the receipt is in the block's receipt trie ...
        if (!MerklePatriciaProof.verify(p.receipt, p.branchMask, p.receiptProof, p.receiptRoot)) {
            revert InvalidReceiptProof();
        }
        // ... and the block is in a checkpoint
        _checkBlockMembership(p);

        processedExits[exitHash] = true;
        emit ExitProcessed(exitHash, rootToken, p.headerNumber);
        ITokenPredicate(predicate).exitTokens(rootToken, logRlp);
    }

    function _checkBlockMembership(ExitPayload.Payload memory p) private view {
        (bytes32 root, uint256 start, uint256 end, uint256 createdAt,) = checkpointManager.headerBlocks(p.headerNumber);
        if (createdAt == 0) revert CheckpointNotFound(p.headerNumber);
        if (p.blockNumber < start || p.blockNumber > end) revert BlockNotInCheckpoint();
        // the tree has 2^depth leaves, depth the smallest with 2^depth >= end - start + 1
        uint256 count = end - start + 1;
        uint256 depth = 0;
        while ((uint256(1) << depth) < count) depth++;
        if (p.blockProof.length != depth * 32) revert InvalidBlockProof();
        bytes32 leaf = keccak256(abi.encodePacked(p.blockNumber, p.blockTime, p.txRoot, p.receiptRoot));
        if (!Merkle.checkMembership(leaf, p.blockNumber - start, root, p.blockProof)) revert InvalidBlockProof();
    }
}
