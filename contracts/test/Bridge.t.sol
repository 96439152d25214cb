// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {BaseTest} from "./utils/BaseTest.sol";
import {RLPEncode} from "./utils/RLPEncode.sol";
import {MerkleTree} from "./utils/MerkleTree.sol";
import {StateSender} from "../src/root/StateSender.sol";
import {RootChainManager} from "../src/bridge/RootChainManager.sol";
import {ERC20Predicate} from "../src/bridge/ERC20Predicate.sol";
import {IStateSender} from "../src/interfaces/IStateSender.sol";
import {IRootChain} from "../src/interfaces/IRootChain.sol";
import {Merkle} from "../src/lib/Merkle.sol";
import {RLPReader} from "../src/lib/RLPReader.sol";

/// Deposit → exit with a real receipt proof. The receipts, their Merkle-Patricia proofs and
/// the block headers come from a real EVM (test/fixtures/exit-proof.json, made by
/// tools/make-exit-fixture.js from an anvil chain; the trie roots were checked against the
/// headers' receiptsRoot there).
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
    }

    StateSender internal stateSender;
    RootChainManager internal manager;
    ERC20Predicate internal predicate;
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
                logIndex: vm.parseJsonUint(json, string.concat(k, ".logIndex"))
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
        predicate = new ERC20Predicate(address(manager));
        vm.startPrank(governance);
        stateSender.register(address(manager), childChainManager);
        manager.registerPredicate(predicate.TOKEN_TYPE(), address(predicate));
        manager.mapToken(address(token), childToken, predicate.TOKEN_TYPE());
        vm.stopPrank();
        _fund(depositor, 1000 ether);
    }

    function _deposit(address user, uint256 amount) internal {
        vm.startPrank(depositor);
        token.approve(address(predicate), amount);
        manager.depositFor(user, address(token), amount);
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
            logIndex: b.logIndex
        });
    }
}
