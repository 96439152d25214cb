// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ChildERC20
/// @notice Minimal sidechain counterpart of a root ERC20 for tests and local networks: the
/// deposit handler mints, `withdraw` burns (Transfer(user, 0x0, amount)), which is the log
/// an exit on the root chain proves.
contract ChildERC20 is ERC20 {
    error NotDepositor();

    address public immutable depositor;

    constructor(string memory name_, string memory symbol_, address depositor_) ERC20(name_, symbol_) {
        depositor = depositor_;
    }

    /// @notice Credit a deposit (called by the sidechain's deposit handler).
    function deposit(address user, bytes calldata depositData) external {
        if (msg.sender != depositor) revert NotDepositor();
        _mint(user, abi.decode(depositData, (uint256)));
    }

    /// @notice Burn tokens to withdraw them on the root chain.
    function withdraw(uint256 amount) external {
        _burn(msg.sender, amount);
    }
}
