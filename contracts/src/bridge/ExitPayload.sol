// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {RLPReader} from "../lib/RLPReader.sol";

/// @title ExitPayload
/// @notice Decodes the withdraw (exit) proof:
///   rlp([headerNumber, blockProof, blockNumber, blockTime, txRoot, receiptRoot,
///        receipt, receiptProof, branchMask, logIndex])
/// - blockProof: concatenated 32-byte siblings of the block leaf in the checkpoint tree
/// - receipt: the receipt's consensus encoding (typed receipts: type byte ‖ rlp list)
/// - receiptProof: rlp list of the receipt-trie nodes from the root to the receipt
/// - branchMask: 0x00 ‖ rlp(transactionIndex), the receipt's trie key
library ExitPayload {
    using RLPReader for RLPReader.Item;

    error BadPayload();

    struct Payload {
        uint256 headerNumber;
        bytes blockProof;
        uint256 blockNumber;
        uint256 blockTime;
        bytes32 txRoot;
        bytes32 receiptRoot;
        bytes receipt;
        bytes receiptProof;
        bytes branchMask;
        uint256 logIndex;
    }

    function decode(bytes memory data) internal pure returns (Payload memory p) {
        RLPReader.Item[] memory items = RLPReader.toItem(data).toList();
        if (items.length != 10) revert BadPayload();
        p.headerNumber = items[0].toUint();
        p.blockProof = items[1].toBytes();
        p.blockNumber = items[2].toUint();
        p.blockTime = items[3].toUint();
        p.txRoot = bytes32(items[4].toUint());
        p.receiptRoot = bytes32(items[5].toUint());
        p.receipt = items[6].toBytes();
        p.receiptProof = items[7].toBytes();
        p.branchMask = items[8].toBytes();
        p.logIndex = items[9].toUint();
    }

    /// @notice The log at `logIndex` of a receipt, as [emitter, topics[], data] items, and its RLP.
    function getLog(bytes memory receipt, uint256 logIndex)
        internal
        pure
        returns (RLPReader.Item[] memory log, bytes memory logRlp)
    {
        if (receipt.length == 0) revert BadPayload();
        RLPReader.Item memory item;
        if (uint8(receipt[0]) >= 0xc0) {
            item = RLPReader.toItem(receipt); // legacy receipt
        } else {
            // EIP-2718 typed receipt: type byte, then the rlp list
            item = RLPReader.toItemAt(receipt, 1);
        }
        RLPReader.Item[] memory fields = item.toList();
        if (fields.length != 4) revert BadPayload();
        RLPReader.Item[] memory logs = fields[3].toList();
        if (logIndex >= logs.length) revert BadPayload();
        log = logs[logIndex].toList();
        if (log.length != 3) revert BadPayload();
        logRlp = logs[logIndex].toRlpBytes();
    }
}
