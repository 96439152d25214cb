// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IStateSender} from "../interfaces/IStateSender.sol";

/// @title StateSender
/// @notice Root → sidechain messages. Each receiver on the sidechain has one registered
/// sender on this root chain; only it may send to that receiver. The validators relay every
/// StateSynced event (id, receiver, data) to the sidechain.
contract StateSender is Ownable, IStateSender {
    error NotRegistered(address sender, address receiver);
    error ZeroAddress();

    event NewRegistration(address indexed user, address indexed sender, address indexed receiver);
    event RegistrationUpdated(address indexed user, address indexed sender, address indexed receiver);
    event StateSynced(uint256 indexed id, address indexed contractAddress, bytes data);

    uint256 public counter;
    /// @notice receiver → the sender allowed to send to it
    mapping(address => address) public registrations;

    constructor(address owner_) Ownable(owner_) {}

    function register(address sender, address receiver) external onlyOwner {
        if (sender == address(0) || receiver == address(0)) revert ZeroAddress();
        bool existed = registrations[receiver] != address(0);
        registrations[receiver] = sender;
        if (existed) emit RegistrationUpdated(msg.sender, sender, receiver);
        else emit NewRegistration(msg.sender, sender, receiver);
    }

    function syncState(address receiver, bytes calldata data) external {
        if (registrations[receiver] != msg.sender || msg.sender == address(0)) {
            revert NotRegistered(msg.sender, receiver);
        }
        uint256 id = ++counter;
        emit StateSynced(id, receiver, data);
    }
}
