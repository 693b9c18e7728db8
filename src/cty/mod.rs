//! The cty value codec: Terraform's type system ([`Type`], [`Value`], exact [`Number`]s) and its two
//! wire forms, msgpack (what Terraform sends and expects) and JSON.
//!
//! Sans-IO and protocol-free: this module must NOT know about gRPC, protobuf, schemas, providers or
//! clouds. Decoding is total: any bytes yield a value or a [`DecodeError`] with the path where it
//! failed, never a panic, a hang or an allocation out of proportion to the input.
//!
//! Layout: `types` (Type + type JSON), `value`, `number/` (+ its exact decimal arithmetic), `path`
//! (paths and errors), `msgpack/` and `json` (the codecs).

mod json;
mod msgpack;
mod number;
mod path;
mod types;
mod value;

pub use json::{decode_json, encode_json};
pub use msgpack::{decode_msgpack, encode_msgpack};
pub use number::{Number, NumberError};
pub use path::{DecodeError, EncodeError, Path, PathStep};
pub use types::{ObjectType, Type, MAX_TYPE_DEPTH};
pub use value::Value;

/// Values nested deeper than this are refused by the codecs (schemas need a handful of levels; the
/// cap keeps hostile input from exhausting the stack).
pub const MAX_DEPTH: usize = 64;

/// Inputs larger than this (256 MiB, the gRPC message limit the server uses) are refused outright.
pub const MAX_INPUT: usize = 256 << 20;

/// Error text for a value whose shape does not match the type it is encoded with.
fn mismatch(value: &Value, ty: &Type) -> String {
    if *ty == Type::Dynamic {
        return format!(
            "a {} at a dynamic type position needs its concrete type (Value::Dynamic)",
            value.kind()
        );
    }
    format!("{} is required, found {}", ty.kind(), value.kind())
}

#[cfg(test)]
mod tests;
