#!/usr/bin/env node
// Deploys the BTTC root-chain contract set to an Ethereum JSON-RPC endpoint and writes the
// addresses to a JSON file. Usage (see scripts/deploy-contracts.sh):
//
//   node contracts/tools/deploy.js <rpc-url> <out.json> [validators.json]
//
// Environment:
//   BTTC_DEPLOYER_KEY      deployer private key (default: anvil's first dev key)
//   BTTC_VALIDATORS        validator set JSON (default scripts/validators.dev.json)
//   BTTC_ROOT_MODE         "stake" (StakeManager; the stake chain, TRON) or "mirror"
//                          (ValidatorSetMirror; BSC/Ethereum). Default "stake".
//   BTTC_ROOT_CHAIN_ID     BTTC id of this root chain: tron=1, eth=2, bsc=3 (default 1 for
//                          stake, 2 for mirror). The mirror's staking-sync id and the
//                          ERC20Predicate's: only sidechain burns withdraw(amount, id) naming
//                          it exit here.
//   BTTC_CHILD_CHAIN_ID    chain id of the BTTC sidechain checkpointed here (default 199)
//   BTTC_FIRST_BLOCK       first sidechain block of this root chain's checkpoints (default 0)
//   BTTC_CHILD_CHAIN_MANAGER  sidechain receiver of deposit state syncs (default 0x…1001)
//   BTTC_STAKE_TOKEN       existing BTT token address (default: deploy BTTToken)
//   BTTC_REWARD_POOL       BTT (wei) put in the checkpoint reward pool (default 1e24)
//   BTTC_DYNASTY, BTTC_CHECKPOINT_REWARD, BTTC_CHECKPOINT_INTERVAL  StakeManager parameters
//
// Validator set JSON: { "validators": [ { "signerPubkey": "0x<64-byte x‖y>" | "signer":
// "0x<address>" (mirror only), "owner": "0x…", "stake": "<wei>" } ] } — the same file the
// sidechain chain spec can read. stakeFor is called by the deployer, who pays the stake.
'use strict';
const fs = require('fs');
const path = require('path');
const { ethers } = require('ethers');
const { factory, artifact } = require('./lib/artifacts');

const ANVIL_KEY0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

function env(name, dflt) {
  const v = process.env[name];
  return v === undefined || v === '' ? dflt : v;
}

function loadValidators(file) {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  const list = Array.isArray(raw) ? raw : raw.validators;
  if (!Array.isArray(list) || list.length === 0) throw new Error(`${file}: no validators`);
  return list.map((v, i) => {
    let pub = v.signerPubkey;
    let signer = v.signer;
    if (pub) {
      // accept 64-byte x‖y, 65-byte 0x04‖x‖y or a 33-byte compressed key
      const b = ethers.getBytes(pub);
      const full = b.length === 64 ? ethers.concat(['0x04', b]) : ethers.SigningKey.computePublicKey(b, false);
      pub = ethers.dataSlice(full, 1);
      const derived = ethers.computeAddress(full);
      if (signer && ethers.getAddress(signer) !== derived) throw new Error(`validator ${i}: signer does not match signerPubkey`);
      signer = derived;
    }
    if (!signer) throw new Error(`validator ${i}: signerPubkey (or signer, mirror mode) required`);
    return {
      signer: ethers.getAddress(signer),
      signerPubkey: pub,
      owner: ethers.getAddress(v.owner || signer),
      stake: BigInt(v.stake ?? ethers.parseEther('10000')),
    };
  });
}

async function main() {
  const [rpcUrl, outFile, validatorsArg] = process.argv.slice(2);
  if (!rpcUrl || !outFile) {
    console.error('usage: deploy.js <rpc-url> <out.json> [validators.json]');
    process.exit(2);
  }
  const mode = env('BTTC_ROOT_MODE', 'stake');
  if (!['stake', 'mirror'].includes(mode)) throw new Error(`BTTC_ROOT_MODE must be stake or mirror, not ${mode}`);
  const validatorsFile = validatorsArg || env('BTTC_VALIDATORS', path.resolve(__dirname, '../../scripts/validators.dev.json'));
  const validators = loadValidators(validatorsFile);
  const rootChainId = Number(env('BTTC_ROOT_CHAIN_ID', mode === 'stake' ? '1' : '2'));
  if (!Number.isSafeInteger(rootChainId) || rootChainId < 1) {
    throw new Error(`BTTC_ROOT_CHAIN_ID must be a positive integer (tron 1, eth 2, bsc 3), not ${env('BTTC_ROOT_CHAIN_ID')}`);
  }
  const childChainId = BigInt(env('BTTC_CHILD_CHAIN_ID', '199'));
  const firstBlock = BigInt(env('BTTC_FIRST_BLOCK', '0'));
  const childChainManager = ethers.getAddress(env('BTTC_CHILD_CHAIN_MANAGER', '0x0000000000000000000000000000000000001001'));

  const provider = new ethers.JsonRpcProvider(rpcUrl, undefined, { cacheTimeout: -1, pollingInterval: 100 });
  const network = await provider.getNetwork();
  const wallet = new ethers.Wallet(env('BTTC_DEPLOYER_KEY', ANVIL_KEY0), provider);
  const deployer = new ethers.NonceManager(wallet);
  const log = (...a) => console.error('[deploy]', ...a);
  log(`chain ${network.chainId} at ${rpcUrl}, deployer ${wallet.address}, mode ${mode}, root chain id ${rootChainId}, ${validators.length} validators`);

  const deploy = async (name, ...args) => {
    const c = await factory(name, deployer).deploy(...args);
    const r = await c.deploymentTransaction().wait();
    if (r.status !== 1) throw new Error(`${name} deployment failed`);
    const addr = await c.getAddress();
    log(`${name.padEnd(22)} ${addr}`);
    return c;
  };
  const send = async (what, txPromise) => {
    const r = await (await txPromise).wait();
    if (r.status !== 1) throw new Error(`${what} failed`);
    return r;
  };

  const totalStake = validators.reduce((a, v) => a + v.stake, 0n);
  const rewardPool = BigInt(env('BTTC_REWARD_POOL', ethers.parseEther('1000000').toString()));
  const contracts = {};

  let token;
  if (env('BTTC_STAKE_TOKEN')) {
    token = new ethers.Contract(env('BTTC_STAKE_TOKEN'), artifact('BTTToken').abi, deployer);
  } else {
    const supply = BigInt(env('BTTC_TOKEN_SUPPLY', ethers.parseEther('1000000000').toString()));
    token = await deploy('BTTToken', wallet.address, supply);
  }
  contracts.BTTToken = await token.getAddress();

  let validatorSet;
  const deployedValidators = [];
  if (mode === 'stake') {
    const shareFactory = await deploy('ValidatorShareFactory');
    const stakeManager = await deploy('StakeManager', contracts.BTTToken, await shareFactory.getAddress(), wallet.address);
    contracts.ValidatorShareFactory = await shareFactory.getAddress();
    contracts.StakeManager = await stakeManager.getAddress();
    validatorSet = stakeManager;
    if (env('BTTC_DYNASTY')) await send('updateDynastyValue', stakeManager.updateDynastyValue(BigInt(env('BTTC_DYNASTY'))));
    if (env('BTTC_CHECKPOINT_REWARD') || env('BTTC_CHECKPOINT_INTERVAL')) {
      await send('updateRewardParams', stakeManager.updateRewardParams(
        BigInt(env('BTTC_CHECKPOINT_REWARD', (await stakeManager.checkpointReward()).toString())),
        BigInt(env('BTTC_CHECKPOINT_INTERVAL', (await stakeManager.checkpointBlockInterval()).toString())),
        await stakeManager.proposerBonus()));
    }
    if (validators.length > Number(await stakeManager.validatorThreshold())) {
      await send('updateValidatorThreshold', stakeManager.updateValidatorThreshold(validators.length));
    }
    await send('approve', token.approve(contracts.StakeManager, totalStake + rewardPool));
    for (const v of validators) {
      if (!v.signerPubkey) throw new Error(`validator ${v.signer}: stake mode needs signerPubkey`);
      const r = await send('stakeFor', stakeManager.stakeFor(v.owner, v.stake, true, v.signerPubkey));
      const ev = r.logs.map((l) => { try { return stakeManager.interface.parseLog(l); } catch (_) { return null; } }).find((e) => e && e.name === 'Staked');
      const id = Number(ev.args.validatorId);
      const info = await stakeManager.getValidator(id);
      deployedValidators.push({ id, signer: v.signer, owner: v.owner, stake: v.stake.toString(), shareContract: info.contractAddress });
      log(`validator ${id}: signer ${v.signer} stake ${ethers.formatEther(v.stake)} BTT`);
    }
    if (rewardPool > 0n) await send('fundRewards', stakeManager.fundRewards(rewardPool));
  } else {
    const sorted = [...validators].sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1));
    const mirror = await deploy('ValidatorSetMirror', rootChainId, sorted.map((v) => v.signer), sorted.map((v) => v.stake));
    contracts.ValidatorSetMirror = await mirror.getAddress();
    validatorSet = mirror;
    for (const v of sorted) deployedValidators.push({ signer: v.signer, owner: v.owner, stake: v.stake.toString() });
  }

  const rootChain = await deploy('RootChain', await validatorSet.getAddress(), childChainId, firstBlock);
  contracts.RootChain = await rootChain.getAddress();
  await send('setRootChain', validatorSet.setRootChain(contracts.RootChain));
  const verifier = await deploy('CheckpointVerifier', contracts.RootChain);
  contracts.CheckpointVerifier = await verifier.getAddress();

  const stateSender = await deploy('StateSender', wallet.address);
  contracts.StateSender = await stateSender.getAddress();
  const manager = await deploy('RootChainManager', wallet.address, contracts.StateSender, contracts.RootChain, childChainManager);
  contracts.RootChainManager = await manager.getAddress();
  // exits only burns that name this root chain: ChildERC20.withdraw(amount, rootChainId)
  const predicate = await deploy('ERC20Predicate', contracts.RootChainManager, rootChainId);
  contracts.ERC20Predicate = await predicate.getAddress();
  await send('register', stateSender.register(contracts.RootChainManager, childChainManager));
  await send('registerPredicate', manager.registerPredicate(await predicate.TOKEN_TYPE(), contracts.ERC20Predicate));
  if (env('BTTC_CHILD_TOKEN')) {
    await send('mapToken', manager.mapToken(contracts.BTTToken, ethers.getAddress(env('BTTC_CHILD_TOKEN')), await predicate.TOKEN_TYPE()));
  }

  const out = {
    network: { rpcUrl, chainId: Number(network.chainId) },
    mode,
    rootChainId,
    childChainId: Number(childChainId),
    firstBlock: Number(firstBlock),
    childChainManager,
    deployer: wallet.address,
    deployedAtBlock: await provider.getBlockNumber(),
    contracts,
    validators: deployedValidators,
    totalStake: totalStake.toString(),
  };
  fs.mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true });
  fs.writeFileSync(outFile, JSON.stringify(out, null, 2) + '\n');
  log(`addresses written to ${outFile}`);
}

main().catch((e) => { console.error('[deploy] error:', e.shortMessage || e.message); process.exit(1); });
