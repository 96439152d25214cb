#!/usr/bin/env node
// End-to-end check of a deployment made by scripts/deploy-contracts.sh, on real anvil nodes:
//   root (stake mode, "TRON" role)  — deployment checks, deposit, checkpoint, exit, replay
//   child (the sidechain stand-in)   — ChildERC20 credited from the StateSynced event, burn
//                                      withdraw(amount, root chain id of the stake chain)
//   mirror (mirror mode, "BSC" role) — staking sync signed by the validators, checkpoint; the
//                                      same burn's exit refused there (it names the other chain)
// Prints "ok - …" / "not ok - …" per check and exits non-zero if any failed.
// usage: bridge-e2e.js <root-url> <stake-deployment.json> <child-url> <mirror-url> <mirror-deployment.json> <validators.json>
'use strict';
const fs = require('fs');
const path = require('path');
const { ethers } = require('ethers');
const { factory, artifact } = require('../../tools/lib/artifacts');
const { burnProof, blockRange, buildExit } = require('../../tools/lib/child-chain');
const { checkpointData, signSorted } = require('../../tools/lib/checkpoint');

const [rootUrl, stakeFile, childUrl, mirrorUrl, mirrorFile, validatorsFile] = process.argv.slice(2);
const ANVIL_KEY0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const MNEMONIC = 'test test test test test test test test test test test junk';

let passed = 0;
let failed = 0;
function check(cond, what) {
  if (cond) { passed++; console.log(`ok - ${what}`); } else { failed++; console.log(`not ok - ${what}`); }
}
async function expectRevert(p, what) {
  try { const tx = await p; await tx.wait(); check(false, `${what} (did not revert)`); } catch (e) { check(true, `${what} reverts: ${e.revert?.name || e.shortMessage || 'reverted'}`); }
}

const BURNED = ethers.id('Burned(address,uint256,uint256)');
const TRANSFER = ethers.id('Transfer(address,address,uint256)');
const predicateIface = new ethers.Interface(artifact('ERC20Predicate').abi);
/** The custom error a call reverts with, decoded with the predicate's ABI where it is one of its errors. */
async function revertReason(call) {
  try { await call(); return '(no revert)'; } catch (e) {
    const data = e.data ?? e.info?.error?.data;
    try { const d = predicateIface.parseError(data); if (d) return `${d.name}(${d.args.join(', ')})`; } catch (_) { /* not a predicate error */ }
    return e.revert?.name || e.shortMessage || 'reverted';
  }
}

const provider = (url) => new ethers.JsonRpcProvider(url, undefined, { cacheTimeout: -1, pollingInterval: 50 });
const contract = (name, addr, signer) => new ethers.Contract(addr, artifact(name).abi, signer);

async function main() {
  const stake = JSON.parse(fs.readFileSync(stakeFile, 'utf8'));
  const mirrorDep = JSON.parse(fs.readFileSync(mirrorFile, 'utf8'));
  const vset = JSON.parse(fs.readFileSync(validatorsFile, 'utf8')).validators;
  const vkeys = vset.map((v) => v.devPrivateKey);

  const rootP = provider(rootUrl);
  const childP = provider(childUrl);
  const mirrorP = provider(mirrorUrl);
  const deployer = new ethers.NonceManager(new ethers.Wallet(ANVIL_KEY0, rootP));
  const userW = ethers.HDNodeWallet.fromPhrase(MNEMONIC, undefined, "m/44'/60'/0'/0/7");
  const user = new ethers.NonceManager(userW.connect(rootP));
  const C = stake.contracts;

  // ---- the deployment
  for (const [name, addr] of Object.entries(C)) {
    check((await rootP.getCode(addr)).length > 2, `${name} has code at ${addr}`);
  }
  const sm = contract('StakeManager', C.StakeManager, deployer);
  const rc = contract('RootChain', C.RootChain, deployer);
  const btt = contract('BTTToken', C.BTTToken, deployer);
  const rcm = contract('RootChainManager', C.RootChainManager, deployer);
  const sender = contract('StateSender', C.StateSender, deployer);
  const totalStake = vset.reduce((a, v) => a + BigInt(v.stake), 0n);
  check((await sm.totalStaked()) === totalStake, `StakeManager.totalStaked = ${ethers.formatEther(totalStake)} BTT`);
  check(Number(await sm.currentValidatorSetSize()) === vset.length, `${vset.length} validators staked`);
  let signersOk = true;
  for (const v of vset) signersOk &&= (await sm.signerPower(v.signer)) === BigInt(v.stake);
  check(signersOk, 'every signer from the validator file has its stake as power');
  check((await rc.validatorSet()) === C.StakeManager && (await sm.rootChain()) === C.RootChain, 'RootChain <-> StakeManager wired');
  check((await rc.childChainId()) === BigInt(stake.childChainId), `RootChain checkpoints child chain ${stake.childChainId}`);
  check((await sender.registrations(stake.childChainManager)) === C.RootChainManager, 'RootChainManager registered in StateSender');
  const pred = contract('ERC20Predicate', C.ERC20Predicate, deployer);
  check((await pred.rootChainId()) === BigInt(stake.rootChainId) && (await pred.manager()) === C.RootChainManager,
    `ERC20Predicate exits burns naming root chain ${stake.rootChainId} for the RootChainManager`);

  // ---- child chain token; map it on the root chain
  const childDeployer = new ethers.NonceManager(new ethers.Wallet(ANVIL_KEY0, childP));
  const child = await factory('ChildERC20', childDeployer).deploy('BitTorrent (child)', 'BTT', await childDeployer.getAddress());
  await child.deploymentTransaction().wait();
  const childToken = await child.getAddress();
  await (await rcm.mapToken(C.BTTToken, childToken, ethers.id('ERC20'))).wait();
  check((await rcm.rootToChildToken(C.BTTToken)) === childToken, 'BTT mapped to the child token');

  // ---- deposit on the root chain, relayed to the child chain from the StateSynced event
  const amount = ethers.parseEther('500');
  await (await btt.transfer(userW.address, amount)).wait();
  await (await btt.connect(user).approve(C.ERC20Predicate, amount)).wait();
  const depRcpt = await (await rcm.connect(user).depositFor(userW.address, C.BTTToken, amount)).wait();
  const synced = depRcpt.logs.map((l) => { try { return sender.interface.parseLog(l); } catch (_) { return null; } }).filter((e) => e && e.name === 'StateSynced');
  check(synced.length === 1 && synced[0].args.contractAddress === stake.childChainManager, 'deposit emitted one StateSynced to the child chain manager');
  const [kind, inner] = ethers.AbiCoder.defaultAbiCoder().decode(['bytes32', 'bytes'], synced[0].args.data);
  check(kind === ethers.id('DEPOSIT'), 'state sync message is a DEPOSIT');
  const [to, rootToken, depositData] = ethers.AbiCoder.defaultAbiCoder().decode(['address', 'address', 'bytes'], inner);
  check(to === userW.address && rootToken === C.BTTToken, 'deposit message names the user and the root token');
  await (await child.deposit(to, depositData)).wait();
  check((await child.balanceOf(userW.address)) === amount, 'child chain credited the deposit');

  // ---- burn on the child chain
  const childUser = new ethers.NonceManager(userW.connect(childP));
  await (await childDeployer.sendTransaction({ to: userW.address, value: ethers.parseEther('1') })).wait();
  const burnAmount = ethers.parseEther('200');
  await expectRevert(child.connect(childUser).withdraw(burnAmount, 0, { gasLimit: 200_000 }), 'withdraw naming root chain 0');
  const burnTx = await child.connect(childUser).withdraw(burnAmount, stake.rootChainId);
  const burnRcpt = await burnTx.wait();
  const word = (x) => ethers.zeroPadValue(ethers.toBeHex(x), 32);
  const burnedIdx = burnRcpt.logs.findIndex((l) => l.address === childToken && l.topics[0] === BURNED);
  const transferIdx = burnRcpt.logs.findIndex((l) => l.address === childToken && l.topics[0] === TRANSFER);
  check(burnedIdx > transferIdx && transferIdx >= 0 && burnRcpt.logs[burnedIdx].topics[1] === word(userW.address)
    && burnRcpt.logs[burnedIdx].topics[2] === word(stake.rootChainId) && BigInt(burnRcpt.logs[burnedIdx].data) === burnAmount
    && BigInt(burnRcpt.logs[transferIdx].topics[2]) === 0n,
    `burn emitted Transfer(user, 0x0) then Burned(user, ${stake.rootChainId}, ${ethers.formatEther(burnAmount)})`);
  for (let i = 0; i < 2; i++) await (await childDeployer.sendTransaction({ to: userW.address, value: 1n })).wait();

  // ---- checkpoint of child blocks [0, latest], signed by 3 of 4 validators
  const proof = await burnProof(childUrl, burnTx.hash, burnedIdx);
  check(true, `receipt trie of child block ${proof.blockNumber} rebuilt; root equals the header's receiptsRoot`);
  const last = await childP.getBlockNumber();
  const blocks = await blockRange(childUrl, 0, last);
  const exitData = buildExit(proof, 1, blocks);
  // the same receipt proven at the burn's Transfer log: a valid proof of a log that is no exit
  const transferExit = buildExit({ ...proof, logIndex: transferIdx }, 1, blocks);
  const data = checkpointData({ proposer: vset[0].signer, start: 0, end: last, root: exitData.root, childChainId: stake.childChainId });
  const under = signSorted('0x01', data, vkeys.slice(0, 2));
  await expectRevert(rc.submitCheckpoint(data, under.sigs, { gasLimit: 2_000_000 }), 'checkpoint signed by 2 of 4');
  const { sigs } = signSorted('0x01', data, vkeys.slice(0, 3));
  const ckRcpt = await (await rc.submitCheckpoint(data, sigs)).wait();
  check(ckRcpt.status === 1 && (await rc.currentHeaderBlock()) === 1n, `checkpoint [0, ${last}] accepted (gas ${ckRcpt.gasUsed})`);

  // ---- exit on the root chain
  const before = await btt.balanceOf(userW.address);
  const exitRcpt = await (await rcm.connect(user).exit(exitData.payload)).wait();
  check((await btt.balanceOf(userW.address)) - before === burnAmount, `exit paid ${ethers.formatEther(burnAmount)} BTT (gas ${exitRcpt.gasUsed})`);
  await expectRevert(rcm.connect(user).exit(exitData.payload, { gasLimit: 2_000_000 }), 'replayed exit');
  const transferReason = await revertReason(() => rcm.connect(user).exit.staticCall(transferExit.payload));
  check(transferReason === 'NotBurnLog()', `exit of the burn's Transfer-to-zero log refused: ${transferReason}`);

  // ---- the mirror root chain ("BSC"): staking sync, then the same checkpoint stream
  const M = mirrorDep.contracts;
  const mDeployer = new ethers.NonceManager(new ethers.Wallet(ANVIL_KEY0, mirrorP));
  const mirror = contract('ValidatorSetMirror', M.ValidatorSetMirror, mDeployer);
  const mrc = contract('RootChain', M.RootChain, mDeployer);
  check((await mirror.totalPower()) === totalStake && Number(await mirror.validatorCount()) === vset.length, 'mirror holds the validator set from the same file');
  check((await mrc.validatorSet()) === M.ValidatorSetMirror, 'mirror RootChain checks signatures against the mirror');
  const newSigner = ethers.Wallet.createRandom();
  const payload = ethers.AbiCoder.defaultAbiCoder().encode(['uint256', 'address', 'uint256', 'address[]', 'uint256[]'],
    [mirrorDep.rootChainId, M.ValidatorSetMirror, 1, [newSigner.address], [ethers.parseEther('5000')]]);
  await expectRevert(mirror.syncValidatorSet(payload, signSorted('0x02', payload, vkeys.slice(0, 2)).sigs, { gasLimit: 2_000_000 }), 'staking sync signed by 2 of 4');
  await (await mirror.syncValidatorSet(payload, signSorted('0x02', payload, vkeys.slice(0, 3)).sigs)).wait();
  check((await mirror.syncNonce()) === 1n && (await mirror.powerOf(newSigner.address)) === ethers.parseEther('5000'), 'staking sync signed by 3 of 4 applied');
  // total is now 45000: 3 old validators (30000) are short of 2/3+1, 3 old + new pass
  await expectRevert(mrc.submitCheckpoint(data, sigs, { gasLimit: 2_000_000 }), 'mirror checkpoint by 30000 of 45000');
  const withNew = signSorted('0x01', data, [...vkeys.slice(0, 3), newSigner.privateKey]);
  await (await mrc.submitCheckpoint(data, withNew.sigs)).wait();
  check((await mrc.currentHeaderBlock()) === 1n, 'mirror RootChain accepted the checkpoint signed by the synced set');

  // ---- the burn named the stake chain: the mirror chain, holding the same checkpoint and
  // mapping the same child token, refuses its exit
  const mrcm = contract('RootChainManager', M.RootChainManager, mDeployer);
  const mpred = contract('ERC20Predicate', M.ERC20Predicate, mDeployer);
  const mbtt = contract('BTTToken', M.BTTToken, mDeployer);
  check((await mpred.rootChainId()) === BigInt(mirrorDep.rootChainId), `mirror ERC20Predicate exits burns naming root chain ${mirrorDep.rootChainId}`);
  await (await mrcm.mapToken(M.BTTToken, childToken, ethers.id('ERC20'))).wait();
  await (await mbtt.transfer(M.ERC20Predicate, burnAmount)).wait(); // funds, so only the chain id can refuse
  const mirrorReason = await revertReason(() => mrcm.exit.staticCall(exitData.payload));
  check(mirrorReason === `WrongRootChain(${mirrorDep.rootChainId}, ${stake.rootChainId})`,
    `exit of the stake-chain burn refused on the mirror chain: ${mirrorReason}`);
  await expectRevert(mrcm.exit(exitData.payload, { gasLimit: 2_000_000 }), 'mirror exit of a burn naming another root chain');
  check((await mbtt.balanceOf(M.ERC20Predicate)) === burnAmount && (await mbtt.balanceOf(userW.address)) === 0n,
    'mirror predicate paid nothing');

  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.log(`not ok - e2e aborted: ${e.shortMessage || e.message}`); console.log(`e2e: ${passed} passed, ${failed + 1} failed`); process.exit(1); });
