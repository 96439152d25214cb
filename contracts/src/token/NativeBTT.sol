// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title NativeBTT
/// @notice BTTC's native BTT on the bridge (as BTTC's and Polygon's MRC20 at 0x…1010): the
/// sidechain's genesis places this contract's code at 0x0000…1010 with a reserve of native
/// BTT that stands for the root chains' BTT not yet bridged. A deposit of root BTT pays the
/// user native BTT out of the reserve; `withdraw(amount, rootChainId)` takes `amount` native
/// BTT back into the reserve and emits `Burned(from, rootChainId, amount)`, the log an exit
/// on that root chain proves (the same log as ChildERC20's, so the root chains' ERC20Predicate
/// releases root BTT for it). Nothing is minted: root BTT locked plus the reserve stays
/// constant, up to withdrawals not yet exited.
contract NativeBTT {
    error NotDepositor();
    error ZeroAmount();
    error ZeroRootChainId();
    error ValueMismatch(uint256 amount, uint256 value);
    error ReserveTooLow(uint256 amount, uint256 reserve);
    error TransferFailed(address user);

    /// @notice `from` gave `amount` native BTT back to withdraw it on root chain `rootChainId`.
    event Burned(address indexed from, uint256 indexed rootChainId, uint256 amount);
    /// @notice A deposit paid `user` `amount` native BTT out of the reserve.
    event Deposited(address indexed user, uint256 amount);
    /// @notice `from` added `amount` to the reserve.
    event ReserveFunded(address indexed from, uint256 amount);

    /// @notice The bridge's depositor on BTTC (`RootChainManager.childChainManager`): the
    /// runtime calls `deposit` from it and nobody holds its key. A constant, so the contract
    /// needs no storage and its code alone can sit in the genesis.
    address public constant DEPOSITOR = 0x0000000000000000000000000000000000001001;

    /// @notice Pay a deposit of `abi.decode(depositData, (uint256))` native BTT to `user`
    /// (called by the depositor only). Reverts when the reserve is short or `user` refuses the
    /// value; the bridge then keeps the deposit as failed and retryable.
    function deposit(address user, bytes calldata depositData) external {
        if (msg.sender != DEPOSITOR) revert NotDepositor();
        uint256 amount = abi.decode(depositData, (uint256));
        if (amount > address(this).balance) revert ReserveTooLow(amount, address(this).balance);
        (bool paid,) = user.call{value: amount}("");
        if (!paid) revert TransferFailed(user);
        emit Deposited(user, amount);
    }

    /// @notice Withdraw `amount` native BTT (sent as the call's value) on root chain
    /// `rootChainId` (BTTC ids: TRON = 1, Ethereum = 2, BSC = 3). The value joins the reserve.
    /// @dev Reverts with ZeroAmount, ZeroRootChainId, or ValueMismatch when the value sent is
    /// not `amount`. A burn naming a chain with no predicate for it cannot be exited anywhere.
    function withdraw(uint256 amount, uint256 rootChainId) external payable {
        if (amount == 0) revert ZeroAmount();
        if (rootChainId == 0) revert ZeroRootChainId();
        if (msg.value != amount) revert ValueMismatch(amount, msg.value);
        emit Burned(msg.sender, rootChainId, amount);
    }

    /// @notice Native BTT left to pay deposits with.
    function reserve() external view returns (uint256) {
        return address(this).balance;
    }

    /// @notice Adds the value sent to the reserve (e.g. governance moving BTT in).
    receive() external payable {
        emit ReserveFunded(msg.sender, msg.value);
    }
}
