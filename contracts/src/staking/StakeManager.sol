// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

import {CheckpointSignatures} from "../lib/CheckpointSignatures.sol";
import {ICheckpointValidatorSet} from "../interfaces/ICheckpointValidatorSet.sol";

interface IValidatorShareFactory {
    function create(uint256 validatorId, address token) external returns (address);
}

/// @title StakeManager
/// @notice Validator staking on the stake chain (TRON): validators stake BTT under a signer
/// key, delegators stake through each validator's ValidatorShare, checkpoints accepted by the
/// RootChain pay rewards and advance the epoch, and the signatures of a checkpoint are
/// checked against the current stake (>= 2/3 + 1 of it).
/// @dev Every event the sidechain mirrors (Staked, Restaked, StakeUpdate, SignerChange,
/// UnstakeInit, Unstaked) carries the validator's nonce, which grows by exactly one per
/// event, so the sidechain can apply a validator's events strictly in order.
contract StakeManager is Ownable, ReentrancyGuard, CheckpointSignatures, ICheckpointValidatorSet {
    using SafeERC20 for IERC20;

    enum Status {
        None,
        Active,
        Unstaked, // deactivated, stake waiting for the withdrawal delay
        Claimed // stake withdrawn
    }

    struct Validator {
        uint256 amount; // self stake
        uint256 delegatedAmount; // delegated stake counting in power
        uint256 delegatorsUnbonding; // delegated stake sold, waiting to be claimed by delegators
        uint256 reward; // accrued validator reward (incl. proposer bonus)
        uint256 delegatorsReward; // accrued reward of the delegators, pulled by the ValidatorShare
        uint256 lastRewardPerStake;
        address owner;
        uint64 activationEpoch;
        address signer;
        uint64 deactivationEpoch;
        address contractAddress; // ValidatorShare, or 0 if delegation is not accepted
        uint64 lastSignerUpdateEpoch;
        uint64 nonce;
        Status status;
    }

    // ---- errors ----
    error NotRootChain();
    error NotValidatorOwner();
    error NotShareContract();
    error InvalidPubkey();
    error SignerInUse();
    error BelowMinDeposit();
    error ValidatorSetFull();
    error NotActive();
    error NotUnstaked();
    error ClaimTooEarly(uint256 claimableAtEpoch);
    error SignerUpdateTooSoon(uint256 allowedAtEpoch);
    error NotEnoughStakeSigned(uint256 signedPower, uint256 requiredPower);
    error InvalidParameter();
    error InsufficientUnbonding();
    error ZeroAddress();
    error ZeroAmount();

    // ---- events the sidechain mirrors (nonce = validator nonce after the event) ----
    event Staked(
        address indexed signer,
        uint256 indexed validatorId,
        uint256 nonce,
        uint256 indexed activationEpoch,
        uint256 amount,
        uint256 total,
        bytes signerPubkey
    );
    event Restaked(uint256 indexed validatorId, uint256 nonce, uint256 amount, uint256 newPower, uint256 total);
    event StakeUpdate(uint256 indexed validatorId, uint256 indexed nonce, uint256 indexed newAmount);
    event SignerChange(
        uint256 indexed validatorId,
        uint256 nonce,
        address indexed oldSigner,
        address indexed newSigner,
        bytes signerPubkey
    );
    event UnstakeInit(
        address indexed user, uint256 indexed validatorId, uint256 nonce, uint256 deactivationEpoch, uint256 indexed amount
    );
    event Unstaked(address indexed user, uint256 indexed validatorId, uint256 nonce, uint256 amount, uint256 total);

    // ---- other state changes ----
    event ValidatorRegistered(uint256 indexed validatorId, address indexed owner, address shareContract);
    event ClaimRewards(uint256 indexed validatorId, uint256 amount);
    event DelegatorsRewardPulled(uint256 indexed validatorId, uint256 amount);
    event CheckpointReward(
        address indexed proposer, uint256 indexed epoch, uint256 reward, uint256 proposerBonus, uint256 signedPower
    );
    event RewardsFunded(address indexed from, uint256 amount, uint256 rewardPool);
    event RootChainChanged(address indexed previous, address indexed current);
    event DynastyValueChange(uint256 newDynasty, uint256 oldDynasty);
    event ThresholdChange(uint256 newThreshold, uint256 oldThreshold);
    event MinDepositChange(uint256 newMinDeposit, uint256 oldMinDeposit);
    event RewardParamsChange(uint256 checkpointReward, uint256 checkpointBlockInterval, uint256 proposerBonusPercent);
    event SignerUpdateLimitChange(uint256 newLimit, uint256 oldLimit);

    uint256 public constant REWARD_PRECISION = 1e24;

    IERC20 public immutable token;
    IValidatorShareFactory public immutable shareFactory;
    address public rootChain;

    uint256 public currentEpoch = 1;
    /// @notice withdrawal delay in epochs (checkpoints), for validators and delegators
    uint256 public dynasty = 80;
    uint256 public validatorThreshold = 105;
    uint256 public minDeposit = 1 ether;
    uint256 public checkpointReward = 1000 ether;
    /// @notice a checkpoint of this many blocks earns the full checkpointReward (shorter: pro rata)
    uint256 public checkpointBlockInterval = 256;
    uint256 public proposerBonus = 10; // percent of the checkpoint reward
    uint256 public signerUpdateLimit = 100; // epochs between two signer changes

    uint256 public rewardPool; // tokens set aside for checkpoint rewards
    uint256 public rewardPerStake; // cumulative reward per unit of power, × REWARD_PRECISION
    uint256 public totalStaked; // power of the active set (self + delegated)
    uint256 public currentValidatorSetSize;
    uint256 public validatorCount; // ids are 1..validatorCount

    mapping(uint256 => Validator) internal _validators;
    mapping(address => uint256) public signerToValidator;
    /// @dev power of an active validator by its signer: the only storage read per signature
    mapping(address => uint256) internal _powerBySigner;

    constructor(IERC20 token_, IValidatorShareFactory shareFactory_, address governance) Ownable(governance) {
        if (address(token_) == address(0) || address(shareFactory_) == address(0)) revert ZeroAddress();
        token = token_;
        shareFactory = shareFactory_;
    }

    modifier onlyValidatorOwner(uint256 validatorId) {
        if (_validators[validatorId].owner != msg.sender) revert NotValidatorOwner();
        _;
    }

    modifier onlyShareContract(uint256 validatorId) {
        address c = _validators[validatorId].contractAddress;
        if (c == address(0) || c != msg.sender) revert NotShareContract();
        _;
    }

    // ------------------------------------------------------------------ staking

    /// @notice Become a validator: stake `amount` (taken from the caller) for `user`, who owns
    /// the validator, signing with the key whose uncompressed public key (64 bytes, x ‖ y) is
    /// `signerPubkey`.
    function stakeFor(address user, uint256 amount, bool acceptDelegation, bytes calldata signerPubkey)
        external
        nonReentrant
        returns (uint256 validatorId)
    {
        if (user == address(0)) revert ZeroAddress();
        if (currentValidatorSetSize >= validatorThreshold) revert ValidatorSetFull();
        if (amount < minDeposit || amount == 0) revert BelowMinDeposit();
        address signer = pubToAddress(signerPubkey);
        if (signerToValidator[signer] != 0) revert SignerInUse();

        validatorId = ++validatorCount;
        Validator storage v = _validators[validatorId];
        v.amount = amount;
        v.owner = user;
        v.signer = signer;
        v.activationEpoch = uint64(currentEpoch);
        v.lastRewardPerStake = rewardPerStake;
        v.status = Status.Active;
        v.nonce = 1;
        signerToValidator[signer] = validatorId;
        _powerBySigner[signer] = amount;
        totalStaked += amount;
        currentValidatorSetSize += 1;

        address share;
        if (acceptDelegation) {
            share = shareFactory.create(validatorId, address(token));
            v.contractAddress = share;
        }
        emit ValidatorRegistered(validatorId, user, share);
        emit Staked(signer, validatorId, 1, currentEpoch, amount, totalStaked, signerPubkey);

        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Add `amount` (taken from the caller) and optionally the accrued reward to the
    /// validator's own stake.
    function restake(uint256 validatorId, uint256 amount, bool stakeRewards)
        external
        nonReentrant
        onlyValidatorOwner(validatorId)
    {
        Validator storage v = _validators[validatorId];
        if (v.status != Status.Active) revert NotActive();
        _updateRewards(v);
        uint256 added = amount;
        if (stakeRewards) {
            added += v.reward;
            v.reward = 0;
        }
        if (added == 0) revert ZeroAmount();
        v.amount += added;
        _powerBySigner[v.signer] += added;
        totalStaked += added;
        uint256 nonce = ++v.nonce;
        emit Restaked(validatorId, nonce, added, v.amount + v.delegatedAmount, totalStaked);

        if (amount > 0) token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Leave the validator set now; the stake can be claimed `dynasty` epochs later.
    function unstake(uint256 validatorId) external onlyValidatorOwner(validatorId) {
        Validator storage v = _validators[validatorId];
        if (v.status != Status.Active) revert NotActive();
        _updateRewards(v);
        v.status = Status.Unstaked;
        v.deactivationEpoch = uint64(currentEpoch);
        totalStaked -= v.amount + v.delegatedAmount;
        _powerBySigner[v.signer] = 0;
        currentValidatorSetSize -= 1;
        uint256 nonce = ++v.nonce;
        emit UnstakeInit(msg.sender, validatorId, nonce, currentEpoch, v.amount);
    }

    /// @notice Withdraw the stake and the reward of an unstaked validator after the delay.
    function unstakeClaim(uint256 validatorId) external nonReentrant onlyValidatorOwner(validatorId) {
        Validator storage v = _validators[validatorId];
        if (v.status != Status.Unstaked) revert NotUnstaked();
        uint256 claimableAt = uint256(v.deactivationEpoch) + dynasty;
        if (currentEpoch < claimableAt) revert ClaimTooEarly(claimableAt);

        uint256 amount = v.amount;
        uint256 reward = v.reward;
        v.amount = 0;
        v.reward = 0;
        v.status = Status.Claimed;
        delete signerToValidator[v.signer]; // the signer key may be used again
        uint256 nonce = ++v.nonce;
        emit Unstaked(msg.sender, validatorId, nonce, amount, totalStaked);
        if (reward > 0) emit ClaimRewards(validatorId, reward);

        token.safeTransfer(msg.sender, amount + reward);
    }

    /// @notice Change the signer key (at most once per `signerUpdateLimit` epochs).
    function updateSigner(uint256 validatorId, bytes calldata signerPubkey) external onlyValidatorOwner(validatorId) {
        Validator storage v = _validators[validatorId];
        if (v.status != Status.Active) revert NotActive();
        if (v.lastSignerUpdateEpoch != 0) {
            uint256 allowedAt = uint256(v.lastSignerUpdateEpoch) + signerUpdateLimit;
            if (currentEpoch < allowedAt) revert SignerUpdateTooSoon(allowedAt);
        }
        address newSigner = pubToAddress(signerPubkey);
        if (signerToValidator[newSigner] != 0) revert SignerInUse();
        address oldSigner = v.signer;

        v.signer = newSigner;
        v.lastSignerUpdateEpoch = uint64(currentEpoch);
        delete signerToValidator[oldSigner];
        signerToValidator[newSigner] = validatorId;
        _powerBySigner[newSigner] = _powerBySigner[oldSigner];
        delete _powerBySigner[oldSigner];
        uint256 nonce = ++v.nonce;
        emit SignerChange(validatorId, nonce, oldSigner, newSigner, signerPubkey);
    }

    /// @notice Pay the validator's accrued reward to its owner.
    function withdrawRewards(uint256 validatorId) external nonReentrant onlyValidatorOwner(validatorId) {
        Validator storage v = _validators[validatorId];
        _updateRewards(v);
        uint256 reward = v.reward;
        if (reward == 0) revert ZeroAmount();
        v.reward = 0;
        emit ClaimRewards(validatorId, reward);
        token.safeTransfer(msg.sender, reward);
    }

    /// @notice Add tokens to the checkpoint reward pool.
    function fundRewards(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        rewardPool += amount;
        emit RewardsFunded(msg.sender, amount, rewardPool);
        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    // ------------------------------------------------------------------ delegation (ValidatorShare)

    /// @notice Take `amount` from `delegator` (who approved this contract) for delegation.
    function delegationDeposit(uint256 validatorId, uint256 amount, address delegator)
        external
        nonReentrant
        onlyShareContract(validatorId)
    {
        token.safeTransferFrom(delegator, address(this), amount);
    }

    /// @notice Delegated stake changed by `amount` (positive: bought, negative: sold and now
    /// unbonding). Changes the validator's power while it is active.
    function updateValidatorState(uint256 validatorId, int256 amount)
        external
        nonReentrant
        onlyShareContract(validatorId)
    {
        Validator storage v = _validators[validatorId];
        _updateRewards(v);
        bool active = v.status == Status.Active;
        if (amount >= 0) {
            if (!active) revert NotActive();
            uint256 a = uint256(amount);
            v.delegatedAmount += a;
            _powerBySigner[v.signer] += a;
            totalStaked += a;
        } else {
            uint256 a = uint256(-amount);
            v.delegatedAmount -= a;
            v.delegatorsUnbonding += a;
            if (active) {
                _powerBySigner[v.signer] -= a;
                totalStaked -= a;
            }
        }
        if (active) {
            uint256 nonce = ++v.nonce;
            emit StakeUpdate(validatorId, nonce, v.amount + v.delegatedAmount);
        }
    }

    /// @notice Move the delegators' accrued reward to the ValidatorShare; returns the amount.
    function withdrawDelegatorsReward(uint256 validatorId)
        external
        nonReentrant
        onlyShareContract(validatorId)
        returns (uint256 reward)
    {
        Validator storage v = _validators[validatorId];
        _updateRewards(v);
        reward = v.delegatorsReward;
        if (reward > 0) {
            v.delegatorsReward = 0;
            emit DelegatorsRewardPulled(validatorId, reward);
            token.safeTransfer(msg.sender, reward);
        }
    }

    /// @notice Pay unbonded delegated stake to a delegator.
    function transferFunds(uint256 validatorId, uint256 amount, address to)
        external
        nonReentrant
        onlyShareContract(validatorId)
    {
        Validator storage v = _validators[validatorId];
        if (amount > v.delegatorsUnbonding) revert InsufficientUnbonding();
        v.delegatorsUnbonding -= amount;
        token.safeTransfer(to, amount);
    }

    // ------------------------------------------------------------------ checkpoints

    /// @inheritdoc ICheckpointValidatorSet
    function onCheckpoint(address proposer, uint256 blockInterval, bytes32 digest, bytes calldata sigs)
        external
        returns (uint256 reward)
    {
        if (msg.sender != rootChain) revert NotRootChain();
        uint256 total = totalStaked;
        uint256 signed = _signedPower(digest, sigs);
        if (!_hasSuperMajority(signed, total)) revert NotEnoughStakeSigned(signed, (total * 2) / 3 + 1);

        uint256 interval = blockInterval < checkpointBlockInterval ? blockInterval : checkpointBlockInterval;
        reward = (checkpointReward * interval * signed) / (checkpointBlockInterval * total);
        uint256 pool = rewardPool;
        if (reward > pool) reward = pool;
        uint256 bonus = 0;
        if (reward > 0) {
            rewardPool = pool - reward;
            // the proposer bonus goes to the proposer's validator if it is still active (it may
            // have unstaked since it proposed; the checkpoint stays valid, the bonus is shared)
            Validator storage p = _validators[signerToValidator[proposer]];
            if (p.status == Status.Active) {
                bonus = (reward * proposerBonus) / 100;
                p.reward += bonus;
            }
            rewardPerStake += ((reward - bonus) * REWARD_PRECISION) / total;
        }
        uint256 epoch = currentEpoch + 1;
        currentEpoch = epoch;
        emit CheckpointReward(proposer, epoch, reward, bonus, signed);
    }

    /// @inheritdoc ICheckpointValidatorSet
    function verifySignatures(bytes32 digest, bytes calldata sigs)
        external
        view
        returns (uint256 signedPower, uint256 totalPower)
    {
        return (_signedPower(digest, sigs), totalStaked);
    }

    /// @notice true iff `sigs` over `digest` carry at least 2/3 + 1 of the current stake
    function checkSignatures(bytes32 digest, bytes calldata sigs) external view returns (bool) {
        return _hasSuperMajority(_signedPower(digest, sigs), totalStaked);
    }

    function _signerPower(address signer) internal view override returns (uint256) {
        return _powerBySigner[signer];
    }

    // ------------------------------------------------------------------ rewards

    function _updateRewards(Validator storage v) private {
        uint256 rps = rewardPerStake;
        uint256 last = v.lastRewardPerStake;
        if (rps == last) return;
        v.lastRewardPerStake = rps;
        if (v.status != Status.Active) return;
        uint256 stake = v.amount + v.delegatedAmount;
        uint256 r = (stake * (rps - last)) / REWARD_PRECISION;
        if (r == 0) return;
        uint256 toDelegators = (r * v.delegatedAmount) / stake;
        v.delegatorsReward += toDelegators;
        v.reward += r - toDelegators;
    }

    // ------------------------------------------------------------------ governance

    function setRootChain(address rootChain_) external onlyOwner {
        if (rootChain_ == address(0)) revert ZeroAddress();
        emit RootChainChanged(rootChain, rootChain_);
        rootChain = rootChain_;
    }

    /// @notice Sets the dynasty, which is also the withdrawal delay (in epochs).
    function updateDynastyValue(uint256 newDynasty) external onlyOwner {
        if (newDynasty == 0) revert InvalidParameter();
        emit DynastyValueChange(newDynasty, dynasty);
        dynasty = newDynasty;
    }

    function updateValidatorThreshold(uint256 newThreshold) external onlyOwner {
        if (newThreshold == 0) revert InvalidParameter();
        emit ThresholdChange(newThreshold, validatorThreshold);
        validatorThreshold = newThreshold;
    }

    function updateMinDeposit(uint256 newMinDeposit) external onlyOwner {
        if (newMinDeposit == 0) revert InvalidParameter();
        emit MinDepositChange(newMinDeposit, minDeposit);
        minDeposit = newMinDeposit;
    }

    function updateRewardParams(uint256 reward, uint256 blockInterval, uint256 proposerBonusPercent)
        external
        onlyOwner
    {
        if (blockInterval == 0 || proposerBonusPercent > 100) revert InvalidParameter();
        checkpointReward = reward;
        checkpointBlockInterval = blockInterval;
        proposerBonus = proposerBonusPercent;
        emit RewardParamsChange(reward, blockInterval, proposerBonusPercent);
    }

    function updateSignerUpdateLimit(uint256 limit) external onlyOwner {
        emit SignerUpdateLimitChange(limit, signerUpdateLimit);
        signerUpdateLimit = limit;
    }

    // ------------------------------------------------------------------ views

    function withdrawalDelay() external view returns (uint256) {
        return dynasty;
    }

    function isValidator(uint256 validatorId) external view returns (bool) {
        return _validators[validatorId].status == Status.Active;
    }

    function getValidator(uint256 validatorId) external view returns (Validator memory) {
        return _validators[validatorId];
    }

    /// @notice Voting power (self + delegated stake) of an active validator, else 0.
    function validatorPower(uint256 validatorId) external view returns (uint256) {
        Validator storage v = _validators[validatorId];
        return v.status == Status.Active ? v.amount + v.delegatedAmount : 0;
    }

    function signerPower(address signer) external view returns (uint256) {
        return _powerBySigner[signer];
    }

    /// @notice Accrued reward of the validator and of its delegators, including pending accrual.
    function pendingRewards(uint256 validatorId) external view returns (uint256 validatorReward, uint256 delegatorsReward) {
        Validator storage v = _validators[validatorId];
        validatorReward = v.reward;
        delegatorsReward = v.delegatorsReward;
        uint256 stake = v.amount + v.delegatedAmount;
        if (v.status == Status.Active && stake > 0) {
            uint256 r = (stake * (rewardPerStake - v.lastRewardPerStake)) / REWARD_PRECISION;
            uint256 toDelegators = (r * v.delegatedAmount) / stake;
            delegatorsReward += toDelegators;
            validatorReward += r - toDelegators;
        }
    }

    /// @notice Signer address of an uncompressed secp256k1 public key (64 bytes, x ‖ y).
    function pubToAddress(bytes calldata pub) public pure returns (address signer) {
        if (pub.length != 64) revert InvalidPubkey();
        uint256 x = uint256(bytes32(pub[0:32]));
        uint256 y = uint256(bytes32(pub[32:64]));
        // the key must be a point of secp256k1: y^2 = x^3 + 7 (mod p)
        uint256 p = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F;
        if (x >= p || y >= p || mulmod(y, y, p) != addmod(mulmod(mulmod(x, x, p), x, p), 7, p)) {
            revert InvalidPubkey();
        }
        signer = address(uint160(uint256(keccak256(pub))));
        if (signer == address(0)) revert InvalidPubkey();
    }
}
