// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

import {IStakeManager} from "../interfaces/IStakeManager.sol";

/// @title ValidatorShare
/// @notice Delegation to one validator. Delegators buy shares ("vouchers") with BTT; the
/// stake is held by the StakeManager and counts in the validator's power. The delegators'
/// part of the validator's checkpoint rewards is distributed per share. Selling shares
/// starts an unbonding that can be claimed after the StakeManager's withdrawal delay.
/// @dev Deployed by ValidatorShareFactory for the StakeManager that asked for it. Shares are
/// not transferable.
contract ValidatorShare is ReentrancyGuard {
    using SafeERC20 for IERC20;

    struct Unbond {
        uint256 amount;
        uint256 withdrawEpoch; // epoch of the sale
    }

    error NotStakeManager();
    error ZeroAmount();
    error ValidatorNotActive();
    error TooMuchSlippage(uint256 shares, uint256 limit);
    error InsufficientShares();
    error NoUnbond();
    error ClaimTooEarly(uint256 claimableAtEpoch);
    error NoReward();

    event ShareMinted(uint256 indexed validatorId, address indexed user, uint256 indexed amount, uint256 tokens);
    event ShareBurned(
        uint256 indexed validatorId, address indexed user, uint256 indexed amount, uint256 tokens, uint256 unbondNonce
    );
    event DelegatorClaimedRewards(uint256 indexed validatorId, address indexed user, uint256 indexed rewards);
    event DelegatorRestaked(uint256 indexed validatorId, address indexed user, uint256 indexed totalStaked);
    event DelegatorUnstaked(uint256 indexed validatorId, address indexed user, uint256 amount, uint256 unbondNonce);
    event RewardsDistributed(uint256 indexed validatorId, uint256 amount, uint256 rewardPerShare);

    uint256 public constant EXCHANGE_RATE_PRECISION = 1e29;
    uint256 public constant REWARD_PRECISION = 1e25;

    IStakeManager public immutable stakeManager;
    IERC20 public immutable token;
    uint256 public immutable validatorId;

    uint256 public totalShares;
    /// @notice delegated stake currently counting in the validator's power
    uint256 public activeAmount;
    uint256 public rewardPerShare;

    mapping(address => uint256) public balanceOf; // shares
    mapping(address => uint256) public initialRewardPerShare;
    mapping(address => uint256) public unbondNonces;
    mapping(address => mapping(uint256 => Unbond)) public unbonds;

    constructor(IStakeManager stakeManager_, IERC20 token_, uint256 validatorId_) {
        stakeManager = stakeManager_;
        token = token_;
        validatorId = validatorId_;
    }

    /// @notice Tokens per share × EXCHANGE_RATE_PRECISION.
    function exchangeRate() public view returns (uint256) {
        uint256 shares = totalShares;
        return shares == 0 ? EXCHANGE_RATE_PRECISION : (activeAmount * EXCHANGE_RATE_PRECISION) / shares;
    }

    /// @notice Delegated tokens of `user` and the total (at the current exchange rate).
    function getTotalStake(address user) external view returns (uint256 amount, uint256 rate) {
        rate = exchangeRate();
        amount = (balanceOf[user] * rate) / EXCHANGE_RATE_PRECISION;
    }

    /// @notice Reward of `user` already distributed to this contract (not counting the
    /// validator's pending accrual in the StakeManager).
    function getLiquidRewards(address user) public view returns (uint256) {
        return (balanceOf[user] * (rewardPerShare - initialRewardPerShare[user])) / REWARD_PRECISION;
    }

    /// @notice Delegate `amount` (the caller must have approved the StakeManager for it).
    function buyVoucher(uint256 amount, uint256 minSharesToMint) external nonReentrant returns (uint256 shares) {
        if (amount == 0) revert ZeroAmount();
        if (!stakeManager.isValidator(validatorId)) revert ValidatorNotActive();
        _pullRewards();
        _payReward(msg.sender);

        shares = (amount * EXCHANGE_RATE_PRECISION) / exchangeRate();
        if (shares == 0 || shares < minSharesToMint) revert TooMuchSlippage(shares, minSharesToMint);
        balanceOf[msg.sender] += shares;
        totalShares += shares;
        activeAmount += amount;
        emit ShareMinted(validatorId, msg.sender, shares, amount);

        stakeManager.delegationDeposit(validatorId, amount, msg.sender);
        stakeManager.updateValidatorState(validatorId, int256(amount));
    }

    /// @notice Sell shares worth `claimAmount` tokens; they can be claimed with
    /// unstakeClaimTokens(nonce) after the withdrawal delay.
    function sellVoucher(uint256 claimAmount, uint256 maximumSharesToBurn)
        external
        nonReentrant
        returns (uint256 unbondNonce)
    {
        if (claimAmount == 0) revert ZeroAmount();
        _pullRewards();
        _payReward(msg.sender);

        uint256 rate = exchangeRate();
        uint256 shares = (claimAmount * EXCHANGE_RATE_PRECISION + rate - 1) / rate; // round up
        if (shares > maximumSharesToBurn) revert TooMuchSlippage(shares, maximumSharesToBurn);
        if (shares > balanceOf[msg.sender]) revert InsufficientShares();
        balanceOf[msg.sender] -= shares;
        totalShares -= shares;
        activeAmount -= claimAmount;
        unbondNonce = ++unbondNonces[msg.sender];
        unbonds[msg.sender][unbondNonce] = Unbond(claimAmount, stakeManager.currentEpoch());
        emit ShareBurned(validatorId, msg.sender, shares, claimAmount, unbondNonce);

        stakeManager.updateValidatorState(validatorId, -int256(claimAmount));
    }

    /// @notice Claim the tokens of sale `unbondNonce` once the withdrawal delay has passed.
    function unstakeClaimTokens(uint256 unbondNonce) external nonReentrant {
        Unbond memory u = unbonds[msg.sender][unbondNonce];
        if (u.amount == 0) revert NoUnbond();
        uint256 claimableAt = u.withdrawEpoch + stakeManager.withdrawalDelay();
        if (stakeManager.currentEpoch() < claimableAt) revert ClaimTooEarly(claimableAt);
        delete unbonds[msg.sender][unbondNonce];
        emit DelegatorUnstaked(validatorId, msg.sender, u.amount, unbondNonce);

        stakeManager.transferFunds(validatorId, u.amount, msg.sender);
    }

    /// @notice Pay the caller's accrued delegation reward.
    function withdrawRewards() external nonReentrant {
        _pullRewards();
        if (_payReward(msg.sender) == 0) revert NoReward();
    }

    /// @notice Delegate the caller's accrued reward (compounding).
    function restake() external nonReentrant returns (uint256 amount, uint256 shares) {
        if (!stakeManager.isValidator(validatorId)) revert ValidatorNotActive();
        _pullRewards();
        amount = getLiquidRewards(msg.sender);
        if (amount == 0) revert NoReward();
        initialRewardPerShare[msg.sender] = rewardPerShare;

        shares = (amount * EXCHANGE_RATE_PRECISION) / exchangeRate();
        if (shares == 0) revert ZeroAmount();
        balanceOf[msg.sender] += shares;
        totalShares += shares;
        activeAmount += amount;
        emit ShareMinted(validatorId, msg.sender, shares, amount);
        emit DelegatorRestaked(validatorId, msg.sender, (balanceOf[msg.sender] * exchangeRate()) / EXCHANGE_RATE_PRECISION);

        token.safeTransfer(address(stakeManager), amount);
        stakeManager.updateValidatorState(validatorId, int256(amount));
    }

    /// @dev Bring the delegators' reward accrued in the StakeManager here and spread it over
    /// the current shares.
    function _pullRewards() private {
        uint256 reward = stakeManager.withdrawDelegatorsReward(validatorId);
        if (reward > 0) {
            uint256 shares = totalShares;
            if (shares > 0) {
                rewardPerShare += (reward * REWARD_PRECISION) / shares;
                emit RewardsDistributed(validatorId, reward, rewardPerShare);
            }
        }
    }

    function _payReward(address user) private returns (uint256 reward) {
        reward = getLiquidRewards(user);
        initialRewardPerShare[user] = rewardPerShare;
        if (reward > 0) {
            emit DelegatorClaimedRewards(validatorId, user, reward);
            token.safeTransfer(user, reward);
        }
    }
}

/// @title ValidatorShareFactory
/// @notice Deploys a ValidatorShare bound to the calling StakeManager.
contract ValidatorShareFactory {
    event ValidatorShareCreated(address indexed stakeManager, uint256 indexed validatorId, address share);

    function create(uint256 validatorId, address token) external returns (address share) {
        share = address(new ValidatorShare(IStakeManager(msg.sender), IERC20(token), validatorId));
        emit ValidatorShareCreated(msg.sender, validatorId, share);
    }
}
