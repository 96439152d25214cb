// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {BaseTest} from "./utils/BaseTest.sol";
import {RLPEncode} from "./utils/RLPEncode.sol";
import {MerkleTree} from "./utils/MerkleTree.sol";
import {StateSender} from "../src/root/StateSender.sol";
import {RootChainManager} from "../src/bridge/RootChainManager.sol";
import {ERC20Predicate} from "../src/bridge/ERC20Predicate.sol";
import {ChildERC20} from "../src/token/ChildERC20.sol";
import {IStateSender} from "../src/interfaces/IStateSender.sol";
import {IRootChain} from "../src/interfaces/IRootChain.sol";
import {Merkle} from "../src/lib/Merkle.sol";
import {RLPReader} from "../src/lib/RLPReader.sol";
import {Test} from "forge-std/Test.sol";
import {Vm, VmSafe} from "forge-std/Vm.sol";
import {BTTToken} from "../src/token/BTTToken.sol";

/// Deposit → exit with a real receipt proof. The receipts, their Merkle-Patricia proofs and
/// the block headers come from a real EVM (test/fixtures/exit-proof.json, made by
/// tools/make-exit-fixture.js from an anvil chain; the trie roots were checked against the
/// headers' receiptsRoot there). The fixture's burns are ChildERC20.withdraw(amount, 2): each
/// receipt holds Transfer(from, 0x0, amount) (`transferLogIndex`) and then
/// Burned(from, 2, amount) (`logIndex`). Two root chains share the checkpoints and map the
/// same child token: "Ethereum" (id 2: `manager`, `predicate`) and "TRON" (id 1: `tronManager`,
/// `tronPredicate`); the burns exit on the first only.
contract BridgeTest is BaseTest {
    using RLPEncode for bytes;
    using RLPReader for RLPReader.Item;

    struct Burn {
        address burner;
        uint256 amount;
        uint256 blockNumber;
        uint256 blockTime;
        bytes32 txRoot;
        bytes32 receiptRoot;
        bytes receipt;
        bytes receiptProof;
        bytes branchMask;
        uint256 logIndex;
        uint256 transferLogIndex;
        uint256 rootChainId;
    }

    uint256 internal constant TRON = 1;
    uint256 internal constant ETHEREUM = 2;

    StateSender internal stateSender;
    RootChainManager internal manager;
    ERC20Predicate internal predicate; // root chain ETHEREUM (the chain the fixture's burns name)
    StateSender internal tronStateSender;
    RootChainManager internal tronManager;
    ERC20Predicate internal tronPredicate; // root chain TRON
    address internal childChainManager = makeAddr("childChainManager");
    address internal depositor = makeAddr("depositor");

    string internal json;
    address internal childToken;
    Burn[2] internal burns;
    bytes32[] internal leaves;
    uint256 internal firstBlock;

    event StateSynced(uint256 indexed id, address indexed contractAddress, bytes data);

    function setUp() public {
        json = vm.readFile("test/fixtures/exit-proof.json");
        require(
            vm.keyExistsJson(json, ".rootChainId") && vm.keyExistsJson(json, ".burns[0].transferLogIndex"),
            "test/fixtures/exit-proof.json predates withdraw(amount, rootChainId): run node tools/make-exit-fixture.js"
        );
        childToken = vm.parseJsonAddress(json, ".childToken");
        for (uint256 i = 0; i < 2; i++) {
            string memory k = string.concat(".burns[", vm.toString(i), "]");
            burns[i] = Burn({
                burner: vm.parseJsonAddress(json, string.concat(k, ".burner")),
                amount: vm.parseJsonUint(json, string.concat(k, ".amount")),
                blockNumber: vm.parseJsonUint(json, string.concat(k, ".blockNumber")),
                blockTime: vm.parseJsonUint(json, string.concat(k, ".blockTime")),
                txRoot: vm.parseJsonBytes32(json, string.concat(k, ".txRoot")),
                receiptRoot: vm.parseJsonBytes32(json, string.concat(k, ".receiptRoot")),
                receipt: vm.parseJsonBytes(json, string.concat(k, ".receipt")),
                receiptProof: vm.parseJsonBytes(json, string.concat(k, ".receiptProof")),
                branchMask: vm.parseJsonBytes(json, string.concat(k, ".branchMask")),
                logIndex: vm.parseJsonUint(json, string.concat(k, ".logIndex")),
                transferLogIndex: vm.parseJsonUint(json, string.concat(k, ".transferLogIndex")),
                rootChainId: vm.parseJsonUint(json, string.concat(k, ".rootChainId"))
            });
        }
        uint256[] memory numbers = vm.parseJsonUintArray(json, ".blocks.numbers");
        uint256[] memory times = vm.parseJsonUintArray(json, ".blocks.times");
        bytes32[] memory txRoots = vm.parseJsonBytes32Array(json, ".blocks.txRoots");
        bytes32[] memory receiptRoots = vm.parseJsonBytes32Array(json, ".blocks.receiptRoots");
        firstBlock = numbers[0];
        for (uint256 i = 0; i < numbers.length; i++) {
            leaves.push(MerkleTree.blockLeaf(numbers[i], times[i], txRoots[i], receiptRoots[i]));
        }

        _deployStakeChain(firstBlock);
        for (uint256 i = 1; i <= 4; i++) _stake(0x4000 + i, 100 ether, false);

        stateSender = new StateSender(governance);
        manager = new RootChainManager(governance, IStateSender(address(stateSender)), IRootChain(address(rootChain)), childChainManager);
        predicate = new ERC20Predicate(address(manager), ETHEREUM);
        // a second root chain that accepts the same checkpoints and maps the same child token
        tronStateSender = new StateSender(governance);
        tronManager = new RootChainManager(
            governance, IStateSender(address(tronStateSender)), IRootChain(address(rootChain)), childChainManager
        );
        tronPredicate = new ERC20Predicate(address(tronManager), TRON);
        vm.startPrank(governance);
        stateSender.register(address(manager), childChainManager);
        manager.registerPredicate(predicate.TOKEN_TYPE(), address(predicate));
        manager.mapToken(address(token), childToken, predicate.TOKEN_TYPE());
        tronStateSender.register(address(tronManager), childChainManager);
        tronManager.registerPredicate(tronPredicate.TOKEN_TYPE(), address(tronPredicate));
        tronManager.mapToken(address(token), childToken, tronPredicate.TOKEN_TYPE());
        vm.stopPrank();
        _fund(depositor, 1000 ether);
    }

    function _deposit(address user, uint256 amount) internal {
        vm.startPrank(depositor);
        token.approve(address(predicate), amount);
        manager.depositFor(user, address(token), amount);
        vm.stopPrank();
    }

    function _depositTron(address user, uint256 amount) internal {
        _fund(depositor, amount);
        vm.startPrank(depositor);
        token.approve(address(tronPredicate), amount);
        tronManager.depositFor(user, address(token), amount);
        vm.stopPrank();
    }

    /// checkpoint of all fixture blocks, root computed here from the real headers
    function _checkpoint() internal returns (uint256 headerNumber) {
        bytes32 root = MerkleTree.root(leaves);
        assertEq(root, vm.parseJsonBytes32(json, ".checkpointRoot"), "Solidity and JS checkpoint trees agree");
        bytes memory data =
            _checkpointData(vm.addr(0x4001), firstBlock, firstBlock + leaves.length - 1, root);
        rootChain.submitCheckpoint(data, _signSorted(_digest(data), _allKeys()));
        return rootChain.currentHeaderBlock();
    }

    function _payload(Burn memory b, uint256 headerNumber, bytes memory blockProof) internal pure returns (bytes memory) {
        bytes[] memory items = new bytes[](10);
        items[0] = RLPEncode.encodeUint(headerNumber);
        items[1] = blockProof.encodeBytes();
        items[2] = RLPEncode.encodeUint(b.blockNumber);
        items[3] = RLPEncode.encodeUint(b.blockTime);
        items[4] = abi.encodePacked(b.txRoot).encodeBytes();
        items[5] = abi.encodePacked(b.receiptRoot).encodeBytes();
        items[6] = b.receipt.encodeBytes();
        items[7] = b.receiptProof.encodeBytes();
        items[8] = b.branchMask.encodeBytes();
        items[9] = RLPEncode.encodeUint(b.logIndex);
        return RLPEncode.encodeList(items);
    }

    function _blockProof(Burn memory b) internal view returns (bytes memory) {
        return MerkleTree.proof(leaves, b.blockNumber - firstBlock);
    }

    function test_depositEmitsStateSync() public {
        bytes memory expected = abi.encode(
            manager.DEPOSIT(), abi.encode(burns[0].burner, address(token), abi.encode(uint256(1000 ether)))
        );
        vm.startPrank(depositor);
        token.approve(address(predicate), 1000 ether);
        vm.expectEmit(true, true, true, true, address(stateSender));
        emit StateSynced(2, childChainManager, expected); // id 1 was the MAP_TOKEN message
        manager.depositFor(burns[0].burner, address(token), 1000 ether);
        vm.stopPrank();
        assertEq(token.balanceOf(address(predicate)), 1000 ether);
        assertEq(token.balanceOf(depositor), 0);
    }

    function test_depositRejectsUnmappedTokenAndZero() public {
        vm.startPrank(depositor);
        token.approve(address(predicate), 1 ether);
        vm.expectRevert(abi.encodeWithSelector(RootChainManager.TokenNotMapped.selector, address(0xdead)));
        manager.depositFor(depositor, address(0xdead), 1 ether);
        vm.expectRevert(RootChainManager.ZeroAmount.selector);
        manager.depositFor(depositor, address(token), 0);
        vm.stopPrank();
        // only the manager moves predicate funds
        vm.expectRevert(ERC20Predicate.NotManager.selector);
        predicate.exitTokens(address(token), hex"c0");
    }

    /// the fixture is what the tests below assume: burns naming ETHEREUM, the Burned log after
    /// the burn's Transfer log, both emitted by the child token
    function test_fixtureBurnsNameEthereum() public view {
        assertEq(vm.parseJsonUint(json, ".rootChainId"), ETHEREUM);
        for (uint256 i = 0; i < 2; i++) {
            Burn memory b = burns[i];
            assertEq(b.rootChainId, ETHEREUM);
            (RLPReader.Item[] memory burned,) = _log(b.receipt, b.logIndex);
            assertEq(burned[0].toAddress(), childToken);
            RLPReader.Item[] memory topics = burned[1].toList();
            assertEq(topics.length, 3);
            assertEq(topics[0].toBytes32(), keccak256("Burned(address,uint256,uint256)"));
            assertEq(address(uint160(uint256(topics[1].toBytes32()))), b.burner);
            assertEq(uint256(topics[2].toBytes32()), ETHEREUM);
            assertEq(burned[2].toUint(), b.amount);
            (RLPReader.Item[] memory transfer,) = _log(b.receipt, b.transferLogIndex);
            assertEq(transfer[0].toAddress(), childToken);
            topics = transfer[1].toList();
            assertEq(topics[0].toBytes32(), keccak256("Transfer(address,address,uint256)"));
            assertEq(uint256(topics[2].toBytes32()), 0);
            assertLt(b.transferLogIndex, b.logIndex);
        }
    }

    function test_depositThenExitWithRealReceiptProof() public {
        _deposit(burns[0].burner, 600 ether);
        _deposit(burns[1].burner, 400 ether);
        uint256 h = _checkpoint();

        uint256 before0 = token.balanceOf(burns[0].burner);
        manager.exit(_payload(burns[0], h, _blockProof(burns[0])));
        assertEq(token.balanceOf(burns[0].burner) - before0, burns[0].amount);

        // a second burn in the same block (another receipt of the same trie)
        uint256 before1 = token.balanceOf(burns[1].burner);
        manager.exit(_payload(burns[1], h, _blockProof(burns[1])));
        assertEq(token.balanceOf(burns[1].burner) - before1, burns[1].amount);
        assertEq(token.balanceOf(address(predicate)), 1000 ether - burns[0].amount - burns[1].amount);
    }

    /// One burn, two root chains mapping its child token and holding the same checkpoint: it
    /// exits on the chain it names (ETHEREUM) and is refused on the other (TRON), before and
    /// after it exited on ETHEREUM.
    function test_burnExitsOnlyOnTheRootChainItNames() public {
        _deposit(burns[0].burner, 1000 ether);
        _depositTron(burns[0].burner, 1000 ether);
        uint256 h = _checkpoint();
        bytes memory payload = _payload(burns[0], h, _blockProof(burns[0]));
        bytes32 exitHash = keccak256(abi.encodePacked(burns[0].blockNumber, burns[0].branchMask, burns[0].logIndex));

        vm.expectRevert(abi.encodeWithSelector(ERC20Predicate.WrongRootChain.selector, TRON, ETHEREUM));
        tronManager.exit(payload);
        assertFalse(tronManager.processedExits(exitHash));
        assertEq(token.balanceOf(address(tronPredicate)), 1000 ether);

        uint256 before = token.balanceOf(burns[0].burner);
        manager.exit(payload);
        assertEq(token.balanceOf(burns[0].burner) - before, burns[0].amount);
        assertEq(token.balanceOf(address(predicate)), 1000 ether - burns[0].amount);

        vm.expectRevert(abi.encodeWithSelector(ERC20Predicate.WrongRootChain.selector, TRON, ETHEREUM));
        tronManager.exit(payload);
        assertEq(token.balanceOf(address(tronPredicate)), 1000 ether);
        assertEq(token.balanceOf(burns[0].burner) - before, burns[0].amount);
    }

    /// The burn's own Transfer(from, 0x0, amount) log, proven with the same real receipt, is
    /// refused on both root chains, before and after the Burned log exited (it has another
    /// replay key, so only the predicate stops a second exit through it).
    function test_rejectsTransferToZeroLog() public {
        _deposit(burns[0].burner, 1000 ether);
        _depositTron(burns[0].burner, 1000 ether);
        uint256 h = _checkpoint();
        Burn memory t = _copy(burns[0]);
        t.logIndex = burns[0].transferLogIndex;
        bytes memory transferPayload = _payload(t, h, _blockProof(t));

        vm.expectRevert(ERC20Predicate.NotBurnLog.selector);
        manager.exit(transferPayload);
        vm.expectRevert(ERC20Predicate.NotBurnLog.selector);
        tronManager.exit(transferPayload);

        manager.exit(_payload(burns[0], h, _blockProof(burns[0])));
        vm.expectRevert(ERC20Predicate.NotBurnLog.selector);
        manager.exit(transferPayload);
        assertEq(token.balanceOf(burns[0].burner), burns[0].amount);
        assertEq(token.balanceOf(address(predicate)), 1000 ether - burns[0].amount);
        assertEq(token.balanceOf(address(tronPredicate)), 1000 ether);
    }

    function test_rejectsReplayedExit() public {
        _deposit(burns[0].burner, 1000 ether);
        uint256 h = _checkpoint();
        bytes memory payload = _payload(burns[0], h, _blockProof(burns[0]));
        manager.exit(payload);
        bytes32 exitHash = keccak256(abi.encodePacked(burns[0].blockNumber, burns[0].branchMask, burns[0].logIndex));
        assertTrue(manager.processedExits(exitHash));
        vm.expectRevert(abi.encodeWithSelector(RootChainManager.ExitAlreadyProcessed.selector, exitHash));
        manager.exit(payload);
        assertEq(token.balanceOf(address(predicate)), 1000 ether - burns[0].amount);
    }

    /// @dev log `index` of a (typed or legacy) receipt as [emitter, topics, data]
    function _log(bytes memory receipt, uint256 index) internal pure returns (RLPReader.Item[] memory, bytes memory) {
        RLPReader.Item memory item =
            uint8(receipt[0]) >= 0xc0 ? RLPReader.toItem(receipt) : RLPReader.toItemAt(receipt, 1);
        RLPReader.Item[] memory logs = item.toList()[3].toList();
        return (logs[index].toList(), logs[index].toRlpBytes());
    }

    function test_rejectsInvalidReceiptProof() public {
        _deposit(burns[0].burner, 1000 ether);
        uint256 h = _checkpoint();
        Burn memory b = burns[0];
        bytes memory bp = _blockProof(b);

        // 1. receipt with a larger amount (last byte of the log data changed)
        Burn memory t = _copy(b);
        t.receipt[t.receipt.length - 1] = bytes1(uint8(t.receipt[t.receipt.length - 1]) ^ 0x01);
        vm.expectRevert(RootChainManager.InvalidReceiptProof.selector);
        manager.exit(_payload(t, h, bp));

        // 2. a tampered trie node in the proof
        t = _copy(b);
        t.receiptProof[t.receiptProof.length - 40] = bytes1(uint8(t.receiptProof[t.receiptProof.length - 40]) ^ 0x80);
        vm.expectRevert(RootChainManager.InvalidReceiptProof.selector);
        manager.exit(_payload(t, h, bp));

        // 3. the proof of one receipt with the key of another
        t = _copy(b);
        t.branchMask = burns[1].branchMask;
        vm.expectRevert(RootChainManager.InvalidReceiptProof.selector);
        manager.exit(_payload(t, h, bp));

        // 4. a non-canonical branch mask (odd hex-prefix flag) is refused
        t = _copy(b);
        t.branchMask[0] = 0x10;
        vm.expectRevert(RootChainManager.InvalidReceiptProof.selector);
        manager.exit(_payload(t, h, bp));

        // 5. receipt root that is not the block's
        t = _copy(b);
        t.receiptRoot = keccak256("other root");
        vm.expectRevert(RootChainManager.InvalidReceiptProof.selector);
        manager.exit(_payload(t, h, bp));

        // 6. the proof truncated (last node missing)
        t = _copy(b);
        t.receiptProof = burns[1].receiptProof;
        vm.expectRevert(RootChainManager.InvalidReceiptProof.selector);
        manager.exit(_payload(t, h, bp));

        // 7. a forged leaf: same key path, receipt with a larger amount, rest of the proof genuine
        t = _copy(b);
        t.receipt[t.receipt.length - 1] = bytes1(uint8(t.receipt[t.receipt.length - 1]) ^ 0x01);
        t.receiptProof = _forgeLeaf(b.receiptProof, t.receipt);
        vm.expectRevert(RootChainManager.InvalidReceiptProof.selector);
        manager.exit(_payload(t, h, bp));

        assertEq(token.balanceOf(b.burner), 0);
    }

    /// @dev replaces the value of the proof's leaf node, keeping its path
    function _forgeLeaf(bytes memory proof, bytes memory value) internal pure returns (bytes memory) {
        RLPReader.Item[] memory nodes = RLPReader.toItem(proof).toList();
        bytes[] memory out = new bytes[](nodes.length);
        for (uint256 i = 0; i + 1 < nodes.length; i++) out[i] = nodes[i].toRlpBytes();
        RLPReader.Item[] memory leaf = nodes[nodes.length - 1].toList();
        bytes[] memory fields = new bytes[](2);
        fields[0] = leaf[0].toRlpBytes();
        fields[1] = value.encodeBytes();
        out[nodes.length - 1] = RLPEncode.encodeList(fields);
        return RLPEncode.encodeList(out);
    }

    function test_rejectsInvalidBlockProof() public {
        _deposit(burns[0].burner, 1000 ether);
        uint256 h = _checkpoint();
        Burn memory b = burns[0];
        bytes memory bp = _blockProof(b);

        // block time not the one in the checkpoint
        Burn memory t = _copy(b);
        t.blockTime += 1;
        vm.expectRevert(RootChainManager.InvalidBlockProof.selector);
        manager.exit(_payload(t, h, bp));

        // wrong sibling
        bytes memory bad = bytes.concat(bp);
        bad[0] = bytes1(uint8(bad[0]) ^ 0x01);
        vm.expectRevert(RootChainManager.InvalidBlockProof.selector);
        manager.exit(_payload(b, h, bad));

        // proof of the wrong height
        vm.expectRevert(RootChainManager.InvalidBlockProof.selector);
        manager.exit(_payload(b, h, bytes.concat(bp, bytes32(0))));

        // a block claimed under another number (the leaf index moves)
        t = _copy(b);
        t.blockNumber += 1;
        vm.expectRevert(RootChainManager.InvalidBlockProof.selector);
        manager.exit(_payload(t, h, bp));

        // a checkpoint that does not exist
        vm.expectRevert(abi.encodeWithSelector(RootChainManager.CheckpointNotFound.selector, h + 1));
        manager.exit(_payload(b, h + 1, bp));
    }

    function test_exitBeforeCheckpointFails() public {
        _deposit(burns[0].burner, 1000 ether);
        vm.expectRevert(abi.encodeWithSelector(RootChainManager.CheckpointNotFound.selector, 1));
        manager.exit(_payload(burns[0], 1, _blockProof(burns[0])));
    }

    function test_merkleLibrary() public pure {
        bytes32[] memory l = new bytes32[](5);
        for (uint256 i = 0; i < 5; i++) l[i] = keccak256(abi.encode(i));
        bytes32 r = MerkleTree.root(l);
        for (uint256 i = 0; i < 5; i++) {
            assertTrue(Merkle.checkMembership(l[i], i, r, MerkleTree.proof(l, i)));
            assertFalse(Merkle.checkMembership(l[i], (i + 1) % 8, r, MerkleTree.proof(l, i)));
        }
        // index beyond the tree
        assertFalse(Merkle.checkMembership(l[0], 8, r, MerkleTree.proof(l, 0)));
    }

    /// @dev deep copy (a plain `c = b` would alias the same memory struct)
    function _copy(Burn memory b) internal pure returns (Burn memory c) {
        c = Burn({
            burner: b.burner,
            amount: b.amount,
            blockNumber: b.blockNumber,
            blockTime: b.blockTime,
            txRoot: b.txRoot,
            receiptRoot: b.receiptRoot,
            receipt: bytes.concat(b.receipt),
            receiptProof: bytes.concat(b.receiptProof),
            branchMask: bytes.concat(b.branchMask),
            logIndex: b.logIndex,
            transferLogIndex: b.transferLogIndex,
            rootChainId: b.rootChainId
        });
    }
}

/// ChildERC20's burn and the predicate's reading of it, on logs the contract really emits
/// (recorded here; no fixture, so these run whatever test/fixtures holds).
contract ChildBurnTest is Test {
    using RLPEncode for bytes;

    uint256 internal constant TRON = 1;
    uint256 internal constant ETHEREUM = 2;

    /// ChildERC20.withdraw(amount, rootChainId): refuses amount 0 and root chain 0; burns, then
    /// emits Burned after the burn's Transfer; deposits only from the depositor.
    function test_childWithdrawNamesRootChain() public {
        address handler = makeAddr("depositHandler");
        address user = makeAddr("user");
        ChildERC20 child = new ChildERC20("BitTorrent (child)", "BTT", handler);
        vm.expectRevert(ChildERC20.NotDepositor.selector);
        child.deposit(user, abi.encode(uint256(100 ether)));
        vm.prank(handler);
        child.deposit(user, abi.encode(uint256(100 ether)));

        vm.startPrank(user);
        vm.expectRevert(ChildERC20.ZeroAmount.selector);
        child.withdraw(0, ETHEREUM);
        vm.expectRevert(ChildERC20.ZeroRootChainId.selector);
        child.withdraw(1 ether, 0);

        vm.recordLogs();
        child.withdraw(30 ether, ETHEREUM);
        vm.stopPrank();
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 2);
        assertEq(logs[0].emitter, address(child));
        assertEq(logs[0].topics[0], keccak256("Transfer(address,address,uint256)"));
        assertEq(logs[0].topics[1], bytes32(uint256(uint160(user))));
        assertEq(logs[0].topics[2], bytes32(0));
        assertEq(abi.decode(logs[0].data, (uint256)), 30 ether);
        assertEq(logs[1].emitter, address(child));
        assertEq(logs[1].topics.length, 3);
        assertEq(logs[1].topics[0], keccak256("Burned(address,uint256,uint256)"));
        assertEq(logs[1].topics[1], bytes32(uint256(uint160(user))));
        assertEq(logs[1].topics[2], bytes32(ETHEREUM));
        assertEq(logs[1].data, abi.encode(uint256(30 ether)));
        assertEq(child.balanceOf(user), 70 ether);
        assertEq(child.totalSupply(), 70 ether);
    }

    /// The predicate reads the log ChildERC20.withdraw really emits (recorded here, no
    /// fixture): it pays a burn naming its chain, refuses one naming another chain, the
    /// Transfer log, and Burned-signature logs with 2 or 4 topics; a zero chain id is refused.
    function test_predicateAcceptsOnlyBurnedLogOfItsRootChain() public {
        address manager = makeAddr("manager");
        address tronManager = makeAddr("tronManager");
        vm.expectRevert(ERC20Predicate.ZeroRootChainId.selector);
        new ERC20Predicate(manager, 0);
        ERC20Predicate predicate = new ERC20Predicate(manager, ETHEREUM);
        ERC20Predicate tronPredicate = new ERC20Predicate(tronManager, TRON);
        assertEq(predicate.rootChainId(), ETHEREUM);
        assertEq(tronPredicate.rootChainId(), TRON);
        BTTToken token = new BTTToken(address(this), 1000 ether);
        assertTrue(token.transfer(address(predicate), 100 ether));
        assertTrue(token.transfer(address(tronPredicate), 100 ether));

        address user = makeAddr("user");
        ChildERC20 child = new ChildERC20("BitTorrent (child)", "BTT", address(this));
        child.deposit(user, abi.encode(uint256(100 ether)));
        vm.recordLogs();
        vm.startPrank(user);
        child.withdraw(10 ether, TRON);
        child.withdraw(20 ether, ETHEREUM);
        vm.stopPrank();
        Vm.Log[] memory logs = vm.getRecordedLogs(); // Transfer, Burned(1), Transfer, Burned(2)
        assertEq(logs.length, 4);

        vm.startPrank(manager);
        vm.expectRevert(abi.encodeWithSelector(ERC20Predicate.WrongRootChain.selector, ETHEREUM, TRON));
        predicate.exitTokens(address(token), _rlpLog(logs[1]));
        vm.expectRevert(ERC20Predicate.NotBurnLog.selector);
        predicate.exitTokens(address(token), _rlpLog(logs[2]));
        // the Burned signature with 2 or 4 topics (a fresh struct: `odd = logs[3]` would alias it)
        Vm.Log memory odd = VmSafe.Log(new bytes32[](2), logs[3].data, logs[3].emitter);
        odd.topics[0] = logs[3].topics[0];
        odd.topics[1] = logs[3].topics[1];
        vm.expectRevert(ERC20Predicate.NotBurnLog.selector);
        predicate.exitTokens(address(token), _rlpLog(odd));
        odd.topics = new bytes32[](4);
        for (uint256 i = 0; i < 3; i++) odd.topics[i] = logs[3].topics[i];
        vm.expectRevert(ERC20Predicate.NotBurnLog.selector);
        predicate.exitTokens(address(token), _rlpLog(odd));
        predicate.exitTokens(address(token), _rlpLog(logs[3]));
        vm.stopPrank();
        assertEq(token.balanceOf(user), 20 ether);

        vm.startPrank(tronManager);
        vm.expectRevert(abi.encodeWithSelector(ERC20Predicate.WrongRootChain.selector, TRON, ETHEREUM));
        tronPredicate.exitTokens(address(token), _rlpLog(logs[3]));
        tronPredicate.exitTokens(address(token), _rlpLog(logs[1]));
        vm.stopPrank();
        assertEq(token.balanceOf(user), 30 ether);
    }

    /// @dev rlp([emitter, topics, data]) as in a receipt
    function _rlpLog(Vm.Log memory l) internal pure returns (bytes memory) {
        bytes[] memory topics = new bytes[](l.topics.length);
        for (uint256 i = 0; i < l.topics.length; i++) topics[i] = abi.encodePacked(l.topics[i]).encodeBytes();
        bytes[] memory fields = new bytes[](3);
        fields[0] = abi.encodePacked(l.emitter).encodeBytes();
        fields[1] = RLPEncode.encodeList(topics);
        fields[2] = l.data.encodeBytes();
        return RLPEncode.encodeList(fields);
    }
}
