// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title BTTToken
/// @notice Root staking token ("BTT") for tests and local networks; the owner can mint.
contract BTTToken is ERC20, Ownable {
    constructor(address owner_, uint256 initialSupply) ERC20("BitTorrent", "BTT") Ownable(owner_) {
        _mint(owner_, initialSupply);
    }

    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }
}
