// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// An OpenZeppelin ERC20 used to exercise BTTC's EVM and its Ethereum JSON-RPC: the deployer
/// receives the supply; `mint` is the deployer's only and fails with a revert reason for
/// anybody else, which the tests read back through `eth_call`.
contract TestToken is ERC20 {
    address public immutable minter;

    constructor(string memory name_, string memory symbol_, uint256 supply) ERC20(name_, symbol_) {
        minter = msg.sender;
        _mint(msg.sender, supply);
    }

    function mint(address to, uint256 amount) external {
        require(msg.sender == minter, "TestToken: only the minter mints");
        _mint(to, amount);
    }
}
