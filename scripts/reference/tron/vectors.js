#!/usr/bin/env node
// Generates reference TRON vectors (addresses + signed TriggerSmartContract
// transactions) with tronweb, fully offline, into
// relayer/tests/data/tron_vectors.json.
//
//   cd scripts/reference/tron && npm ci && node vectors.js
'use strict';

const fs = require('fs');
const path = require('path');
const nodeCrypto = require('crypto');
const { TronWeb, utils, providers } = require('tronweb');
const ethers = require('ethers'); // tronweb's own dependency, used only for an independent check

// Never talk to a node: any HTTP request through tronweb throws.
providers.HttpProvider.prototype.request = function () {
    throw new Error('vectors.js must stay offline (attempted request to ' + this.host + ')');
};

// Dummy host: constructing TronWeb only builds axios instances, it does not connect.
const tronWeb = new TronWeb({ fullHost: 'http://127.0.0.1:1' });

const { Transaction } = globalThis.TronWebProto; // registered by tronweb's generated protobuf classes
const { txJsonToPb, txPbToRawDataHex, txPbToTxID, txCheck } = utils.transaction;

function check(cond, msg) {
    if (!cond) throw new Error('check failed: ' + msg);
}
const strip0x = (h) => h.replace(/^0x/, '');
const lower = (h) => strip0x(h).toLowerCase();
const sha256Hex = (hex) => nodeCrypto.createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');

// ---------------------------------------------------------------- addresses

function addressFromKey(privateKey, expectEvm) {
    const base58 = TronWeb.address.fromPrivateKey(privateKey, true);
    check(base58, 'fromPrivateKey ' + privateKey);
    const hex = TronWeb.address.toHex(base58).toLowerCase();
    const evm = '0x' + TronWeb.address.toChecksumAddress(hex).slice(2);
    check(TronWeb.address.fromHex(hex) === base58, 'fromHex(toHex(x)) round trip');
    check(lower(new ethers.Wallet('0x' + privateKey).address) === lower(evm), 'ethers agrees on ' + privateKey);
    if (expectEvm) check(evm === expectEvm, `key ${privateKey} -> ${evm}, expected ${expectEvm}`);
    return { privateKey, hex, base58, evm };
}

function addressFromEvm(evmAddress) {
    const hex = TronWeb.address.toHex(evmAddress).toLowerCase(); // 0x -> 41
    const base58 = TronWeb.address.fromHex(hex);
    check(TronWeb.address.toHex(base58).toLowerCase() === hex, 'base58 round trip ' + evmAddress);
    check(TronWeb.isAddress(base58) && TronWeb.isAddress(hex), 'isAddress ' + evmAddress);
    const evm = '0x' + TronWeb.address.toChecksumAddress(hex).slice(2);
    check(evm === ethers.getAddress(evmAddress), 'checksum ' + evmAddress);
    return { privateKey: null, hex, base58, evm };
}

const KEY_ONE = '0000000000000000000000000000000000000000000000000000000000000001';
const ANVIL0 = 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const ANVIL1 = '59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'; // (not ...dc9ab5ed8440c8bc6d9a3f4e0a0c1f3a: that derives 0x4a93...5f31)
const ANVIL2 = '5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a';

const addresses = [
    addressFromKey(KEY_ONE, '0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf'),
    addressFromKey(ANVIL0, '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'),
    addressFromKey(ANVIL1, '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'),
    addressFromKey(ANVIL2, '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'),
    addressFromEvm('0x5FbDB2315678afecb367f032d93F642f64180aa3'), // anvil's first CREATE from account 0
    addressFromEvm('0xa614f803B6FD780986A42c78Ec9c7f77e6DeD13C'), // USDT on TRON mainnet (TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t)
];
check(addresses[5].base58 === 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', 'USDT base58');
const addrOf = (pk) => addresses.find((a) => a.privateKey === pk).hex;

// ---------------------------------------------------------------- calldata

const abi = new ethers.AbiCoder();
const selector = (sig) => ethers.id(sig).slice(2, 10);

// transfer(address,uint256): 4-byte selector + 64 bytes of arguments
const dataTransfer =
    selector('transfer(address,uint256)') +
    strip0x(abi.encode(['address', 'uint256'], ['0x70997970C51812dc3A010C7d01b50e0d17dc79C8', 1000000n]));
check(dataTransfer.length === (4 + 64) * 2, 'transfer calldata length');

// submitCheckpoint(bytes,bytes[]): ~600 bytes of calldata
const payload = '0x' + Array.from({ length: 120 }, (_, i) => ((i * 7 + 3) & 0xff).toString(16).padStart(2, '0')).join('');
const sigs = [0, 1].map((k) => '0x' + Array.from({ length: 65 }, (_, i) => ((i + k * 31) & 0xff).toString(16).padStart(2, '0')).join(''));
const dataLarge = selector('submitCheckpoint(bytes,bytes[])') + strip0x(abi.encode(['bytes', 'bytes[]'], [payload, sigs]));
check(dataLarge.length / 2 > 550 && dataLarge.length / 2 < 700, 'large calldata ~600 bytes, got ' + dataLarge.length / 2);

// deposit(): payable, no arguments
const dataDeposit = selector('deposit()');

// ---------------------------------------------------------------- transactions

const inputs = [
    {
        name: 'erc20_transfer',
        privateKey: ANVIL0,
        contractAddress: addresses[4].hex,
        data: dataTransfer,
        callValue: 0,
        feeLimit: 1000000000,
        refBlockBytes: '1a2b',
        refBlockHash: '0123456789abcdef',
        expiration: 1700000060000,
        timestamp: 1700000000000,
    },
    {
        name: 'large_calldata',
        privateKey: ANVIL1,
        contractAddress: addresses[5].hex,
        data: dataLarge,
        callValue: 0,
        feeLimit: 150000000,
        refBlockBytes: 'ff00',
        refBlockHash: 'e3b0c44298fc1c14',
        expiration: 1712345738000,
        timestamp: 1712345678901,
    },
    {
        name: 'payable_call_value',
        privateKey: KEY_ONE,
        contractAddress: addresses[4].hex,
        data: dataDeposit,
        callValue: 1500000,
        feeLimit: 150000000,
        refBlockBytes: '0001',
        refBlockHash: '00000000000000ff',
        expiration: 1735689660000,
        timestamp: 1735689600123,
    },
    {
        name: 'anvil2_large_values',
        privateKey: ANVIL2,
        contractAddress: addresses[5].hex,
        data: dataTransfer,
        callValue: 9007199254740991, // Number.MAX_SAFE_INTEGER: 8-byte varint
        feeLimit: 15000000000,
        refBlockBytes: '8081',
        refBlockHash: 'ffffffffffffffff',
        expiration: 4102444800000,
        timestamp: 4102444740000,
    },
];

async function buildVector(inp) {
    const ownerAddress = addrOf(inp.privateKey);
    const value = { data: inp.data, owner_address: ownerAddress, contract_address: inp.contractAddress };
    if (inp.callValue) value.call_value = inp.callValue; // the node omits call_value when it is 0

    // Shape of what /wallet/triggersmartcontract returns (visible=false), before raw_data_hex/txID.
    const tx = {
        visible: false,
        txID: '',
        raw_data: {
            contract: [
                {
                    parameter: { value, type_url: 'type.googleapis.com/protocol.TriggerSmartContract' },
                    type: 'TriggerSmartContract',
                },
            ],
            ref_block_bytes: inp.refBlockBytes,
            ref_block_hash: inp.refBlockHash,
            expiration: inp.expiration,
            fee_limit: inp.feeLimit,
            timestamp: inp.timestamp,
        },
        raw_data_hex: '',
    };

    const pb = txJsonToPb(tx);
    const rawDataHex = txPbToRawDataHex(pb).toLowerCase();
    const txID = lower(txPbToTxID(pb));
    tx.raw_data_hex = rawDataHex;
    tx.txID = txID;
    check(txCheck(tx), 'txCheck ' + inp.name);
    check(sha256Hex(rawDataHex) === txID, 'sha256(rawDataHex) == txID for ' + inp.name);

    // Sign with an offline TronWeb instance (checks owner matches key and re-runs txCheck) ...
    const signed = await tronWeb.trx.sign(tx, inp.privateKey);
    const signature = signed.signature[0];
    // ... and directly with the crypto helper: same bytes (RFC 6979, deterministic).
    const direct = utils.crypto.signTransaction(inp.privateKey, JSON.parse(JSON.stringify(tx)));
    check(direct.signature[0] === signature, 'trx.sign == crypto.signTransaction for ' + inp.name);
    check(lower(signature).length === 130, '65-byte signature');
    const sLow = BigInt('0x' + lower(signature).slice(64, 128));
    const N = BigInt('0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');
    check(sLow <= N / 2n, 'low-s signature ' + inp.name);
    check(['1b', '1c'].includes(lower(signature).slice(128)), 'v is 27/28 ' + inp.name);

    // Signer recovery: tronweb's helpers and ethers independently.
    check(utils.crypto.ecRecover(txID, signature).toLowerCase() === ownerAddress, 'crypto.ecRecover ' + inp.name);
    check(tronWeb.trx.ecRecover(signed) === TronWeb.address.fromHex(ownerAddress), 'trx.ecRecover ' + inp.name);
    const evmSigner = ethers.recoverAddress('0x' + txID, '0x' + lower(signature));
    check('41' + lower(evmSigner) === ownerAddress, 'ethers.recoverAddress ' + inp.name);

    // Whole Transaction {raw_data = 1, signature = 2} with tronweb's protobuf classes.
    pb.addSignature(Buffer.from(lower(signature), 'hex'));
    const transactionHex = Buffer.from(pb.serializeBinary()).toString('hex');
    const back = Transaction.deserializeBinary(Buffer.from(transactionHex, 'hex'));
    check(Buffer.from(back.getRawData().serializeBinary()).toString('hex') === rawDataHex, 'transactionHex round trip');
    check(Buffer.from(back.getSignatureList_asU8()[0]).toString('hex') === lower(signature), 'signature round trip');

    // tronweb's own decoder agrees with the inputs.
    const decoded = utils.deserializeTx.deserializeTransaction('TriggerSmartContract', rawDataHex);
    const dv = decoded.contract[0].parameter.value;
    check(lower(dv.owner_address) === ownerAddress && lower(dv.contract_address) === inp.contractAddress, 'decode addrs');
    check(lower(dv.data) === inp.data && Number(dv.call_value || 0) === inp.callValue, 'decode data/call_value');

    return {
        name: inp.name,
        inputs: {
            privateKey: inp.privateKey,
            ownerAddress,
            contractAddress: inp.contractAddress,
            data: inp.data,
            callValue: inp.callValue,
            feeLimit: inp.feeLimit,
            refBlockBytes: inp.refBlockBytes,
            refBlockHash: inp.refBlockHash,
            expiration: inp.expiration,
            timestamp: inp.timestamp,
        },
        outputs: { rawDataHex, txID, signature, transactionHex },
        transaction: signed, // the signed JSON as tronweb returns it (wallet/broadcasttransaction body)
    };
}

async function main() {
    const transactions = [];
    for (const inp of inputs) transactions.push(await buildVector(inp));
    const out = { generator: `tronweb ${TronWeb.version}`, addresses, transactions };
    const file = path.resolve(__dirname, '../../../relayer/tests/data/tron_vectors.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
    console.log(`wrote ${file}: ${addresses.length} addresses, ${transactions.length} transactions`);
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
