//! The msgpack form of cty values that Terraform puts in every `DynamicValue` it sends.
//!
//! `reader` turns bytes into bounds-checked tokens, `decode` tokens into values guided by a type,
//! `encode` values back into bytes exactly as go-cty would. None of them does any I/O.

mod decode;
mod encode;
mod reader;

pub use decode::decode_msgpack;
pub use encode::encode_msgpack;
