// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {BaseTest} from "./utils/BaseTest.sol";
import {ValidatorSetMirror} from "../src/root/ValidatorSetMirror.sol";
import {RootChain} from "../src/root/RootChain.sol";
import {StateSender} from "../src/root/StateSender.sol";
import {ICheckpointValidatorSet} from "../src/interfaces/ICheckpointValidatorSet.sol";

/// Validator-set mirror on a non-stake root chain (e.g. BSC, BTTC root chain id 3).
contract MirrorTest is BaseTest {
    uint256 internal constant BSC = 3;
    ValidatorSetMirror internal mirror;
    RootChain internal bscRootChain;
    uint256[] internal keys;

    event StakingSynced(uint256 indexed syncNonce, bytes32 indexed digest, uint256 totalPower, uint256 validatorCount);

    function setUp() public {
        for (uint256 i = 1; i <= 4; i++) keys.push(0x3000 + i);
        address[] memory signers = new address[](4);
        uint256[] memory powers = new uint256[](4);
        for (uint256 i = 0; i < 4; i++) {
            signers[i] = vm.addr(keys[i]);
            powers[i] = 100 ether;
        }
        mirror = new ValidatorSetMirror(BSC, signers, powers);
        bscRootChain = new RootChain(ICheckpointValidatorSet(address(mirror)), CHILD_CHAIN_ID, 0);
        mirror.setRootChain(address(bscRootChain));
    }

    function _payload(uint256 nonce, address[] memory signers, uint256[] memory powers)
        internal
        view
        returns (bytes memory)
    {
        return abi.encode(BSC, address(mirror), nonce, signers, powers);
    }

    function _one(address a, uint256 p) internal pure returns (address[] memory s, uint256[] memory w) {
        s = new address[](1);
        w = new uint256[](1);
        s[0] = a;
        w[0] = p;
    }

    function _first(uint256 n) internal view returns (uint256[] memory ks) {
        ks = new uint256[](n);
        for (uint256 i = 0; i < n; i++) ks[i] = keys[i];
    }

    function test_syncAddsValidatorAndCheckpointUsesNewSet() public {
        (address[] memory s, uint256[] memory w) = _one(vm.addr(0x3005), 400 ether);
        bytes memory payload = _payload(1, s, w);
        bytes32 digest = mirror.syncDigest(payload);
        assertEq(digest, keccak256(abi.encodePacked(bytes1(0x02), payload)));
        vm.expectEmit(true, true, true, true, address(mirror));
        emit StakingSynced(1, digest, 800 ether, 5);
        mirror.syncValidatorSet(payload, _signSorted(digest, _first(3)));
        assertEq(mirror.totalPower(), 800 ether);
        assertEq(mirror.powerOf(vm.addr(0x3005)), 400 ether);
        assertEq(mirror.syncNonce(), 1);

        // the old three (300 of 800) no longer reach 2/3 + 1 for a checkpoint
        bytes memory data = _checkpointData(vm.addr(keys[0]), 0, 9, keccak256("r"));
        vm.expectRevert(
            abi.encodeWithSelector(ValidatorSetMirror.NotEnoughPowerSigned.selector, 300 ether, uint256(800 ether) * 2 / 3 + 1)
        );
        bscRootChain.submitCheckpoint(data, _signSorted(_digest(data), _first(3)));
        // with the new validator they do
        uint256[] memory ks = new uint256[](3);
        ks[0] = keys[0];
        ks[1] = keys[1];
        ks[2] = 0x3005;
        bscRootChain.submitCheckpoint(data, _signSorted(_digest(data), ks));
        assertEq(bscRootChain.currentHeaderBlock(), 1);
        assertEq(mirror.currentEpoch(), 2);
    }

    function test_syncRemovesValidator() public {
        (address[] memory s, uint256[] memory w) = _one(vm.addr(keys[3]), 0);
        bytes memory payload = _payload(1, s, w);
        mirror.syncValidatorSet(payload, _signSorted(mirror.syncDigest(payload), _first(3)));
        assertEq(mirror.totalPower(), 300 ether);
        assertEq(mirror.validatorCount(), 3);
    }

    function test_rejectsSyncBelowThreshold() public {
        (address[] memory s, uint256[] memory w) = _one(vm.addr(0x3005), 1000 ether);
        bytes memory payload = _payload(1, s, w);
        bytes32 digest = mirror.syncDigest(payload);
        // 2 of 4 equal validators: 200 < 267
        vm.expectRevert(
            abi.encodeWithSelector(ValidatorSetMirror.NotEnoughPowerSigned.selector, 200 ether, uint256(400 ether) * 2 / 3 + 1)
        );
        mirror.syncValidatorSet(payload, _signSorted(digest, _first(2)));
        // outsiders' signatures do not count
        uint256[] memory ks = new uint256[](4);
        ks[0] = keys[0];
        ks[1] = keys[1];
        ks[2] = 0x3005;
        ks[3] = 0x3006;
        vm.expectRevert(
            abi.encodeWithSelector(ValidatorSetMirror.NotEnoughPowerSigned.selector, 200 ether, uint256(400 ether) * 2 / 3 + 1)
        );
        mirror.syncValidatorSet(payload, _signSorted(digest, ks));
        // duplicates do not count
        uint256 k = _sortByAddress(_first(2))[0];
        vm.expectRevert(
            abi.encodeWithSelector(ValidatorSetMirror.NotEnoughPowerSigned.selector, 100 ether, uint256(400 ether) * 2 / 3 + 1)
        );
        mirror.syncValidatorSet(payload, bytes.concat(_sig(k, digest), _sig(k, digest), _sig(k, digest)));
        assertEq(mirror.syncNonce(), 0);
        assertEq(mirror.totalPower(), 400 ether);
    }

    function test_rejectsReplayWrongNonceAndWrongTarget() public {
        (address[] memory s, uint256[] memory w) = _one(vm.addr(0x3005), 100 ether);
        bytes memory payload = _payload(1, s, w);
        bytes memory sigs = _signSorted(mirror.syncDigest(payload), _first(3));
        mirror.syncValidatorSet(payload, sigs);
        // replaying the same message
        vm.expectRevert(abi.encodeWithSelector(ValidatorSetMirror.WrongNonce.selector, 2, 1));
        mirror.syncValidatorSet(payload, sigs);
        // skipping a nonce
        payload = _payload(3, s, w);
        sigs = _signSorted(mirror.syncDigest(payload), _first(4));
        vm.expectRevert(abi.encodeWithSelector(ValidatorSetMirror.WrongNonce.selector, 2, 3));
        mirror.syncValidatorSet(payload, sigs);
        // a message for another root chain / contract
        payload = abi.encode(uint256(2), address(mirror), uint256(2), s, w);
        sigs = _signSorted(mirror.syncDigest(payload), _first(4));
        vm.expectRevert(ValidatorSetMirror.WrongTarget.selector);
        mirror.syncValidatorSet(payload, sigs);
        payload = abi.encode(BSC, address(0xdead), uint256(2), s, w);
        sigs = _signSorted(mirror.syncDigest(payload), _first(4));
        vm.expectRevert(ValidatorSetMirror.WrongTarget.selector);
        mirror.syncValidatorSet(payload, sigs);
    }

    function test_cannotEmptyTheSetOrSetRootChainTwice() public {
        address[] memory s = new address[](4);
        uint256[] memory w = new uint256[](4);
        for (uint256 i = 0; i < 4; i++) s[i] = vm.addr(keys[i]);
        bytes memory payload = _payload(1, s, w);
        bytes memory sigs = _signSorted(mirror.syncDigest(payload), _first(4));
        vm.expectRevert(ValidatorSetMirror.EmptySet.selector);
        mirror.syncValidatorSet(payload, sigs);
        vm.expectRevert(ValidatorSetMirror.RootChainAlreadySet.selector);
        mirror.setRootChain(address(1));
        vm.prank(address(0xbeef));
        vm.expectRevert(ValidatorSetMirror.NotDeployer.selector);
        mirror.setRootChain(address(1));
        vm.expectRevert(ValidatorSetMirror.NotRootChain.selector);
        mirror.onCheckpoint(address(0), 1, bytes32(0), "");
    }
}

contract StateSenderTest is BaseTest {
    StateSender internal sender;
    address internal owner = makeAddr("owner");
    address internal registered = makeAddr("registered");
    address internal receiver = makeAddr("receiver");

    event StateSynced(uint256 indexed id, address indexed contractAddress, bytes data);

    function setUp() public {
        sender = new StateSender(owner);
        vm.prank(owner);
        sender.register(registered, receiver);
    }

    function test_registeredSenderSyncs() public {
        vm.expectEmit(true, true, true, true, address(sender));
        emit StateSynced(1, receiver, hex"c0ffee");
        vm.prank(registered);
        sender.syncState(receiver, hex"c0ffee");
        vm.expectEmit(true, true, true, true, address(sender));
        emit StateSynced(2, receiver, hex"");
        vm.prank(registered);
        sender.syncState(receiver, hex"");
        assertEq(sender.counter(), 2);
    }

    function test_rejectsUnregisteredCaller() public {
        address stranger = makeAddr("stranger");
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(StateSender.NotRegistered.selector, stranger, receiver));
        sender.syncState(receiver, hex"01");
        // a registered sender cannot send to a receiver it is not registered for
        vm.prank(registered);
        vm.expectRevert(abi.encodeWithSelector(StateSender.NotRegistered.selector, registered, stranger));
        sender.syncState(stranger, hex"01");
        // only the owner registers
        vm.prank(stranger);
        vm.expectRevert();
        sender.register(stranger, receiver);
        assertEq(sender.counter(), 0);
    }
}
