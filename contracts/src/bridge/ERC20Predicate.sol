// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {ITokenPredicate} from "../interfaces/ITokenPredicate.sol";
import {RLPReader} from "../lib/RLPReader.sol";

/// @title ERC20Predicate
/// @notice Holds the ERC20 tokens locked for the sidechain on one root chain. Only the
/// RootChainManager moves them: in on deposit, out on a proven burn, i.e. a child-token
/// `Burned(address indexed from, uint256 indexed rootChainId, uint256 amount)` log (emitted
/// by ChildERC20.withdraw(amount, rootChainId)) whose rootChainId is this predicate's
/// `rootChainId`. A burn therefore exits on the one root chain it names, even when several
/// root chains map the same child token; the burn's Transfer(from, 0x0, amount) log, which
/// names no root chain, is refused.
contract ERC20Predicate is ITokenPredicate {
    using RLPReader for RLPReader.Item;
    using SafeERC20 for IERC20;

    error NotManager();
    error AmountMismatch();
    error ZeroRootChainId();
    /// @notice The log is not a Burned(address,uint256,uint256) log with exactly 3 topics.
    error NotBurnLog();
    /// @notice The burn names root chain `got`, this predicate releases for `expected` only.
    error WrongRootChain(uint256 expected, uint256 got);

    event LockedERC20(
        address indexed depositor, address indexed depositReceiver, address indexed rootToken, uint256 amount
    );
    event ExitedERC20(address indexed exitor, address indexed rootToken, uint256 amount);

    bytes32 public constant TOKEN_TYPE = keccak256("ERC20");
    bytes32 public constant BURNED_EVENT_SIG = keccak256("Burned(address,uint256,uint256)");

    address public immutable manager;
    /// @notice BTTC id of the root chain this predicate is deployed on (TRON = 1,
    /// Ethereum = 2, BSC = 3); only burns naming it exit here.
    uint256 public immutable rootChainId;

    /// @param manager_ the RootChainManager of this root chain
    /// @param rootChainId_ BTTC id of this root chain (not 0)
    constructor(address manager_, uint256 rootChainId_) {
        if (rootChainId_ == 0) revert ZeroRootChainId();
        manager = manager_;
        rootChainId = rootChainId_;
    }

    modifier onlyManager() {
        if (msg.sender != manager) revert NotManager();
        _;
    }

    function lockTokens(address depositor, address depositReceiver, address rootToken, bytes calldata depositData)
        external
        onlyManager
    {
        uint256 amount = abi.decode(depositData, (uint256));
        emit LockedERC20(depositor, depositReceiver, rootToken, amount);
        uint256 before = IERC20(rootToken).balanceOf(address(this));
        IERC20(rootToken).safeTransferFrom(depositor, address(this), amount);
        // fee-on-transfer or rebasing tokens would credit more than was locked
        if (IERC20(rootToken).balanceOf(address(this)) - before != amount) revert AmountMismatch();
    }

    /// @notice Release the tokens of a proven burn. `log` is the RLP of the child token's
    /// log [emitter, topics, data]; the manager has checked the receipt and block proofs and
    /// that the emitter maps to `rootToken`. Accepted only as Burned(from, rootChainId, amount)
    /// (topics [sig, from, rootChainId], data = amount) with rootChainId == this.rootChainId;
    /// `amount` goes to `from`.
    function exitTokens(address rootToken, bytes calldata log) external onlyManager {
        RLPReader.Item[] memory fields = RLPReader.toItem(log).toList(); // [emitter, topics, data]
        RLPReader.Item[] memory topics = fields[1].toList();
        if (topics.length != 3 || topics[0].toBytes32() != BURNED_EVENT_SIG) revert NotBurnLog();
        uint256 burnChainId = uint256(topics[2].toBytes32());
        if (burnChainId != rootChainId) revert WrongRootChain(rootChainId, burnChainId);
        address withdrawer = address(uint160(uint256(topics[1].toBytes32())));
        uint256 amount = fields[2].toUint();
        emit ExitedERC20(withdrawer, rootToken, amount);
        IERC20(rootToken).safeTransfer(withdrawer, amount);
    }
}
