// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {BaseTest} from "./utils/BaseTest.sol";
import {StakeManager} from "../src/staking/StakeManager.sol";
import {ValidatorShare} from "../src/staking/ValidatorShare.sol";

contract StakingCycleTest is BaseTest {
    uint256 internal constant STAKE = 100 ether;
    uint256 internal constant REWARD = 1000 ether;
    address internal delegator = makeAddr("delegator");

    event Staked(
        address indexed signer,
        uint256 indexed validatorId,
        uint256 nonce,
        uint256 indexed activationEpoch,
        uint256 amount,
        uint256 total,
        bytes signerPubkey
    );
    event StakeUpdate(uint256 indexed validatorId, uint256 indexed nonce, uint256 indexed newAmount);
    event UnstakeInit(
        address indexed user, uint256 indexed validatorId, uint256 nonce, uint256 deactivationEpoch, uint256 indexed amount
    );
    event Unstaked(address indexed user, uint256 indexed validatorId, uint256 nonce, uint256 amount, uint256 total);
    event SignerChange(
        uint256 indexed validatorId, uint256 nonce, address indexed oldSigner, address indexed newSigner, bytes signerPubkey
    );
    event Restaked(uint256 indexed validatorId, uint256 nonce, uint256 amount, uint256 newPower, uint256 total);

    function setUp() public {
        _deployStakeChain(0);
        vm.startPrank(governance);
        stakeManager.updateRewardParams(REWARD, 256, 10);
        stakeManager.updateDynastyValue(4);
        token.approve(address(stakeManager), 1_000_000 ether);
        stakeManager.fundRewards(1_000_000 ether);
        vm.stopPrank();
    }

    function _stake4() internal {
        _stake(0xA11CE, STAKE, true);
        _stake(0xB0B, STAKE, false);
        _stake(0xC4A5, STAKE, false);
        _stake(0xD00D, STAKE, false);
    }

    function test_stakeForEmitsStakedWithSignerFromPubkey() public {
        bytes memory pub = _pubkey(0xA11CE);
        address owner = makeAddr("o");
        _fund(owner, STAKE);
        vm.startPrank(owner);
        token.approve(address(stakeManager), STAKE);
        vm.expectEmit(true, true, true, true, address(stakeManager));
        emit Staked(vm.addr(0xA11CE), 1, 1, 1, STAKE, STAKE, pub);
        uint256 id = stakeManager.stakeFor(owner, STAKE, true, pub);
        vm.stopPrank();
        assertEq(id, 1);
        assertEq(stakeManager.signerToValidator(vm.addr(0xA11CE)), 1);
        assertEq(stakeManager.signerPower(vm.addr(0xA11CE)), STAKE);
        assertEq(stakeManager.totalStaked(), STAKE);
        assertEq(token.balanceOf(address(stakeManager)), 1_000_000 ether + STAKE);
        assertTrue(stakeManager.getValidator(1).contractAddress != address(0));
    }

    function test_rejectsInvalidPubkeyAndReusedSigner() public {
        _stake(0xA11CE, STAKE, false);
        address owner = makeAddr("o");
        _fund(owner, 3 * STAKE);
        vm.startPrank(owner);
        token.approve(address(stakeManager), 3 * STAKE);
        bytes memory offCurve = abi.encodePacked(bytes32(uint256(1)), bytes32(uint256(2)));
        vm.expectRevert(StakeManager.InvalidPubkey.selector);
        stakeManager.stakeFor(owner, STAKE, false, offCurve);
        vm.expectRevert(StakeManager.InvalidPubkey.selector);
        stakeManager.stakeFor(owner, STAKE, false, bytes.concat(hex"04", _pubkey(7)));
        vm.expectRevert(StakeManager.SignerInUse.selector);
        stakeManager.stakeFor(owner, STAKE, false, _pubkey(0xA11CE));
        vm.expectRevert(StakeManager.BelowMinDeposit.selector);
        stakeManager.stakeFor(owner, 0.5 ether, false, _pubkey(8));
        vm.stopPrank();
    }

    function test_validatorThreshold() public {
        vm.prank(governance);
        stakeManager.updateValidatorThreshold(2);
        _stake(1, STAKE, false);
        _stake(2, STAKE, false);
        address owner = makeAddr("o");
        _fund(owner, STAKE);
        vm.startPrank(owner);
        token.approve(address(stakeManager), STAKE);
        vm.expectRevert(StakeManager.ValidatorSetFull.selector);
        stakeManager.stakeFor(owner, STAKE, false, _pubkey(3));
        vm.stopPrank();
        // a validator leaving frees a slot
        vm.prank(validatorOwners[0]);
        stakeManager.unstake(1);
        vm.startPrank(owner);
        assertEq(stakeManager.stakeFor(owner, STAKE, false, _pubkey(3)), 3);
        vm.stopPrank();
    }

    /// stake -> delegate -> checkpoint -> reward -> unstake -> claim, for a validator and a delegator
    function test_fullCycle() public {
        _stake4();
        StakeManager.Validator memory v1 = stakeManager.getValidator(1);
        ValidatorShare share = ValidatorShare(v1.contractAddress);
        assertEq(share.validatorId(), 1);

        // --- delegate 100 to validator 1: its power becomes 200
        _fund(delegator, 100 ether);
        vm.startPrank(delegator);
        token.approve(address(stakeManager), 100 ether);
        vm.expectEmit(true, true, true, true, address(stakeManager));
        emit StakeUpdate(1, 2, 200 ether);
        uint256 shares = share.buyVoucher(100 ether, 0);
        vm.stopPrank();
        assertEq(shares, 100 ether);
        assertEq(share.exchangeRate(), share.EXCHANGE_RATE_PRECISION());
        assertEq(stakeManager.validatorPower(1), 200 ether);
        assertEq(stakeManager.signerPower(vm.addr(0xA11CE)), 200 ether);
        assertEq(stakeManager.totalStaked(), 500 ether);

        // --- a checkpoint of 256 blocks signed by everyone, proposed by validator 1
        uint256 poolBefore = stakeManager.rewardPool();
        uint256[] memory all = _allKeys();
        uint256 epochBefore = stakeManager.currentEpoch();
        bytes memory data = _checkpointData(vm.addr(0xA11CE), 0, 255, keccak256("root-0"));
        rootChain.submitCheckpoint(data, _signSorted(_digest(data), all));
        assertEq(stakeManager.currentEpoch(), epochBefore + 1);
        assertEq(rootChain.currentHeaderBlock(), 1);
        assertEq(poolBefore - stakeManager.rewardPool(), REWARD);

        // 10% bonus to the proposer, 900 split by power: v1 360 (half to its delegator), others 180
        (uint256 v1Reward, uint256 v1Delegators) = stakeManager.pendingRewards(1);
        assertApproxEqAbs(v1Reward, 100 ether + 180 ether, 1e6);
        assertApproxEqAbs(v1Delegators, 180 ether, 1e6);
        (uint256 v2Reward,) = stakeManager.pendingRewards(2);
        assertApproxEqAbs(v2Reward, 180 ether, 1e6);

        // --- rewards paid out
        vm.prank(delegator);
        share.withdrawRewards();
        assertApproxEqAbs(token.balanceOf(delegator), 180 ether, 1e6);
        vm.prank(validatorOwners[0]);
        stakeManager.withdrawRewards(1);
        assertApproxEqAbs(token.balanceOf(validatorOwners[0]), 280 ether, 1e6);

        // --- validator 2 unstakes: leaves the set now, claim after the withdrawal delay (4 epochs)
        uint256 unstakeEpoch = stakeManager.currentEpoch();
        vm.expectEmit(true, true, true, true, address(stakeManager));
        emit UnstakeInit(validatorOwners[1], 2, 2, unstakeEpoch, STAKE);
        vm.prank(validatorOwners[1]);
        stakeManager.unstake(2);
        assertEq(stakeManager.totalStaked(), 400 ether);
        assertEq(stakeManager.signerPower(vm.addr(0xB0B)), 0);
        assertFalse(stakeManager.isValidator(2));

        vm.prank(validatorOwners[1]);
        vm.expectRevert(abi.encodeWithSelector(StakeManager.ClaimTooEarly.selector, unstakeEpoch + 4));
        stakeManager.unstakeClaim(2);

        // --- the delegator sells: unbonding starts, the validator's power drops
        vm.prank(delegator);
        uint256 unbondNonce = share.sellVoucher(100 ether, 100 ether);
        assertEq(stakeManager.validatorPower(1), 100 ether);
        assertEq(stakeManager.totalStaked(), 300 ether);
        vm.prank(delegator);
        vm.expectRevert(abi.encodeWithSelector(ValidatorShare.ClaimTooEarly.selector, unstakeEpoch + 4));
        share.unstakeClaimTokens(unbondNonce);

        // --- 4 more checkpoints by the remaining validators (2 cannot sign any more)
        uint256[] memory rest = new uint256[](3);
        rest[0] = 0xA11CE;
        rest[1] = 0xC4A5;
        rest[2] = 0xD00D;
        for (uint256 i = 0; i < 4; i++) {
            _submitCheckpoint(128, keccak256(abi.encode("root", i)), rest);
        }
        assertEq(stakeManager.currentEpoch(), unstakeEpoch + 4);

        // --- claims now succeed
        uint256 ownerBefore = token.balanceOf(validatorOwners[1]);
        vm.expectEmit(true, true, true, true, address(stakeManager));
        emit Unstaked(validatorOwners[1], 2, 3, STAKE, 300 ether);
        vm.prank(validatorOwners[1]);
        stakeManager.unstakeClaim(2);
        assertApproxEqAbs(token.balanceOf(validatorOwners[1]) - ownerBefore, STAKE + 180 ether, 1e6);
        assertEq(stakeManager.signerToValidator(vm.addr(0xB0B)), 0);

        uint256 delegatorBefore = token.balanceOf(delegator);
        vm.prank(delegator);
        share.unstakeClaimTokens(unbondNonce);
        assertEq(token.balanceOf(delegator) - delegatorBefore, 100 ether);
        vm.prank(delegator);
        vm.expectRevert(ValidatorShare.NoUnbond.selector);
        share.unstakeClaimTokens(unbondNonce);

        // claim twice fails
        vm.prank(validatorOwners[1]);
        vm.expectRevert(StakeManager.NotUnstaked.selector);
        stakeManager.unstakeClaim(2);

        _assertSolvent();
    }

    function test_rejectsClaimBeforeDelay() public {
        _stake4();
        vm.prank(validatorOwners[3]);
        stakeManager.unstake(4);
        uint256 claimableAt = stakeManager.currentEpoch() + stakeManager.dynasty();
        uint256[] memory rest = new uint256[](3);
        rest[0] = 0xA11CE;
        rest[1] = 0xB0B;
        rest[2] = 0xC4A5;
        // one epoch short of the delay
        for (uint256 i = 0; i + 1 < stakeManager.dynasty(); i++) _submitCheckpoint(64, keccak256(abi.encode(i)), rest);
        vm.prank(validatorOwners[3]);
        vm.expectRevert(abi.encodeWithSelector(StakeManager.ClaimTooEarly.selector, claimableAt));
        stakeManager.unstakeClaim(4);
        // someone else cannot claim it
        vm.expectRevert(StakeManager.NotValidatorOwner.selector);
        stakeManager.unstakeClaim(4);
        _submitCheckpoint(64, keccak256("last"), rest);
        uint256 before = token.balanceOf(validatorOwners[3]);
        vm.prank(validatorOwners[3]);
        stakeManager.unstakeClaim(4);
        assertEq(token.balanceOf(validatorOwners[3]) - before, STAKE);
    }

    function test_delegatorRestakeAndValidatorRestake() public {
        _stake4();
        ValidatorShare share = ValidatorShare(stakeManager.getValidator(1).contractAddress);
        _fund(delegator, 100 ether);
        vm.startPrank(delegator);
        token.approve(address(stakeManager), 100 ether);
        share.buyVoucher(100 ether, 0);
        vm.stopPrank();
        _submitCheckpoint(256, keccak256("r"), _allKeys());

        vm.prank(delegator);
        (uint256 amount,) = share.restake();
        assertApproxEqAbs(amount, 180 ether, 1e6);
        assertApproxEqAbs(stakeManager.validatorPower(1), 200 ether + amount, 0);

        // validator 3 restakes its reward plus 10 new tokens
        (uint256 r3,) = stakeManager.pendingRewards(3);
        _fund(validatorOwners[2], 10 ether);
        vm.startPrank(validatorOwners[2]);
        token.approve(address(stakeManager), 10 ether);
        vm.expectEmit(true, true, true, true, address(stakeManager));
        emit Restaked(3, 2, 10 ether + r3, STAKE + 10 ether + r3, stakeManager.totalStaked() + 10 ether + r3);
        stakeManager.restake(3, 10 ether, true);
        vm.stopPrank();
        assertEq(stakeManager.signerPower(vm.addr(0xC4A5)), STAKE + 10 ether + r3);
        _assertSolvent();
    }

    function test_updateSigner() public {
        _stake4();
        uint256 newKey = 0xBEEF;
        vm.expectEmit(true, true, true, true, address(stakeManager));
        emit SignerChange(1, 2, vm.addr(0xA11CE), vm.addr(newKey), _pubkey(newKey));
        vm.prank(validatorOwners[0]);
        stakeManager.updateSigner(1, _pubkey(newKey));
        assertEq(stakeManager.signerPower(vm.addr(0xA11CE)), 0);
        assertEq(stakeManager.signerPower(vm.addr(newKey)), STAKE);

        // the old key no longer counts: 3 of 4 is not enough when one of them is the old key
        uint256[] memory ks = new uint256[](3);
        ks[0] = 0xA11CE;
        ks[1] = 0xB0B;
        ks[2] = 0xC4A5;
        uint256 start = rootChain.nextStartBlock();
        bytes memory data = _checkpointData(vm.addr(0xB0B), start, start + 9, keccak256("r"));
        vm.expectRevert(abi.encodeWithSelector(StakeManager.NotEnoughStakeSigned.selector, 200 ether, uint256(400 ether) * 2 / 3 + 1));
        rootChain.submitCheckpoint(data, _signSorted(_digest(data), ks));
        ks[0] = newKey;
        rootChain.submitCheckpoint(data, _signSorted(_digest(data), ks));

        // a second change is rate limited
        vm.prank(validatorOwners[0]);
        vm.expectRevert(abi.encodeWithSelector(StakeManager.SignerUpdateTooSoon.selector, 1 + 100));
        stakeManager.updateSigner(1, _pubkey(0xBEEF2));
        // only the owner may change it
        vm.expectRevert(StakeManager.NotValidatorOwner.selector);
        stakeManager.updateSigner(2, _pubkey(0xBEEF3));
    }

    function test_onlyRootChainCanReportCheckpoints() public {
        _stake4();
        bytes memory data = _checkpointData(vm.addr(0xA11CE), 0, 9, keccak256("r"));
        bytes memory sigs = _signSorted(_digest(data), _allKeys());
        vm.expectRevert(StakeManager.NotRootChain.selector);
        stakeManager.onCheckpoint(vm.addr(0xA11CE), 10, _digest(data), sigs);
    }

    function test_rewardPoolCapsRewards() public {
        StakeManager fresh = stakeManager;
        _stake4();
        // drain the pool to 5 tokens through governance: fresh deployment with small pool
        _deployStakeChain(0);
        vm.startPrank(governance);
        token.approve(address(stakeManager), 5 ether);
        stakeManager.fundRewards(5 ether);
        vm.stopPrank();
        delete signerKeys;
        delete validatorOwners;
        _stake4();
        _submitCheckpoint(256, keccak256("r"), _allKeys());
        assertEq(stakeManager.rewardPool(), 0);
        (uint256 r1,) = stakeManager.pendingRewards(1);
        assertApproxEqAbs(r1, 0.5 ether + 1.125 ether, 1e6);
        assertTrue(address(fresh) != address(stakeManager));
        _assertSolvent();
    }

    /// every token the StakeManager owes is there
    function _assertSolvent() internal view {
        uint256 owed = stakeManager.rewardPool();
        for (uint256 id = 1; id <= stakeManager.validatorCount(); id++) {
            StakeManager.Validator memory v = stakeManager.getValidator(id);
            (uint256 r, uint256 d) = stakeManager.pendingRewards(id);
            owed += v.amount + v.delegatedAmount + v.delegatorsUnbonding + r + d;
        }
        assertGe(token.balanceOf(address(stakeManager)), owed);
    }
}
