//! libFuzzer target for the cty decoders. The first byte picks the codec (low bit: JSON) and the
//! type: selector 0 reads a type JSON prefix (next byte = its length), others pick a fixed type.
//! Asserts what `tests/it/cty_fuzz.rs` asserts: no panic, and whatever decodes re-encodes and decodes
//! to the same value with a canonical encoding.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The codec is sans-IO and self-contained, so it is compiled here directly (see Cargo.toml).
#[allow(dead_code, unused_imports)]
#[path = "../../src/cty/mod.rs"]
mod cty;

use cty::{decode_json, decode_msgpack, encode_json, encode_msgpack, Type};

fn fixed_type(k: u8) -> Type {
    let image = Type::object([
        ("id", Type::String),
        ("size", Type::Number),
        ("public", Type::Bool),
        ("tags", Type::map(Type::String)),
        ("extra", Type::Dynamic),
    ]);
    match k % 8 {
        0 => Type::String,
        1 => Type::Number,
        2 => Type::Dynamic,
        3 => Type::list(image.clone()),
        4 => Type::set(Type::tuple([Type::Number, Type::String])),
        5 => Type::map(Type::list(Type::Dynamic)),
        6 => image,
        _ => Type::object([(
            "filter",
            Type::list(Type::object([
                ("name", Type::String),
                ("values", Type::set(Type::String)),
            ])),
        )]),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let json = selector & 1 == 1;
    let (ty, input) = if selector >> 1 == 0 {
        let Some((&n, rest)) = rest.split_first() else {
            return;
        };
        let n = usize::from(n).min(rest.len());
        let Ok(ty) = Type::from_json(&rest[..n]) else {
            return;
        };
        (ty, &rest[n..])
    } else {
        (fixed_type(selector >> 1), rest)
    };
    let decoded = if json {
        decode_json(input, &ty)
    } else {
        decode_msgpack(input, &ty)
    };
    let Ok(value) = decoded else {
        return;
    };
    let bytes = if json {
        encode_json(&value, &ty)
    } else {
        encode_msgpack(&value, &ty)
    };
    let bytes = bytes.expect("a decoded value re-encodes");
    let back = if json {
        decode_json(&bytes, &ty)
    } else {
        decode_msgpack(&bytes, &ty)
    };
    assert_eq!(back.as_ref(), Ok(&value), "round trip changed the value");
    let again = if json {
        encode_json(&value, &ty)
    } else {
        encode_msgpack(&value, &ty)
    };
    assert_eq!(again.as_ref(), Ok(&bytes), "encoding is not canonical");
});
