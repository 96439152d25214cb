// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @notice The validator set a RootChain checks checkpoint signatures against: the
/// StakeManager on the stake chain (TRON), a ValidatorSetMirror on the other root chains.
interface ICheckpointValidatorSet {
    /// @notice Called by the RootChain for every checkpoint. Reverts unless the signatures
    /// over `digest` carry at least 2/3 + 1 of the total power. On the stake chain this also
    /// pays the checkpoint reward and advances the epoch.
    /// @param proposer the signer address of the proposer named in the checkpoint
    /// @param blockInterval number of sidechain blocks the checkpoint covers
    /// @param digest keccak256(0x01 ‖ checkpoint data)
    /// @param sigs concatenated 65-byte signatures r ‖ s ‖ v, signers in strictly ascending order
    /// @return reward the reward paid for this checkpoint (0 off the stake chain)
    function onCheckpoint(address proposer, uint256 blockInterval, bytes32 digest, bytes calldata sigs)
        external
        returns (uint256 reward);

    /// @notice Power signed over `digest` by `sigs` (see onCheckpoint) and the total power.
    function verifySignatures(bytes32 digest, bytes calldata sigs)
        external
        view
        returns (uint256 signedPower, uint256 totalPower);

    function currentEpoch() external view returns (uint256);
}
