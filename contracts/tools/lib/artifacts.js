'use strict';
const fs = require('fs');
const path = require('path');
const { ContractFactory } = require('ethers');

const DIR = path.resolve(__dirname, '../../artifacts');
function artifact(name) {
  return JSON.parse(fs.readFileSync(path.join(DIR, `${name}.json`), 'utf8'));
}
function factory(name, signer) {
  const a = artifact(name);
  return new ContractFactory(a.abi, a.bytecode, signer);
}
module.exports = { artifact, factory };
