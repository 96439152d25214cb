// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {CheckpointSignatures} from "../lib/CheckpointSignatures.sol";
import {ICheckpointValidatorSet} from "../interfaces/ICheckpointValidatorSet.sol";

/// @title ValidatorSetMirror
/// @notice The validator set (signer → power) on a root chain that is not the stake chain
/// (BSC, Ethereum while TRON holds the stake), so that its RootChain can check checkpoint
/// signatures. It changes only through "staking sync" messages signed by at least 2/3 + 1
/// of the power of the set it currently holds.
/// @dev Staking sync message:
///   payload = abi.encode(uint256 rootChainId, address mirror, uint256 syncNonce,
///                        address[] signers, uint256[] powers)
///   digest  = keccak256(0x02 ‖ payload)
/// `rootChainId` (BTTC ids: tron = 1, eth = 2, bsc = 3) and `mirror` (this contract) bind the
/// message to one contract; `syncNonce` must be the previous one + 1. Each (signer, power)
/// sets that signer's power; power 0 removes the signer.
contract ValidatorSetMirror is CheckpointSignatures, ICheckpointValidatorSet {
    error NotRootChain();
    error NotDeployer();
    error RootChainAlreadySet();
    error WrongTarget();
    error WrongNonce(uint256 expected, uint256 got);
    error LengthMismatch();
    error NotEnoughPowerSigned(uint256 signedPower, uint256 requiredPower);
    error EmptySet();
    error DuplicateSigner(address signer);
    error ZeroAddress();

    event SignerPowerChanged(address indexed signer, uint256 oldPower, uint256 newPower);
    event StakingSynced(uint256 indexed syncNonce, bytes32 indexed digest, uint256 totalPower, uint256 validatorCount);
    event RootChainSet(address indexed rootChain);
    event CheckpointVerified(uint256 indexed epoch, address indexed proposer, uint256 signedPower);

    uint256 public immutable rootChainId;
    address public immutable deployer;
    address public rootChain;

    uint256 public syncNonce;
    uint256 public totalPower;
    uint256 public validatorCount;
    uint256 public currentEpoch = 1;
    mapping(address => uint256) public powerOf;

    constructor(uint256 rootChainId_, address[] memory signers, uint256[] memory powers) {
        if (signers.length != powers.length) revert LengthMismatch();
        rootChainId = rootChainId_;
        deployer = msg.sender;
        for (uint256 i = 0; i < signers.length; i++) {
            if (signers[i] == address(0)) revert ZeroAddress();
            if (powerOf[signers[i]] != 0) revert DuplicateSigner(signers[i]);
            _setPower(signers[i], powers[i]);
        }
        if (totalPower == 0) revert EmptySet();
        emit StakingSynced(0, bytes32(0), totalPower, validatorCount);
    }

    function setRootChain(address rootChain_) external {
        if (msg.sender != deployer) revert NotDeployer();
        if (rootChain != address(0)) revert RootChainAlreadySet();
        if (rootChain_ == address(0)) revert ZeroAddress();
        rootChain = rootChain_;
        emit RootChainSet(rootChain_);
    }

    /// @notice Digest the validators sign for a staking sync `payload`.
    function syncDigest(bytes calldata payload) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes1(0x02), payload));
    }

    /// @notice Apply a staking sync message signed by the current set.
    function syncValidatorSet(bytes calldata payload, bytes calldata sigs) external {
        (uint256 chainId, address target, uint256 nonce, address[] memory signers, uint256[] memory powers) =
            abi.decode(payload, (uint256, address, uint256, address[], uint256[]));
        if (chainId != rootChainId || target != address(this)) revert WrongTarget();
        if (nonce != syncNonce + 1) revert WrongNonce(syncNonce + 1, nonce);
        if (signers.length != powers.length) revert LengthMismatch();

        bytes32 digest = syncDigest(payload);
        uint256 signed = _signedPower(digest, sigs);
        uint256 total = totalPower;
        if (!_hasSuperMajority(signed, total)) revert NotEnoughPowerSigned(signed, (total * 2) / 3 + 1);

        syncNonce = nonce;
        for (uint256 i = 0; i < signers.length; i++) {
            if (signers[i] == address(0)) revert ZeroAddress();
            _setPower(signers[i], powers[i]);
        }
        if (totalPower == 0) revert EmptySet();
        emit StakingSynced(nonce, digest, totalPower, validatorCount);
    }

    /// @inheritdoc ICheckpointValidatorSet
    function onCheckpoint(address proposer, uint256, bytes32 digest, bytes calldata sigs)
        external
        returns (uint256)
    {
        if (msg.sender != rootChain) revert NotRootChain();
        uint256 total = totalPower;
        uint256 signed = _signedPower(digest, sigs);
        if (!_hasSuperMajority(signed, total)) revert NotEnoughPowerSigned(signed, (total * 2) / 3 + 1);
        uint256 epoch = currentEpoch + 1;
        currentEpoch = epoch;
        emit CheckpointVerified(epoch, proposer, signed);
        return 0;
    }

    /// @inheritdoc ICheckpointValidatorSet
    function verifySignatures(bytes32 digest, bytes calldata sigs)
        external
        view
        returns (uint256 signedPower, uint256 totalPower_)
    {
        return (_signedPower(digest, sigs), totalPower);
    }

    function _signerPower(address signer) internal view override returns (uint256) {
        return powerOf[signer];
    }

    function _setPower(address signer, uint256 power) private {
        uint256 old = powerOf[signer];
        if (old == power) return;
        if (old == 0) validatorCount += 1;
        if (power == 0) validatorCount -= 1;
        totalPower = totalPower - old + power;
        powerOf[signer] = power;
        emit SignerPowerChanged(signer, old, power);
    }
}
