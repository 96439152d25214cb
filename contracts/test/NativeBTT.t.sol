// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {NativeBTT} from "../src/token/NativeBTT.sol";

/// Refuses the value sent to it.
contract Refuser {
    receive() external payable {
        revert("no");
    }
}

/// The native BTT bridge contract at 0x…1010: deposits pay out of the reserve, withdrawals pay
/// into it and emit the Burned log the root chains' ERC20Predicate exits.
contract NativeBTTTest is Test {
    event Burned(address indexed from, uint256 indexed rootChainId, uint256 amount);
    event Deposited(address indexed user, uint256 amount);

    address internal constant DEPOSITOR = 0x0000000000000000000000000000000000001001;
    NativeBTT internal native;
    address internal user = makeAddr("user");

    function setUp() public {
        // As in BTTC's genesis: the runtime code at 0x…1010 with a reserve.
        native = NativeBTT(payable(address(0x1010)));
        vm.etch(address(native), type(NativeBTT).runtimeCode);
        vm.deal(address(native), 1_000 ether);
    }

    function test_depositPaysTheUserOutOfTheReserve() public {
        vm.expectEmit(address(native));
        emit Deposited(user, 100 ether);
        vm.prank(DEPOSITOR);
        native.deposit(user, abi.encode(100 ether));
        assertEq(user.balance, 100 ether);
        assertEq(native.reserve(), 900 ether);
    }

    function test_onlyTheDepositorDeposits() public {
        vm.expectRevert(NativeBTT.NotDepositor.selector);
        vm.prank(user);
        native.deposit(user, abi.encode(1 ether));
    }

    function test_depositBeyondTheReserveReverts() public {
        vm.expectRevert(abi.encodeWithSelector(NativeBTT.ReserveTooLow.selector, 1_001 ether, 1_000 ether));
        vm.prank(DEPOSITOR);
        native.deposit(user, abi.encode(1_001 ether));
    }

    function test_depositToAReceiverThatRefusesReverts() public {
        address refuser = address(new Refuser());
        vm.expectRevert(abi.encodeWithSelector(NativeBTT.TransferFailed.selector, refuser));
        vm.prank(DEPOSITOR);
        native.deposit(refuser, abi.encode(1 ether));
        assertEq(native.reserve(), 1_000 ether);
    }

    function test_withdrawTakesTheValueBackAndEmitsBurned() public {
        vm.deal(user, 50 ether);
        vm.expectEmit(address(native));
        emit Burned(user, 2, 40 ether);
        vm.prank(user);
        native.withdraw{value: 40 ether}(40 ether, 2);
        assertEq(user.balance, 10 ether);
        assertEq(native.reserve(), 1_040 ether);
    }

    function test_withdrawRefusesBadInput() public {
        vm.deal(user, 50 ether);
        vm.startPrank(user);
        vm.expectRevert(abi.encodeWithSelector(NativeBTT.ValueMismatch.selector, 40 ether, 39 ether));
        native.withdraw{value: 39 ether}(40 ether, 2);
        vm.expectRevert(NativeBTT.ZeroAmount.selector);
        native.withdraw(0, 2);
        vm.expectRevert(NativeBTT.ZeroRootChainId.selector);
        native.withdraw{value: 1 ether}(1 ether, 0);
        vm.stopPrank();
        assertEq(user.balance, 50 ether);
    }

    function test_theBurnedLogIsChildERC20s() public pure {
        assertEq(NativeBTT.Burned.selector, keccak256("Burned(address,uint256,uint256)"));
    }

    function test_sendingValueFundsTheReserve() public {
        vm.deal(user, 5 ether);
        vm.prank(user);
        (bool sent,) = address(native).call{value: 5 ether}("");
        assertTrue(sent);
        assertEq(native.reserve(), 1_005 ether);
    }
}
