use super::*;
use proptest::prelude::*;

fn n(s: &str) -> Number {
    Number::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// What the msgpack encoder would pick, as a short tag plus the text/number.
fn wire_of(x: &Number) -> String {
    match x.wire() {
        WireNumber::Int(i) => format!("int {i}"),
        WireNumber::Float(f) => format!("float {f:?}"),
        WireNumber::Text(t) => format!("str {t}"),
    }
}

#[test]
fn parse_display_and_wire_choice() {
    // input, canonical Display, wire encoding cty would choose
    let cases = [
        ("0", "0", "int 0"),
        ("-0", "0", "int 0"),
        ("-0.0e5", "0", "int 0"),
        ("42", "42", "int 42"),
        ("+42", "42", "int 42"),
        ("1.0", "1", "int 1"),
        ("1e3", "1000", "int 1000"),
        ("12.50E1", "125", "int 125"),
        (
            "-9223372036854775808",
            "-9223372036854775808",
            "int -9223372036854775808",
        ),
        (
            "9223372036854775807",
            "9223372036854775807",
            "int 9223372036854775807",
        ),
        (
            "9223372036854775808",
            "9223372036854775808",
            "str 9223372036854775808",
        ),
        (
            "-9223372036854775809",
            "-9223372036854775809",
            "str -9223372036854775809",
        ),
        (
            "1180591620717411303424",
            "1180591620717411303424",
            "str 1180591620717411303424",
        ),
        (
            "123456789012345678901234567890",
            "123456789012345678901234567890",
            "str 123456789012345678901234567890",
        ),
        ("0.5", "0.5", "float 0.5"),
        (".5", "0.5", "float 0.5"),
        ("-1.5", "-1.5", "float -1.5"),
        ("5.", "5", "int 5"),
        ("0.1", "0.1", "str 0.1"),
        ("0.25", "0.25", "float 0.25"),
        ("3.14159", "3.14159", "str 3.14159"),
        (
            "0.1000000000000000055511151231257827021181583404541015625",
            "0.1000000000000000055511151231257827021181583404541015625",
            "float 0.1",
        ),
        ("1e400", "1e+400", "str 1e+400"),
        ("-1.5e300", "-1.5e+300", "str -1.5e+300"),
        ("1e-400", "1e-400", "str 1e-400"),
        (
            "1e32",
            "100000000000000000000000000000000",
            "str 100000000000000000000000000000000",
        ),
        ("1e33", "1e+33", "str 1e+33"),
        ("0.000001", "0.000001", "str 0.000001"),
        ("inf", "+Inf", "float inf"),
        ("-Infinity", "-Inf", "float -inf"),
        ("+Inf", "+Inf", "float inf"),
    ];
    for (input, display, wire) in cases {
        let x = n(input);
        assert_eq!(x.to_string(), display, "display of {input}");
        assert_eq!(wire_of(&x), wire, "wire of {input}");
        assert_eq!(n(display), x, "display of {input} parses back");
    }
}

#[test]
fn parse_errors() {
    let cases = [
        ("", "not a number"),
        ("-", "not a number"),
        (".", "not a number"),
        ("1e", "not a number"),
        ("e5", "not a number"),
        ("1.2.3", "not a number"),
        (" 1", "not a number"),
        ("1 ", "not a number"),
        ("0x10", "not a number"),
        ("1_000", "not a number"),
        ("١", "not a number"),
        ("NaN", "NaN is not a number"),
        ("-nan", "NaN is not a number"),
        ("1e9999999999", "exponent out of range"),
        ("1e-99999999999999999999999", "exponent out of range"),
    ];
    for (input, want) in cases {
        let err = Number::parse(input).expect_err(input).to_string();
        assert!(err.contains(want), "{input}: {err}");
    }
}

#[test]
fn equality_is_numeric() {
    assert_eq!(Number::from(1i64), n("1.000"));
    assert_eq!(Number::try_from(1.0).ok(), Some(n("1")));
    assert_eq!(Number::try_from(0.5).ok(), Some(n("5e-1")));
    assert_eq!(Number::try_from(-0.0).ok(), Some(n("0")));
    assert_eq!(Number::from(u64::MAX), n("18446744073709551615"));
    assert_eq!(
        Number::try_from(2f64.powi(70)).ok(),
        Some(n("1180591620717411303424"))
    );
    assert_eq!(Number::try_from(f64::INFINITY).ok(), Some(n("inf")));
    assert_ne!(n("0.1"), Number::try_from(0.1).unwrap());
    assert!(Number::try_from(f64::NAN).is_err());
}

#[test]
fn conversions() {
    let cases: [(&str, Option<i64>, f64); 8] = [
        ("7", Some(7), 7.0),
        ("-2.5", None, -2.5),
        ("0.1", None, 0.1),
        ("1e400", None, f64::INFINITY),
        ("-1e400", None, f64::NEG_INFINITY),
        ("1e-400", None, 0.0),
        ("9223372036854775808", None, 9.223_372_036_854_776e18),
        ("-inf", None, f64::NEG_INFINITY),
    ];
    for (input, i, f) in cases {
        let x = n(input);
        assert_eq!(x.to_i64(), i, "{input}");
        assert_eq!(x.to_f64(), f, "{input}");
    }
    assert!(n("1e30").is_integer());
    assert!(!n("0.5").is_integer());
    assert!(n("-inf").is_infinite());
}

#[test]
fn ordering() {
    let sorted = [
        "-inf",
        "-1e400",
        "-9223372036854775809",
        "-2",
        "-1.5",
        "-0.1",
        "0",
        "1e-400",
        "0.1",
        "0.5",
        "1",
        "1.0000000000000000000001",
        "2",
        "1e19",
        "1e400",
        "inf",
    ];
    for (i, a) in sorted.iter().enumerate() {
        for (j, b) in sorted.iter().enumerate() {
            assert_eq!(n(a).cmp(&n(b)), i.cmp(&j), "{a} vs {b}");
        }
    }
}

#[test]
fn subnormal_floats_are_exact() {
    for f in [
        f64::MIN_POSITIVE,
        5e-324,
        -5e-324,
        1.5e-310,
        0.1,
        1.0 / 3.0,
        4503599627370495.5,
    ] {
        let x = Number::try_from(f).unwrap();
        let text = x.to_string();
        let back = n(&text);
        assert_eq!(back, x, "{f:e} -> {text}");
        assert_eq!(back.to_f64(), f);
        assert!(matches!(back.wire(), WireNumber::Float(g) if g == f));
    }
}

proptest! {
    #[test]
    fn any_f64_round_trips_through_text(f in any::<f64>().prop_filter("not NaN", |f| !f.is_nan())) {
        let x = Number::try_from(f).unwrap();
        let back = n(&x.to_string());
        prop_assert_eq!(&back, &x);
        prop_assert_eq!(back.to_f64(), if f == 0.0 { 0.0 } else { f });
    }

    #[test]
    fn any_decimal_text_round_trips(neg in any::<bool>(), digits in "[0-9]{1,40}", exp in -400i64..400) {
        let text = format!("{}{}e{}", if neg { "-" } else { "" }, digits, exp);
        let x = n(&text);
        prop_assert_eq!(n(&x.to_string()), x.clone());
        prop_assert_eq!(x.to_f64(), text.parse::<f64>().unwrap());
    }

    #[test]
    fn order_agrees_with_f64_when_floats_differ(a in any::<i64>(), b in any::<f64>().prop_filter("finite", |f| f.is_finite())) {
        let (x, y) = (Number::from(a), Number::try_from(b).unwrap());
        if (a as f64) != b {
            prop_assert_eq!(x.cmp(&y), (a as f64).partial_cmp(&b).unwrap());
        }
    }
}
