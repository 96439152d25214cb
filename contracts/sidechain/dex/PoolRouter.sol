// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {PoolFactory} from "./PoolFactory.sol";
import {PoolPair} from "./PoolPair.sol";

/// Adds liquidity and swaps along a path of pools, deriving each pair's address from the
/// factory's CREATE2 rule as the well-known routers do (no storage read per hop).
contract PoolRouter {
    using SafeERC20 for IERC20;

    address public immutable factory;
    bytes32 public immutable pairCodeHash;

    error Expired();
    error InsufficientAmount();
    error InsufficientOutputAmount();
    error InvalidPath();

    modifier ensure(uint256 deadline) {
        if (block.timestamp > deadline) revert Expired();
        _;
    }

    constructor(address factory_) {
        factory = factory_;
        pairCodeHash = keccak256(type(PoolPair).creationCode);
    }

    function sortTokens(address a, address b) public pure returns (address, address) {
        return a < b ? (a, b) : (b, a);
    }

    /// The pair's CREATE2 address: keccak256(0xff ++ factory ++ salt ++ keccak256(init code)).
    function pairFor(address a, address b) public view returns (address) {
        (address token0, address token1) = sortTokens(a, b);
        bytes32 salt = keccak256(abi.encodePacked(token0, token1));
        return address(uint160(uint256(keccak256(abi.encodePacked(hex"ff", factory, salt, pairCodeHash)))));
    }

    function getReserves(address a, address b) public view returns (uint256 reserveA, uint256 reserveB) {
        (address token0,) = sortTokens(a, b);
        (uint112 r0, uint112 r1,) = PoolPair(pairFor(a, b)).getReserves();
        (reserveA, reserveB) = a == token0 ? (uint256(r0), uint256(r1)) : (uint256(r1), uint256(r0));
    }

    function quote(uint256 amountA, uint256 reserveA, uint256 reserveB) public pure returns (uint256) {
        return amountA * reserveB / reserveA;
    }

    function getAmountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut) public pure returns (uint256) {
        uint256 inWithFee = amountIn * 997;
        return inWithFee * reserveOut / (reserveIn * 1000 + inWithFee);
    }

    function getAmountsOut(uint256 amountIn, address[] calldata path) public view returns (uint256[] memory amounts) {
        if (path.length < 2) revert InvalidPath();
        amounts = new uint256[](path.length);
        amounts[0] = amountIn;
        for (uint256 i; i < path.length - 1; i++) {
            (uint256 reserveIn, uint256 reserveOut) = getReserves(path[i], path[i + 1]);
            amounts[i + 1] = getAmountOut(amounts[i], reserveIn, reserveOut);
        }
    }

    /// Deposits at the pool's current price (creating the pool on first use) and mints shares.
    function addLiquidity(
        address tokenA,
        address tokenB,
        uint256 amountADesired,
        uint256 amountBDesired,
        uint256 amountAMin,
        uint256 amountBMin,
        address to,
        uint256 deadline
    ) external ensure(deadline) returns (uint256 amountA, uint256 amountB, uint256 liquidity) {
        (amountA, amountB) = _liquidityAmounts(tokenA, tokenB, amountADesired, amountBDesired, amountAMin, amountBMin);
        liquidity = _deposit(tokenA, tokenB, amountA, amountB, to);
    }

    function _deposit(address tokenA, address tokenB, uint256 amountA, uint256 amountB, address to)
        private
        returns (uint256)
    {
        address pair = pairFor(tokenA, tokenB);
        IERC20(tokenA).safeTransferFrom(msg.sender, pair, amountA);
        IERC20(tokenB).safeTransferFrom(msg.sender, pair, amountB);
        return PoolPair(pair).mint(to);
    }

    function _liquidityAmounts(
        address tokenA,
        address tokenB,
        uint256 amountADesired,
        uint256 amountBDesired,
        uint256 amountAMin,
        uint256 amountBMin
    ) private returns (uint256, uint256) {
        if (PoolFactory(factory).getPair(tokenA, tokenB) == address(0)) {
            PoolFactory(factory).createPair(tokenA, tokenB);
        }
        (uint256 reserveA, uint256 reserveB) = getReserves(tokenA, tokenB);
        if (reserveA == 0 && reserveB == 0) return (amountADesired, amountBDesired);
        uint256 bOptimal = quote(amountADesired, reserveA, reserveB);
        if (bOptimal <= amountBDesired) {
            if (bOptimal < amountBMin) revert InsufficientAmount();
            return (amountADesired, bOptimal);
        }
        uint256 aOptimal = quote(amountBDesired, reserveB, reserveA);
        if (aOptimal < amountAMin) revert InsufficientAmount();
        return (aOptimal, amountBDesired);
    }

    /// Swaps an exact input along `path`, reverting if the output falls below `amountOutMin`.
    function swapExactTokensForTokens(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        address to,
        uint256 deadline
    ) external ensure(deadline) returns (uint256[] memory amounts) {
        amounts = getAmountsOut(amountIn, path);
        if (amounts[amounts.length - 1] < amountOutMin) revert InsufficientOutputAmount();
        IERC20(path[0]).safeTransferFrom(msg.sender, pairFor(path[0], path[1]), amountIn);
        for (uint256 i; i < path.length - 1; i++) {
            (address input, address output) = (path[i], path[i + 1]);
            (address token0,) = sortTokens(input, output);
            uint256 amountOut = amounts[i + 1];
            (uint256 amount0Out, uint256 amount1Out) =
                input == token0 ? (uint256(0), amountOut) : (amountOut, uint256(0));
            address recipient = i < path.length - 2 ? pairFor(output, path[i + 2]) : to;
            PoolPair(pairFor(input, output)).swap(amount0Out, amount1Out, recipient);
        }
    }
}
