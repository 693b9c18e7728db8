//! JSON known answers: decoding, encoding and errors.

use super::{num, obj_ab};
use crate::cty::*;

#[test]
fn json_decode_known_answers() {
    let cases: Vec<(&str, Type, Value)> = vec![
        ("null", Type::String, Value::Null),
        ("null", Type::Dynamic, Value::Null),
        ("\"hi\"", Type::String, Value::string("hi")),
        ("12.50", Type::String, Value::string("12.50")),
        ("true", Type::String, Value::string("true")),
        ("0.1", Type::Number, num("0.1")),
        (
            "123456789012345678901234567890",
            Type::Number,
            num("123456789012345678901234567890"),
        ),
        ("1e400", Type::Number, num("1e400")),
        ("\"-2.5\"", Type::Number, num("-2.5")),
        ("\"true\"", Type::Bool, Value::Bool(true)),
        ("\"0\"", Type::Bool, Value::Bool(false)),
        (
            "{\"a\":\"1\",\"b\":false}",
            obj_ab(),
            Value::object([("a", Value::number(1)), ("b", Value::Bool(false))]),
        ),
        (
            "{\"a\":1}",
            obj_ab(),
            Value::object([("a", Value::number(1)), ("b", Value::Null)]),
        ),
        (
            "{}",
            Type::map(Type::Number),
            Value::map(Vec::<(String, Value)>::new()),
        ),
        (
            "[1,\"2\"]",
            Type::set(Type::Number),
            Value::Set(vec![Value::number(1), Value::number(2)]),
        ),
        (
            "[true,\"x\"]",
            Type::tuple([Type::Bool, Type::String]),
            Value::Tuple(vec![Value::Bool(true), Value::string("x")]),
        ),
        (
            "{\"value\":\"x\",\"type\":\"string\"}",
            Type::Dynamic,
            Value::dynamic(Type::String, Value::string("x")),
        ),
        (
            "{\"type\":[\"list\",\"bool\"],\"value\":[true]}",
            Type::Dynamic,
            Value::dynamic(Type::list(Type::Bool), Value::List(vec![Value::Bool(true)])),
        ),
        (
            "{\"value\":null,\"type\":\"string\"}",
            Type::Dynamic,
            Value::Null,
        ),
    ];
    for (json, ty, want) in cases {
        assert_eq!(
            decode_json(json.as_bytes(), &ty),
            Ok(want),
            "{json} as {}",
            ty.to_json()
        );
    }
}

#[test]
fn json_decode_errors() {
    let wide = Type::object((0..200).map(|i| (format!("a{i}"), Type::String)));
    let amplified = format!("[{}{{}}]", "{},".repeat(100));
    let long_name = Type::list(Type::object([("n".repeat(100_000), Type::String)]));
    let many_empty = format!("[{}{{}}]", "{},".repeat(20_000));
    let cases: Vec<(String, Type, &str)> = vec![
        ("".into(), Type::String, "invalid JSON"),
        ("1 2".into(), Type::Number, "invalid JSON"),
        ("{\"c\":1}".into(), obj_ab(), "unsupported attribute \"c\""),
        ("{\"a\":true}".into(), obj_ab(), ".a: number is required"),
        ("\"abc\"".into(), Type::Number, "number is required"),
        (
            "\"inf\"".into(),
            Type::Number,
            "infinity cannot be represented",
        ),
        ("1e9999999999".into(), Type::Number, "exponent out of range"),
        ("\"yes\"".into(), Type::Bool, "bool is required"),
        (
            "[1]".into(),
            Type::tuple([Type::Number, Type::Number]),
            "a tuple of length 2 is required",
        ),
        (
            "{}".into(),
            Type::list(Type::String),
            "need JSON array for list",
        ),
        (
            "[]".into(),
            Type::map(Type::String),
            "need JSON object for map",
        ),
        ("{\"value\":1}".into(), Type::Dynamic, "needs both"),
        (
            "{\"value\":1,\"type\":\"number\",\"x\":1}".into(),
            Type::Dynamic,
            "invalid key \"x\"",
        ),
        (
            "{\"value\":1,\"type\":\"nope\"}".into(),
            Type::Dynamic,
            "unknown primitive type",
        ),
        (
            "[[[[{}]]]]".into(),
            Type::list(Type::list(Type::list(Type::list(Type::String)))),
            "[0][0][0][0]: string is required",
        ),
        (amplified, Type::list(wide), "expands beyond the size limit"),
        (many_empty, long_name, "expands beyond the size limit"),
        (
            format!("{}1{}", "[".repeat(200), "]".repeat(200)),
            Type::Dynamic,
            "invalid JSON",
        ),
    ];
    for (json, ty, want) in cases {
        let err = decode_json(json.as_bytes(), &ty)
            .expect_err(&json)
            .to_string();
        assert!(err.contains(want), "{json}: got {err:?}, want {want:?}");
    }
}

#[test]
fn json_encode_known_answers_and_errors() {
    let ty = Type::object([
        ("n", Type::Number),
        ("s", Type::String),
        ("d", Type::Dynamic),
        ("l", Type::list(Type::Bool)),
        ("m", Type::map(Type::Number)),
    ]);
    let value = Value::object([
        ("n", num("0.1")),
        ("s", Value::string("a\"b\n")),
        (
            "d",
            Value::dynamic(
                Type::tuple([Type::Number]),
                Value::Tuple(vec![num("1e400")]),
            ),
        ),
        ("l", Value::List(vec![Value::Bool(true), Value::Null])),
        ("m", Value::map([("x", Value::number(-3))])),
    ]);
    let want = r#"{"d":{"value":[1e+400],"type":["tuple",["number"]]},"l":[true,null],"m":{"x":-3},"n":0.1,"s":"a\"b\n"}"#;
    assert_eq!(
        encode_json(&value, &ty).map(String::from_utf8),
        Ok(Ok(want.to_owned()))
    );
    let cases: Vec<(Value, Type, &str)> = vec![
        (Value::Unknown, Type::String, "value is not known"),
        (
            Value::List(vec![Value::Unknown]),
            Type::list(Type::String),
            "[0]: value is not known",
        ),
        (
            num("-inf"),
            Type::Number,
            "infinity cannot be represented in JSON",
        ),
    ];
    for (value, ty, want) in cases {
        let err = encode_json(&value, &ty).expect_err(want).to_string();
        assert!(err.contains(want), "{value:?}: got {err}");
    }
}

#[test]
fn oversized_input_is_refused_before_parsing() {
    // A zero-filled buffer is cheap to allocate; the size check must fire before any decoding.
    let big = vec![0u8; MAX_INPUT + 1];
    assert!(decode_msgpack(&big, &Type::String)
        .unwrap_err()
        .message
        .contains("exceeds"));
    assert!(decode_json(&big, &Type::String)
        .unwrap_err()
        .message
        .contains("exceeds"));
}
