// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {BaseTest} from "./utils/BaseTest.sol";
import {StakeManager} from "../src/staking/StakeManager.sol";
import {RootChain} from "../src/root/RootChain.sol";
import {CheckpointSignatures} from "../src/lib/CheckpointSignatures.sol";
import {CheckpointVerifier} from "../src/root/CheckpointVerifier.sol";
import {IRootChain} from "../src/interfaces/IRootChain.sol";
import {MerkleTree} from "./utils/MerkleTree.sol";

contract RootChainTest is BaseTest {
    event NewHeaderBlock(
        address indexed proposer,
        uint256 indexed headerBlockId,
        uint256 indexed reward,
        uint256 start,
        uint256 end,
        bytes32 root
    );

    // 4 validators with equal stake: 3 of 4 (75%) pass, 2 of 4 do not (threshold 2/3 + 1)
    function setUp() public {
        _deployStakeChain(0);
        for (uint256 i = 1; i <= 4; i++) {
            _stake(0x1000 + i, 100 ether, false);
        }
    }

    function _keys(uint256 a, uint256 b, uint256 c) internal pure returns (uint256[] memory ks) {
        ks = new uint256[](3);
        ks[0] = a;
        ks[1] = b;
        ks[2] = c;
    }

    function test_acceptsCheckpointAndStoresHeaderBlock() public {
        bytes memory data = _checkpointData(vm.addr(0x1001), 0, 255, keccak256("root"));
        vm.expectEmit(true, true, true, true, address(rootChain));
        emit NewHeaderBlock(vm.addr(0x1001), 1, 0, 0, 255, keccak256("root"));
        rootChain.submitCheckpoint(data, _signSorted(_digest(data), _allKeys()));

        assertEq(rootChain.currentHeaderBlock(), 1);
        (bytes32 root, uint256 start, uint256 end, uint256 createdAt, address proposer) = rootChain.headerBlocks(1);
        assertEq(root, keccak256("root"));
        assertEq(start, 0);
        assertEq(end, 255);
        assertEq(createdAt, block.timestamp);
        assertEq(proposer, vm.addr(0x1001));
        assertEq(rootChain.lastAccountHash(), keccak256("accounts"));
        assertEq(rootChain.getHeaderBlock(1).proposer, vm.addr(0x1001));
        assertEq(rootChain.getLastChildBlock(), 255);
        assertEq(rootChain.nextStartBlock(), 256);
        assertEq(rootChain.checkpointDigest(data), _digest(data));

        // next one continues at 256, 3 of 4 signers are enough
        _submitCheckpoint(100, keccak256("root2"), _keys(0x1002, 0x1003, 0x1004));
        assertEq(rootChain.currentHeaderBlock(), 2);
        assertEq(rootChain.getLastChildBlock(), 355);
    }

    function test_rejectsWrongStartBlock() public {
        _submitCheckpoint(256, keccak256("r"), _allKeys());
        // a gap
        bytes memory data = _checkpointData(vm.addr(0x1001), 257, 300, keccak256("r2"));
        bytes memory sigs = _signSorted(_digest(data), _allKeys());
        vm.expectRevert(abi.encodeWithSelector(RootChain.WrongStartBlock.selector, 256, 257));
        rootChain.submitCheckpoint(data, sigs);
        // an overlap (e.g. the same checkpoint again)
        data = _checkpointData(vm.addr(0x1001), 0, 255, keccak256("r"));
        sigs = _signSorted(_digest(data), _allKeys());
        vm.expectRevert(abi.encodeWithSelector(RootChain.WrongStartBlock.selector, 256, 0));
        rootChain.submitCheckpoint(data, sigs);
        // end before start
        data = _checkpointData(vm.addr(0x1001), 256, 255, keccak256("r"));
        sigs = _signSorted(_digest(data), _allKeys());
        vm.expectRevert(RootChain.InvalidRange.selector);
        rootChain.submitCheckpoint(data, sigs);
    }

    function test_rejectsWrongChildChain() public {
        bytes memory data = abi.encode(vm.addr(0x1001), 0, 9, keccak256("r"), bytes32(0), CHILD_CHAIN_ID + 1);
        bytes memory sigs = _signSorted(_digest(data), _allKeys());
        vm.expectRevert(abi.encodeWithSelector(RootChain.WrongChildChain.selector, CHILD_CHAIN_ID, CHILD_CHAIN_ID + 1));
        rootChain.submitCheckpoint(data, sigs);
    }

    function test_rejectsForgedSignature() public {
        bytes memory data = _checkpointData(vm.addr(0x1001), 0, 9, keccak256("r"));
        // 2 genuine signatures + one by a key that is not a validator
        bytes memory sigs = _signSorted(_digest(data), _keys(0x1001, 0x1002, 0xBAD));
        vm.expectRevert(abi.encodeWithSelector(StakeManager.NotEnoughStakeSigned.selector, 200 ether, _required()));
        rootChain.submitCheckpoint(data, sigs);

        // 3 genuine signatures over different data (a forged root) do not count for this data
        bytes memory other = _checkpointData(vm.addr(0x1001), 0, 9, keccak256("honest root"));
        sigs = _signSorted(_digest(other), _keys(0x1001, 0x1002, 0x1003));
        vm.expectRevert(abi.encodeWithSelector(StakeManager.NotEnoughStakeSigned.selector, 0, _required()));
        rootChain.submitCheckpoint(data, sigs);

        // a tampered signature (flipped bit in r) recovers some other address
        sigs = _signSorted(_digest(data), _keys(0x1001, 0x1002, 0x1003));
        sigs[5] = bytes1(uint8(sigs[5]) ^ 0x01);
        (uint256 signed,) = stakeManager.verifySignatures(_digest(data), sigs);
        assertEq(signed, 200 ether);
        vm.expectRevert(abi.encodeWithSelector(StakeManager.NotEnoughStakeSigned.selector, signed, _required()));
        rootChain.submitCheckpoint(data, sigs);

        // a malleated (high-s) copy of a genuine signature is refused
        sigs = _signSorted(_digest(data), _keys(0x1001, 0x1002, 0x1003));
        sigs = _malleate(sigs, 0);
        (signed,) = stakeManager.verifySignatures(_digest(data), sigs);
        assertEq(signed, 200 ether);

        // bad length
        vm.expectRevert(CheckpointSignatures.BadSignaturesLength.selector);
        rootChain.submitCheckpoint(data, bytes.concat(sigs, hex"00"));
    }

    function test_rejectsDuplicateSigners() public {
        bytes memory data = _checkpointData(vm.addr(0x1001), 0, 9, keccak256("r"));
        bytes32 d = _digest(data);
        uint256[] memory two = _sortByAddress(_keys(0x1001, 0x1002, 0x1003));
        // signer A, A, B, B: 4 signatures but only 2 validators
        bytes memory sigs = bytes.concat(_sig(two[0], d), _sig(two[0], d), _sig(two[1], d), _sig(two[1], d));
        vm.expectRevert(abi.encodeWithSelector(StakeManager.NotEnoughStakeSigned.selector, 200 ether, _required()));
        rootChain.submitCheckpoint(data, sigs);
    }

    function test_rejectsUnsortedSigners() public {
        bytes memory data = _checkpointData(vm.addr(0x1001), 0, 9, keccak256("r"));
        bytes32 d = _digest(data);
        uint256[] memory s = _sortByAddress(_keys(0x1001, 0x1002, 0x1003));
        // descending order: only the first counts
        bytes memory sigs = bytes.concat(_sig(s[2], d), _sig(s[1], d), _sig(s[0], d));
        vm.expectRevert(abi.encodeWithSelector(StakeManager.NotEnoughStakeSigned.selector, 100 ether, _required()));
        rootChain.submitCheckpoint(data, sigs);
        // sorted, the same signatures pass
        rootChain.submitCheckpoint(data, bytes.concat(_sig(s[0], d), _sig(s[1], d), _sig(s[2], d)));
    }

    function test_rejectsUnderThresholdStake() public {
        // 5 × 100: three validators (300) are short of 2/3 + 1 of 500, four pass
        _stake(0x1005, 100 ether, false); // total 500
        bytes memory data = _checkpointData(vm.addr(0x1001), 0, 9, keccak256("r"));
        bytes memory sigs = _signSorted(_digest(data), _keys(0x1001, 0x1002, 0x1003)); // 300 < 334
        vm.expectRevert(
            abi.encodeWithSelector(StakeManager.NotEnoughStakeSigned.selector, 300 ether, uint256(500 ether) * 2 / 3 + 1)
        );
        rootChain.submitCheckpoint(data, sigs);
        assertFalse(stakeManager.checkSignatures(_digest(data), sigs));
        uint256[] memory four = new uint256[](4);
        four[0] = 0x1001;
        four[1] = 0x1002;
        four[2] = 0x1003;
        four[3] = 0x1005;
        sigs = _signSorted(_digest(data), four);
        assertTrue(stakeManager.checkSignatures(_digest(data), sigs));
        rootChain.submitCheckpoint(data, sigs);
    }

    function test_exactThresholdBoundary() public {
        // total 300 (3 × 100): 2/3 + 1 = 201, so two validators (200) fail, three pass
        _deployStakeChain(0);
        delete signerKeys;
        for (uint256 i = 1; i <= 3; i++) _stake(0x2000 + i, 100 ether, false);
        uint256[] memory ks = new uint256[](2);
        ks[0] = 0x2001;
        ks[1] = 0x2002;
        bytes memory data = _checkpointData(vm.addr(0x2001), 0, 9, keccak256("r"));
        vm.expectRevert(abi.encodeWithSelector(StakeManager.NotEnoughStakeSigned.selector, 200 ether, 200 ether + 1));
        rootChain.submitCheckpoint(data, _signSorted(_digest(data), ks));
    }

    function test_inactiveProposerGetsNoBonus() public {
        vm.startPrank(governance);
        token.approve(address(stakeManager), 1000 ether);
        stakeManager.fundRewards(1000 ether);
        stakeManager.updateRewardParams(100 ether, 10, 10);
        vm.stopPrank();
        // proposed by a key that is not (or no longer) a validator: accepted, no bonus, the whole
        // reward is shared by stake
        bytes memory data = _checkpointData(vm.addr(0xBAD), 0, 9, keccak256("r"));
        rootChain.submitCheckpoint(data, _signSorted(_digest(data), _allKeys()));
        for (uint256 id = 1; id <= 4; id++) {
            (uint256 r,) = stakeManager.pendingRewards(id);
            assertApproxEqAbs(r, 25 ether, 1e6);
        }
        // an active proposer gets 10 % on top of its share of the other 90 %
        _submitCheckpoint(10, keccak256("r2"), _allKeys());
        (uint256 r1,) = stakeManager.pendingRewards(1);
        uint256 proposerId = stakeManager.signerToValidator(vm.addr(0x1001));
        (uint256 rp,) = stakeManager.pendingRewards(proposerId);
        assertApproxEqAbs(rp, 25 ether + 10 ether + 22.5 ether, 1e6);
        assertTrue(r1 > 0);
    }

    function test_firstBlockOfStream() public {
        // a root chain activated at sidechain block 1000 accepts only start == 1000 first
        RootChain late = new RootChain(rootChain.validatorSet(), CHILD_CHAIN_ID, 1000);
        vm.prank(governance);
        stakeManager.setRootChain(address(late));
        bytes memory data = _checkpointData(vm.addr(0x1001), 0, 9, keccak256("r"));
        bytes memory sigs = _signSorted(_digest(data), _allKeys());
        vm.expectRevert(abi.encodeWithSelector(RootChain.WrongStartBlock.selector, 1000, 0));
        late.submitCheckpoint(data, sigs);
        data = _checkpointData(vm.addr(0x1001), 1000, 1009, keccak256("r"));
        late.submitCheckpoint(data, _signSorted(_digest(data), _allKeys()));
        assertEq(late.nextStartBlock(), 1010);
    }

    function _required() internal view returns (uint256) {
        return stakeManager.totalStaked() * 2 / 3 + 1;
    }

    /// @dev replaces signature i by its (r, n - s, v ^ 1) twin, which ecrecover also accepts
    function _malleate(bytes memory sigs, uint256 i) internal pure returns (bytes memory) {
        uint256 n = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
        uint256 off = i * 65;
        uint256 s;
        assembly {
            s := mload(add(add(sigs, 0x20), add(off, 32)))
        }
        s = n - s;
        assembly {
            mstore(add(add(sigs, 0x20), add(off, 32)), s)
        }
        sigs[off + 64] = bytes1(uint8(sigs[off + 64]) == 27 ? 28 : 27);
        return sigs;
    }

    function test_verifierProvesABlockOfACheckpoint() public {
        // Blocks 0..4 with leaves from their Ethereum view; the checkpoint commits their root.
        bytes32[] memory leaves = new bytes32[](5);
        for (uint256 n = 0; n < 5; n++) {
            leaves[n] = MerkleTree.blockLeaf(n, 1000 + n, keccak256(abi.encode("tx", n)), keccak256(abi.encode("rc", n)));
        }
        bytes32 root = MerkleTree.root(leaves);
        bytes memory data = _checkpointData(vm.addr(0x1001), 0, 4, root);
        rootChain.submitCheckpoint(data, _signSorted(_digest(data), _allKeys()));
        CheckpointVerifier verifier = new CheckpointVerifier(IRootChain(address(rootChain)));
        for (uint256 n = 0; n < 5; n++) {
            bytes memory proof = MerkleTree.proof(leaves, n);
            assertEq(verifier.blockLeaf(n, 1000 + n, keccak256(abi.encode("tx", n)), keccak256(abi.encode("rc", n))), leaves[n]);
            assertTrue(verifier.checkMembership(leaves[n], n, root, proof));
            assertTrue(
                verifier.isCheckpointed(1, n, 1000 + n, keccak256(abi.encode("tx", n)), keccak256(abi.encode("rc", n)), proof)
            );
            // Another time, or a block outside the checkpoint, is not in it.
            assertFalse(
                verifier.isCheckpointed(1, n, 999, keccak256(abi.encode("tx", n)), keccak256(abi.encode("rc", n)), proof)
            );
        }
        assertFalse(verifier.isCheckpointed(1, 5, 1005, bytes32(0), bytes32(0), ""));
    }
}
