// The dApp scenario shared by the EVM tests (dex.test.js) and the gas report
// (scripts/gas-report.sh): native and ERC20 transfers, a 20 KB deployment, and a
// constant-product pool (factory + pair + router, compiled from source here) created, funded
// and swapped through. Every transaction is sent the way wallets send it: its gas limit is
// exactly what `eth_estimateGas` answered, nothing added.
'use strict';
const { ethers } = require('ethers');
const { compile, compileSource } = require('./lib');

/// Runtime code size of the large deployment, in bytes (EIP-170 allows 24,576).
const LARGE_CONTRACT_BYTES = 20_000;

/// Solidity source of a contract whose runtime code is about `bytes` long: a pure function
/// returning a fixed pseudo-random blob (deterministic, so both chains deploy the same code).
function largeContractSource(bytes) {
  let state = 0x12345678;
  const blob = Buffer.alloc(bytes - 250);
  for (let i = 0; i < blob.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    blob[i] = (state >>> 16) & 0xff || 1;
  }
  return `// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;
contract LargeContract {
    function blob() external pure returns (bytes memory) {
        return hex"${blob.toString('hex')}";
    }
}
`;
}

/// Compiles every contract the scenario deploys.
function artifacts() {
  return {
    token: compile('TestToken.sol', 'TestToken'),
    factory: compile('dex/PoolFactory.sol', 'PoolFactory'),
    router: compile('dex/PoolRouter.sol', 'PoolRouter'),
    pair: compile('dex/PoolPair.sol', 'PoolPair'),
    large: compileSource('LargeContract.sol', largeContractSource(LARGE_CONTRACT_BYTES), 'LargeContract'),
  };
}

/// Sends `tx` from `wallet` with the gas limit `eth_estimateGas` gives for it, and waits for
/// the receipt. Returns `{ estimate, gasUsed, status, receipt }`; a reverted transaction is
/// returned (status 0), not thrown, so callers report it.
async function sendWithEstimate(wallet, tx) {
  const estimate = await wallet.provider.estimateGas({ ...tx, from: wallet.address });
  const sent = await wallet.sendTransaction({ ...tx, gasLimit: estimate });
  const receipt = await wallet.provider.waitForTransaction(sent.hash, 1, 120_000);
  if (!receipt) throw new Error(`no receipt for ${sent.hash} within 120 s`);
  return { estimate, gasUsed: receipt.gasUsed, status: receipt.status, receipt };
}

/// Runs the scenario with `deployer` and `trader` (funded wallets on one provider).
/// `record(step)` receives `{ operation, estimate, gasUsed, status, hash }` for every
/// transaction as it lands. Returns the deployed contracts and the addresses it created.
async function runScenario(deployer, trader, record) {
  const compiled = artifacts();
  const provider = deployer.provider;
  const send = async (operation, wallet, tx) => {
    const outcome = await sendWithEstimate(wallet, tx);
    record({
      operation,
      estimate: outcome.estimate,
      gasUsed: outcome.gasUsed,
      status: outcome.status,
      hash: outcome.receipt.hash,
    });
    if (outcome.status !== 1) {
      throw new Error(`${operation}: reverted with gas limit ${outcome.estimate} (the estimate), used ${outcome.gasUsed}`);
    }
    return outcome.receipt;
  };
  const deploy = async (operation, artifact, args) => {
    const factory = new ethers.ContractFactory(artifact.abi, artifact.bytecode, deployer);
    const receipt = await send(operation, deployer, await factory.getDeployTransaction(...args));
    return new ethers.Contract(receipt.contractAddress, artifact.abi, deployer);
  };
  const call = async (operation, wallet, contract, method, args) =>
    send(operation, wallet, await contract.connect(wallet)[method].populateTransaction(...args));

  const fresh = () => ethers.Wallet.createRandom().address;
  const one = ethers.parseEther('1');
  const supply = ethers.parseEther('1000000');

  await send('native transfer, existing account', deployer, { to: trader.address, value: one });
  await send('native transfer, new account', deployer, { to: fresh(), value: one });

  const tokenA = await deploy('ERC20 deployment (OpenZeppelin)', compiled.token, ['Token A', 'TKA', supply]);
  const tokenB = await deploy('ERC20 deployment, second token', compiled.token, ['Token B', 'TKB', supply]);
  await call('ERC20 transfer, new holder', deployer, tokenA, 'transfer', [trader.address, ethers.parseEther('5000')]);
  await call('ERC20 transfer, existing holder', deployer, tokenA, 'transfer', [trader.address, ethers.parseEther('1000')]);

  const large = await deploy(`contract deployment, ${LARGE_CONTRACT_BYTES / 1000} KB of code`, compiled.large, []);

  const factory = await deploy('pool factory deployment', compiled.factory, []);
  const router = await deploy('pool router deployment', compiled.router, [await factory.getAddress()]);
  const routerAddress = await router.getAddress();
  const [a, b] = [await tokenA.getAddress(), await tokenB.getAddress()];
  await call('ERC20 approve, new allowance', deployer, tokenA, 'approve', [routerAddress, ethers.MaxUint256]);
  await call('ERC20 approve, second token', deployer, tokenB, 'approve', [routerAddress, ethers.MaxUint256]);
  const deadline = () => BigInt(Math.floor(Date.now() / 1000) + 3600);
  const liquidityA = ethers.parseEther('100000');
  const liquidityB = ethers.parseEther('200000');
  await call('add liquidity, creating the pool (contract creates contract)', deployer, router, 'addLiquidity', [
    a, b, liquidityA, liquidityB, 0, 0, deployer.address, deadline(),
  ]);

  const swapRecipient = fresh();
  await call('pool swap, first through the pool, to a new holder', deployer, router, 'swapExactTokensForTokens', [
    ethers.parseEther('10'), 0, [a, b], swapRecipient, deadline(),
  ]);
  await call('ERC20 approve, by a trader', trader, tokenA, 'approve', [routerAddress, ethers.MaxUint256]);
  await call('pool swap, existing holder', trader, router, 'swapExactTokensForTokens', [
    ethers.parseEther('10'), 0, [a, b], trader.address, deadline(),
  ]);
  await call('add liquidity to an existing pool', deployer, router, 'addLiquidity', [
    a, b, ethers.parseEther('1000'), ethers.parseEther('5000'), 0, 0, deployer.address, deadline(),
  ]);

  const pair = new ethers.Contract(await factory.getPair(a, b), compiled.pair.abi, provider);
  return { tokenA, tokenB, large, factory, router, pair, swapRecipient };
}

module.exports = { LARGE_CONTRACT_BYTES, artifacts, runScenario, sendWithEstimate };
