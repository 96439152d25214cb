// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @notice What a ValidatorShare needs from the StakeManager.
interface IStakeManager {
    function currentEpoch() external view returns (uint256);
    function withdrawalDelay() external view returns (uint256);
    function isValidator(uint256 validatorId) external view returns (bool);
    function delegationDeposit(uint256 validatorId, uint256 amount, address delegator) external;
    function updateValidatorState(uint256 validatorId, int256 amount) external;
    function withdrawDelegatorsReward(uint256 validatorId) external returns (uint256);
    function transferFunds(uint256 validatorId, uint256 amount, address to) external;
}
