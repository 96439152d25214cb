// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Vm} from "forge-std/Vm.sol";

import {BTTToken} from "../../src/token/BTTToken.sol";
import {StakeManager, IValidatorShareFactory} from "../../src/staking/StakeManager.sol";
import {ValidatorShareFactory} from "../../src/staking/ValidatorShare.sol";
import {RootChain} from "../../src/root/RootChain.sol";
import {ICheckpointValidatorSet} from "../../src/interfaces/ICheckpointValidatorSet.sol";

/// @dev Deploys the stake-chain set and signs checkpoints with real secp256k1 keys (vm.sign).
abstract contract BaseTest is Test {
    uint256 internal constant CHILD_CHAIN_ID = 199;

    BTTToken internal token;
    StakeManager internal stakeManager;
    RootChain internal rootChain;
    address internal governance = makeAddr("governance");

    uint256[] internal signerKeys; // signer private key per validator id - 1
    address[] internal validatorOwners;

    function _deployStakeChain(uint256 firstBlock) internal {
        token = new BTTToken(governance, 1e30);
        stakeManager = new StakeManager(token, IValidatorShareFactory(address(new ValidatorShareFactory())), governance);
        rootChain = new RootChain(ICheckpointValidatorSet(address(stakeManager)), CHILD_CHAIN_ID, firstBlock);
        vm.prank(governance);
        stakeManager.setRootChain(address(rootChain));
    }

    function _fund(address to, uint256 amount) internal {
        vm.prank(governance);
        token.transfer(to, amount);
    }

    function _pubkey(uint256 pk) internal returns (bytes memory) {
        Vm.Wallet memory w = vm.createWallet(pk);
        return abi.encodePacked(w.publicKeyX, w.publicKeyY);
    }

    /// @dev New validator owned by a fresh address, signing with `pk`.
    function _stake(uint256 pk, uint256 amount, bool acceptDelegation) internal returns (uint256 id) {
        address owner = makeAddr(string.concat("owner", vm.toString(pk)));
        _fund(owner, amount);
        vm.startPrank(owner);
        token.approve(address(stakeManager), amount);
        id = stakeManager.stakeFor(owner, amount, acceptDelegation, _pubkey(pk));
        vm.stopPrank();
        signerKeys.push(pk);
        validatorOwners.push(owner);
    }

    function _checkpointData(address proposer, uint256 start, uint256 end, bytes32 root)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encode(proposer, start, end, root, keccak256("accounts"), CHILD_CHAIN_ID);
    }

    function _digest(bytes memory data) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes1(0x01), data));
    }

    /// @dev Sorts keys by signer address (ascending) and concatenates r ‖ s ‖ v signatures.
    function _signSorted(bytes32 digest, uint256[] memory pks) internal pure returns (bytes memory sigs) {
        uint256[] memory ks = _sortByAddress(pks);
        for (uint256 i = 0; i < ks.length; i++) {
            sigs = bytes.concat(sigs, _sig(ks[i], digest));
        }
    }

    function _sig(uint256 pk, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        return abi.encodePacked(r, s, v);
    }

    function _sortByAddress(uint256[] memory pks) internal pure returns (uint256[] memory ks) {
        ks = new uint256[](pks.length);
        for (uint256 i = 0; i < pks.length; i++) ks[i] = pks[i];
        for (uint256 i = 1; i < ks.length; i++) {
            uint256 k = ks[i];
            address a = vm.addr(k);
            uint256 j = i;
            while (j > 0 && vm.addr(ks[j - 1]) > a) {
                ks[j] = ks[j - 1];
                j--;
            }
            ks[j] = k;
        }
    }

    function _allKeys() internal view returns (uint256[] memory ks) {
        ks = signerKeys;
    }

    /// @dev Submits the next checkpoint [next start, +len-1] signed by `pks`, proposed by pks[0].
    function _submitCheckpoint(uint256 len, bytes32 root, uint256[] memory pks) internal returns (uint256 id) {
        uint256 start = rootChain.nextStartBlock();
        bytes memory data = _checkpointData(vm.addr(pks[0]), start, start + len - 1, root);
        rootChain.submitCheckpoint(data, _signSorted(_digest(data), pks));
        id = rootChain.currentHeaderBlock();
    }
}
