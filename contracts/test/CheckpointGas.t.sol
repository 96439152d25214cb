// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {BaseTest} from "./utils/BaseTest.sol";
import {console} from "forge-std/console.sol";

/// Regression guard for the signature-check cost (the full report with transaction gas is
/// scripts/contracts-gas-report.sh): one more signing validator must cost far less than
/// Polygon's ~18k gas per signature.
contract CheckpointGasTest is BaseTest {
    function _gasFor(uint256 n) internal returns (uint256 used) {
        _deployStakeChain(0);
        delete signerKeys;
        for (uint256 i = 0; i < n; i++) _stake(0x5000 + i, 100 ether, false);
        uint256[] memory ks = _allKeys();
        // warm-up checkpoint, then measure the steady state
        _submitCheckpoint(256, keccak256("warm"), ks);
        uint256 start = rootChain.nextStartBlock();
        bytes memory data = _checkpointData(vm.addr(ks[0]), start, start + 255, keccak256("measured"));
        bytes memory sigs = _signSorted(_digest(data), ks);
        uint256 g = gasleft();
        rootChain.submitCheckpoint(data, sigs);
        used = g - gasleft();
    }

    function test_marginalSignatureCostBeatsPolygon() public {
        uint256 g4 = _gasFor(4);
        uint256 g100 = _gasFor(100);
        uint256 perSig = (g100 - g4) / 96;
        console.log("execution gas, 4 validators:", g4);
        console.log("execution gas, 100 validators:", g100);
        console.log("marginal execution gas per signature:", perSig);
        assertLt(perSig, 7000, "signature check got more expensive");
        assertLt(perSig * 2, 18000, "not even twice as cheap as Polygon");
    }
}
