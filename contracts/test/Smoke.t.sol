// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;
import {Test} from "forge-std/Test.sol";
import {BTTToken} from "../src/token/BTTToken.sol";
contract SmokeTest is Test {
    function test_sign() public {
        BTTToken t = new BTTToken(address(this), 100);
        assertEq(t.balanceOf(address(this)), 100);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(1, keccak256("x"));
        assertEq(ecrecover(keccak256("x"), v, r, s), vm.addr(1));
    }
}
