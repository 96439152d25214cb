// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {ITokenPredicate} from "../interfaces/ITokenPredicate.sol";
import {RLPReader} from "../lib/RLPReader.sol";

/// @title ERC20Predicate
/// @notice Holds the ERC20 tokens locked for the sidechain. Only the RootChainManager moves
/// them: in on deposit, out on a proven burn (a child-token Transfer(from, 0x0, amount) log).
contract ERC20Predicate is ITokenPredicate {
    using RLPReader for RLPReader.Item;
    using SafeERC20 for IERC20;

    error NotManager();
    error AmountMismatch();
    error NotTransferLog();
    error NotBurn();

    event LockedERC20(
        address indexed depositor, address indexed depositReceiver, address indexed rootToken, uint256 amount
    );
    event ExitedERC20(address indexed exitor, address indexed rootToken, uint256 amount);

    bytes32 public constant TOKEN_TYPE = keccak256("ERC20");
    bytes32 public constant TRANSFER_EVENT_SIG = keccak256("Transfer(address,address,uint256)");

    address public immutable manager;

    constructor(address manager_) {
        manager = manager_;
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

    function exitTokens(address rootToken, bytes calldata log) external onlyManager {
        RLPReader.Item[] memory fields = RLPReader.toItem(log).toList(); // [emitter, topics, data]
        RLPReader.Item[] memory topics = fields[1].toList();
        if (topics.length != 3 || topics[0].toBytes32() != TRANSFER_EVENT_SIG) revert NotTransferLog();
        if (uint256(topics[2].toBytes32()) != 0) revert NotBurn();
        address withdrawer = address(uint160(uint256(topics[1].toBytes32())));
        uint256 amount = fields[2].toUint();
        emit ExitedERC20(withdrawer, rootToken, amount);
        IERC20(rootToken).safeTransfer(withdrawer, amount);
    }
}
