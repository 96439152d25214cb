// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ChildERC20
/// @notice Minimal sidechain counterpart of a root ERC20 for tests and local networks: the
/// deposit handler mints; `withdraw(amount, rootChainId)` burns and emits
/// `Burned(from, rootChainId, amount)`, the log an exit on the root chain proves. Naming the
/// root chain in the burn makes one burn exitable on that root chain only: each root chain's
/// ERC20Predicate accepts only Burned logs that carry its own BTTC root chain id
/// (TRON = 1, Ethereum = 2, BSC = 3).
contract ChildERC20 is ERC20 {
    error NotDepositor();
    error ZeroAmount();
    error ZeroRootChainId();

    /// @notice `from` burnt `amount` to withdraw it on the root chain `rootChainId`.
    event Burned(address indexed from, uint256 indexed rootChainId, uint256 amount);

    address public immutable depositor;

    constructor(string memory name_, string memory symbol_, address depositor_) ERC20(name_, symbol_) {
        depositor = depositor_;
    }

    /// @notice Credit a deposit (called by the sidechain's deposit handler only).
    function deposit(address user, bytes calldata depositData) external {
        if (msg.sender != depositor) revert NotDepositor();
        _mint(user, abi.decode(depositData, (uint256)));
    }

    /// @notice Burn `amount` of the caller's tokens to withdraw them on root chain
    /// `rootChainId` (BTTC ids: TRON = 1, Ethereum = 2, BSC = 3). Emits the burn's
    /// Transfer(caller, 0x0, amount), then Burned(caller, rootChainId, amount); only the
    /// Burned log can be exited, and only on the root chain it names.
    /// @dev Reverts with ZeroAmount for amount 0 and ZeroRootChainId for rootChainId 0. The id
    /// is not checked against a list: a burn naming a chain with no predicate for it cannot
    /// be exited anywhere.
    function withdraw(uint256 amount, uint256 rootChainId) external {
        if (amount == 0) revert ZeroAmount();
        if (rootChainId == 0) revert ZeroRootChainId();
        _burn(msg.sender, amount);
        emit Burned(msg.sender, rootChainId, amount);
    }
}
