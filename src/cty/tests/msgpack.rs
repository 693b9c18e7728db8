//! msgpack known answers: decoding, encoding and errors (plus encode errors shared with JSON).

use super::{hex, num, obj_ab};
use crate::cty::*;

#[test]
fn msgpack_decode_known_answers() {
    let s = Type::String;
    let n = Type::Number;
    let cases: Vec<(&str, Type, Value)> = vec![
        ("c0", s.clone(), Value::Null),
        ("d4 00 00", s.clone(), Value::Unknown),
        ("d4 00 00", Type::Dynamic, Value::Unknown),
        ("d4 00 00", obj_ab(), Value::Unknown),
        // ext 12: refined unknown string, not null, prefix "foo" (payload is a msgpack map)
        (
            "c7 08 0c 82 01 c2 02 a3 66 6f 6f",
            s.clone(),
            Value::Unknown,
        ),
        ("d6 0c 81 01 c2 00", n.clone(), Value::Unknown),
        ("c3", Type::Bool, Value::Bool(true)),
        ("a2 68 69", s.clone(), Value::string("hi")),
        ("c4 02 68 69", s.clone(), Value::string("hi")),
        ("d9 02 68 69", s.clone(), Value::string("hi")),
        ("2a", n.clone(), Value::number(42)),
        ("e0", n.clone(), Value::number(-32)),
        ("cc ff", n.clone(), Value::number(255)),
        ("cd 01 00", n.clone(), Value::number(256)),
        ("ce 00 01 00 00", n.clone(), Value::number(65536)),
        (
            "cf ff ff ff ff ff ff ff ff",
            n.clone(),
            Value::number(u64::MAX),
        ),
        ("d0 80", n.clone(), Value::number(-128)),
        ("d1 80 00", n.clone(), Value::number(-32768)),
        ("d2 80 00 00 00", n.clone(), Value::number(i32::MIN)),
        (
            "d3 80 00 00 00 00 00 00 00",
            n.clone(),
            Value::number(i64::MIN),
        ),
        ("ca 3f c0 00 00", n.clone(), num("1.5")),
        ("ca 7f 80 00 00", n.clone(), num("inf")),
        ("cb 3f e0 00 00 00 00 00 00", n.clone(), num("0.5")),
        ("cb 40 59 00 00 00 00 00 00", n.clone(), num("100")),
        ("cb ff f0 00 00 00 00 00 00", n.clone(), num("-inf")),
        ("a3 30 2e 31", n.clone(), num("0.1")),
        (
            "b6 31 31 38 30 35 39 31 36 32 30 37 31 37 34 31 31 33 30 33 34 32 34",
            n.clone(),
            num("1180591620717411303424"),
        ),
        ("a8 2d 31 2e 35 65 33 30 30", n.clone(), num("-1.5e300")),
        ("c4 01 37", n.clone(), num("7")),
        (
            "92 01 02",
            Type::list(n.clone()),
            Value::List(vec![Value::number(1), Value::number(2)]),
        ),
        ("91 c0", Type::set(s.clone()), Value::Set(vec![Value::Null])),
        ("90", Type::tuple([]), Value::Tuple(vec![])),
        (
            "92 c3 a0",
            Type::tuple([Type::Bool, s.clone()]),
            Value::Tuple(vec![Value::Bool(true), Value::string("")]),
        ),
        (
            "81 a1 6b a1 76",
            Type::map(s.clone()),
            Value::map([("k", Value::string("v"))]),
        ),
        (
            "82 a1 62 c2 a1 61 01",
            obj_ab(),
            Value::object([("a", Value::number(1)), ("b", Value::Bool(false))]),
        ),
        (
            "82 a1 61 d4 00 00 a1 62 c0",
            obj_ab(),
            Value::object([("a", Value::Unknown), ("b", Value::Null)]),
        ),
        (
            "80",
            Type::object(Vec::<(String, Type)>::new()),
            Value::object(Vec::<(String, Value)>::new()),
        ),
        // dynamic wrapper: [type JSON as bin, value]
        (
            "92 c4 08 22 73 74 72 69 6e 67 22 a1 78",
            Type::Dynamic,
            Value::dynamic(s.clone(), Value::string("x")),
        ),
        (
            "92 a8 22 73 74 72 69 6e 67 22 a1 78",
            Type::Dynamic,
            Value::dynamic(s.clone(), Value::string("x")),
        ),
        (
            "92 c4 08 22 73 74 72 69 6e 67 22 c0",
            Type::Dynamic,
            Value::Null,
        ),
        (
            "92 c4 08 22 6e 75 6d 62 65 72 22 d4 00 00",
            Type::Dynamic,
            Value::Unknown,
        ),
        ("c0", Type::Dynamic, Value::Null),
        // a wrapper whose type is "dynamic" defers to the next wrapper
        (
            "92 c4 09 22 64 79 6e 61 6d 69 63 22 92 c4 06 22 62 6f 6f 6c 22 c3",
            Type::Dynamic,
            Value::dynamic(Type::Bool, Value::Bool(true)),
        ),
        (
            "92 c4 11 5b 22 6c 69 73 74 22 2c 22 6e 75 6d 62 65 72 22 5d 91 05",
            Type::Dynamic,
            Value::dynamic(Type::list(n.clone()), Value::List(vec![Value::number(5)])),
        ),
    ];
    for (bytes, ty, want) in cases {
        assert_eq!(
            decode_msgpack(&hex(bytes), &ty),
            Ok(want),
            "{bytes} as {}",
            ty.to_json()
        );
    }
}

#[test]
fn msgpack_encode_known_answers() {
    let n = Type::Number;
    let cases: Vec<(Value, Type, &str)> = vec![
        (Value::Unknown, Type::String, "d4 00 00"),
        (Value::Unknown, Type::Dynamic, "d4 00 00"),
        (Value::Null, obj_ab(), "c0"),
        (Value::Null, Type::Dynamic, "c0"),
        (Value::number(0), n.clone(), "00"),
        (Value::number(-1), n.clone(), "ff"),
        (Value::number(-33), n.clone(), "d0 df"),
        (Value::number(255), n.clone(), "cc ff"),
        (Value::number(65535), n.clone(), "cd ff ff"),
        (Value::number(-129), n.clone(), "d1 ff 7f"),
        (
            Value::number(1i64 << 40),
            n.clone(),
            "cf 00 00 01 00 00 00 00 00",
        ),
        (num("1.0"), n.clone(), "01"),
        (num("0.5"), n.clone(), "cb 3f e0 00 00 00 00 00 00"),
        (num("inf"), n.clone(), "cb 7f f0 00 00 00 00 00 00"),
        (num("0.1"), n.clone(), "a3 30 2e 31"),
        (
            num("1180591620717411303424"),
            n.clone(),
            "b6 31 31 38 30 35 39 31 36 32 30 37 31 37 34 31 31 33 30 33 34 32 34",
        ),
        (num("1e400"), n.clone(), "a6 31 65 2b 34 30 30"),
        (Value::string("hi"), Type::String, "a2 68 69"),
        (Value::Bool(false), Type::Bool, "c2"),
        (
            Value::object([("b", Value::number(1)), ("a", Value::Bool(true))]),
            Type::object([("b", n.clone()), ("a", Type::Bool)]),
            "82 a1 61 c3 a1 62 01",
        ),
        (
            Value::Set(vec![Value::number(2), Value::number(1)]),
            Type::set(n.clone()),
            "92 02 01",
        ),
        (
            Value::map([("k", Value::Null)]),
            Type::map(Type::String),
            "81 a1 6b c0",
        ),
        (
            Value::dynamic(Type::String, Value::string("x")),
            Type::Dynamic,
            "92 c4 08 22 73 74 72 69 6e 67 22 a1 78",
        ),
        (
            Value::dynamic(Type::String, Value::string("x")),
            Type::String,
            "a1 78",
        ),
    ];
    for (value, ty, want) in cases {
        assert_eq!(
            encode_msgpack(&value, &ty),
            Ok(hex(want)),
            "{value:?} as {}",
            ty.to_json()
        );
    }
}

#[test]
fn msgpack_decode_errors() {
    let deep_type = (0..70).fold(Type::String, |t, _| Type::list(t));
    let deep_bytes = format!("{}c0", "91".repeat(70));
    let dyn_wrapper = "92 c4 09 22 64 79 6e 61 6d 69 63 22 ";
    let deep_dynamic = format!("{}c0", dyn_wrapper.repeat(70));
    let oversize_ext = format!("c9 00 00 04 01 0c {}", "00".repeat(1025));
    let nested = Type::list(Type::object([("a", Type::Number)]));
    let cases: Vec<(String, Type, &str)> = vec![
        ("".into(), Type::String, "unexpected end"),
        (
            "c0 c0".into(),
            Type::String,
            "1 trailing bytes after the value",
        ),
        ("c3".into(), Type::Number, "number is required"),
        (
            "a3 61 62 63".into(),
            Type::Number,
            "number is required: \"abc\" is not a number",
        ),
        ("a3 4e 61 4e".into(), Type::Number, "NaN is not a number"),
        (
            "cb 7f f8 00 00 00 00 00 00".into(),
            Type::Number,
            "NaN is not a number",
        ),
        ("ca 7f c0 00 00".into(), Type::Number, "NaN is not a number"),
        ("a1 ff".into(), Type::String, "not valid UTF-8"),
        ("01".into(), Type::String, "string is required"),
        ("01".into(), Type::Bool, "bool is required"),
        ("a0".into(), Type::list(Type::String), "a list is required"),
        (
            "81 a1 61 c0".into(),
            obj_ab(),
            "an object with 2 attributes is required (1 given)",
        ),
        (
            "82 a1 61 c0 a1 63 c0".into(),
            obj_ab(),
            ".c: unsupported attribute",
        ),
        (
            "82 a1 61 c0 a1 61 c0".into(),
            obj_ab(),
            ".a: duplicate attribute",
        ),
        (
            "82 a1 6b c0 a1 6b c0".into(),
            Type::map(Type::String),
            "[\"k\"]: duplicate map key",
        ),
        (
            "81 01 c0".into(),
            Type::map(Type::String),
            "map keys must be strings",
        ),
        (
            "91 c0".into(),
            Type::tuple([Type::Bool, Type::Bool]),
            "a tuple of length 2 is required",
        ),
        ("91 c0".into(), Type::Dynamic, "exactly two elements"),
        ("a1 78".into(), Type::Dynamic, "exactly two elements"),
        ("92 01 c0".into(), Type::Dynamic, "type must be JSON bytes"),
        ("92 c4 01 78 c0".into(), Type::Dynamic, "invalid type JSON"),
        (
            "92 c4 05 22 66 6f 6f 22 c0".into(),
            Type::Dynamic,
            "unknown primitive type \"foo\"",
        ),
        ("91 81 a1 61 c3".into(), nested, "[0].a: number is required"),
        (deep_bytes, deep_type, "nested more than 64 levels"),
        (deep_dynamic, Type::Dynamic, "nested more than 64 levels"),
        (
            oversize_ext,
            Type::String,
            "oversize unknown value refinement",
        ),
        (
            "dd ff ff ff ff".into(),
            Type::list(Type::String),
            "exceeds the remaining",
        ),
        (
            "df 7f ff ff ff c0".into(),
            Type::map(Type::String),
            "exceeds the remaining",
        ),
        ("c1".into(), Type::String, "invalid msgpack marker"),
    ];
    for (bytes, ty, want) in cases {
        let err = decode_msgpack(&hex(&bytes), &ty)
            .expect_err(&bytes)
            .to_string();
        assert!(err.contains(want), "{bytes}: got {err:?}, want {want:?}");
    }
}

#[test]
fn encode_errors() {
    let cases: Vec<(Value, Type, &str)> = vec![
        (
            Value::string("x"),
            Type::Number,
            "number is required, found a string",
        ),
        (Value::string("x"), Type::Dynamic, "needs its concrete type"),
        (
            Value::object([("a", Value::Null)]),
            obj_ab(),
            ".b: attribute is missing",
        ),
        (
            Value::object([("a", Value::Null), ("b", Value::Null), ("c", Value::Null)]),
            obj_ab(),
            ".c: unsupported attribute",
        ),
        (
            Value::Tuple(vec![]),
            Type::tuple([Type::Bool]),
            "a tuple of length 1 is required",
        ),
        (
            Value::List(vec![Value::Bool(true)]),
            Type::list(Type::String),
            "[0]: string is required, found a bool",
        ),
        (
            Value::map([("k", Value::number(1))]),
            Type::map(Type::Bool),
            "[\"k\"]: bool is required",
        ),
    ];
    for (value, ty, want) in cases {
        for err in [
            encode_msgpack(&value, &ty).expect_err(want),
            encode_json(&value, &ty).expect_err(want),
        ] {
            assert!(
                err.to_string().contains(want),
                "{value:?}: got {err}, want {want:?}"
            );
        }
    }
}
