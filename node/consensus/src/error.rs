//! Why a block was refused or could not be authored.

use bttc_primitives::BlockNumber;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_slots::Slot;

/// Errors of the span consensus client.
#[derive(Debug, thiserror::Error)]
pub enum Error {
	/// The header carries no seal; every non-genesis block must be sealed by its author.
	#[error("header is unsealed: the author's seal must be its last digest item")]
	Unsealed,
	/// The last digest item is not a BTTC seal, or its signature does not decode.
	#[error("header has a malformed seal: expected a `bttc` seal with an sr25519 signature")]
	BadSeal,
	/// The seal's signature does not verify under the author named in the header.
	#[error("seal signature of #{block} does not verify under its declared author {author}")]
	BadSignature {
		/// Block number.
		block: BlockNumber,
		/// Author the header names.
		author: AuraId,
	},
	/// A required pre-runtime digest (Aura slot or BTTC author) is missing.
	#[error("header has no {0} pre-runtime digest")]
	MissingPreDigest(&'static str),
	/// A pre-runtime digest appears twice or does not decode.
	#[error("header has a duplicate or malformed {0} pre-runtime digest")]
	MalformedPreDigest(&'static str),
	/// The runtime knows no span for the block, so nobody may author it.
	#[error("no span covers block #{0}; the chain cannot be extended before a span is fixed")]
	UnknownSpan(BlockNumber),
	/// The author is not in the block's schedule (not a validator of its span).
	#[error("{author} is not a validator of span {span} and may not author #{block}")]
	NotAProducer {
		/// Block number.
		block: BlockNumber,
		/// Span of the block.
		span: u64,
		/// Author the header names.
		author: AuraId,
	},
	/// A producer sealed the block before its succession's delay had passed.
	#[error(
		"{author} (succession {succession}) authored #{block} at slot {slot}, before its earliest slot {earliest}"
	)]
	TooEarly {
		/// Block number.
		block: BlockNumber,
		/// Author the header names.
		author: AuraId,
		/// 0 in turn, `k` for the `k`-th backup.
		succession: u32,
		/// Slot of the block.
		slot: Slot,
		/// Earliest slot this author may use after the parent.
		earliest: Slot,
	},
	/// The block's slot starts further ahead of this node's clock than the allowed drift.
	#[error("block slot {slot} starts {ahead_ms} ms ahead of the local clock: check the clocks")]
	FromTheFuture {
		/// Slot of the block.
		slot: Slot,
		/// How far ahead its start is.
		ahead_ms: u64,
	},
	/// The slot duration is zero, so slots cannot be counted.
	#[error("the runtime reports a zero slot duration")]
	ZeroSlotDuration,
	/// Reading chain state or calling the runtime failed.
	#[error("client error: {0}")]
	Client(String),
}

impl From<Error> for String {
	fn from(error: Error) -> String {
		error.to_string()
	}
}
