//! Codec tests: known answers per codec (`msgpack`, `json`, bytes from the wire doc and go-cty's
//! behaviour) and, here, proptest round trips over random types and conforming values.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::*;

mod json;
mod msgpack;

pub(super) fn hex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    hex::decode(s).expect("test hex")
}

pub(super) fn num(s: &str) -> Value {
    Value::Number(Number::parse(s).expect("test number"))
}

pub(super) fn obj_ab() -> Type {
    Type::object([("a", Type::Number), ("b", Type::Bool)])
}

/// Which values a codec can carry: JSON has no unknowns and no infinities.
#[derive(Clone, Copy, Debug)]
struct Carry {
    unknowns: bool,
    infinities: bool,
}

const MSGPACK: Carry = Carry {
    unknowns: true,
    infinities: true,
};
const JSON: Carry = Carry {
    unknowns: false,
    infinities: false,
};

fn arb_type(depth: u32) -> BoxedStrategy<Type> {
    let leaf = prop_oneof![
        Just(Type::Bool),
        Just(Type::Number),
        Just(Type::String),
        Just(Type::Dynamic)
    ];
    leaf.prop_recursive(depth, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(Type::list),
            inner.clone().prop_map(Type::set),
            inner.clone().prop_map(Type::map),
            prop::collection::btree_map("[a-z_]{1,6}", (inner.clone(), any::<bool>()), 0..4)
                .prop_map(|attrs| {
                    let optional: BTreeSet<String> = attrs
                        .iter()
                        .filter(|(_, (_, o))| *o)
                        .map(|(k, _)| k.clone())
                        .collect();
                    let attrs: BTreeMap<String, Type> =
                        attrs.into_iter().map(|(k, (t, _))| (k, t)).collect();
                    Type::Object(ObjectType { attrs, optional })
                }),
            prop::collection::vec(inner, 0..4).prop_map(Type::Tuple),
        ]
    })
    .boxed()
}

fn arb_number(carry: Carry) -> BoxedStrategy<Number> {
    let finite = prop_oneof![
        any::<i64>().prop_map(Number::from),
        any::<u64>().prop_map(Number::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| Number::try_from(f).unwrap()),
        ("-?[0-9]{1,30}", -60i64..60)
            .prop_map(|(d, e)| Number::parse(&format!("{d}e{e}")).unwrap()),
    ];
    if carry.infinities {
        prop_oneof![9 => finite, 1 => prop_oneof![Just(f64::INFINITY), Just(f64::NEG_INFINITY)].prop_map(|f| Number::try_from(f).unwrap())].boxed()
    } else {
        finite.boxed()
    }
}

/// A known, non-null value of type `ty` (its contents may hold nulls and unknowns).
fn arb_known(ty: &Type, carry: Carry, depth: u32) -> BoxedStrategy<Value> {
    match ty {
        Type::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Type::Number => arb_number(carry).prop_map(Value::Number).boxed(),
        Type::String => "\\PC{0,8}".prop_map(Value::String).boxed(),
        Type::List(et) => prop::collection::vec(arb_value(et, carry, depth), 0..4)
            .prop_map(Value::List)
            .boxed(),
        Type::Set(et) => prop::collection::vec(arb_value(et, carry, depth), 0..4)
            .prop_map(Value::Set)
            .boxed(),
        Type::Map(et) => {
            prop::collection::btree_map("\\PC{0,4}", arb_value(et, carry, depth), 0..4)
                .prop_map(Value::Map)
                .boxed()
        }
        Type::Object(o) => {
            let attrs: Vec<_> = o
                .attrs
                .iter()
                .map(|(k, t)| (Just(k.clone()), arb_value(t, carry, depth)))
                .collect();
            attrs
                .prop_map(|kvs| Value::Object(kvs.into_iter().collect()))
                .boxed()
        }
        Type::Tuple(ts) => {
            let elems: Vec<_> = ts.iter().map(|t| arb_value(t, carry, depth)).collect();
            elems.prop_map(Value::Tuple).boxed()
        }
        Type::Dynamic => {
            let inner = if depth >= 3 {
                prop_oneof![Just(Type::Bool), Just(Type::Number), Just(Type::String)].boxed()
            } else {
                arb_type(2)
                    .prop_filter("concrete", |t| *t != Type::Dynamic)
                    .boxed()
            };
            inner
                .prop_flat_map(move |t| {
                    arb_known(&t, carry, depth + 1)
                        .prop_map(move |v| Value::Dynamic(Box::new(t.clone()), Box::new(v)))
                })
                .boxed()
        }
    }
}

fn arb_value(ty: &Type, carry: Carry, depth: u32) -> BoxedStrategy<Value> {
    let known = arb_known(ty, carry, depth);
    if carry.unknowns {
        prop_oneof![6 => known, 1 => Just(Value::Null), 1 => Just(Value::Unknown)].boxed()
    } else {
        prop_oneof![6 => known, 1 => Just(Value::Null)].boxed()
    }
}

fn typed_value(carry: Carry) -> impl Strategy<Value = (Type, Value)> {
    arb_type(4).prop_flat_map(move |t| arb_value(&t, carry, 0).prop_map(move |v| (t.clone(), v)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn msgpack_round_trip((ty, value) in typed_value(MSGPACK)) {
        let bytes = encode_msgpack(&value, &ty).unwrap();
        let back = decode_msgpack(&bytes, &ty).unwrap();
        prop_assert_eq!(&back, &value);
        // The encoding is canonical: re-encoding gives the same bytes.
        prop_assert_eq!(encode_msgpack(&back, &ty).unwrap(), bytes);
    }

    #[test]
    fn json_round_trip((ty, value) in typed_value(JSON)) {
        let bytes = encode_json(&value, &ty).unwrap();
        let back = decode_json(&bytes, &ty).unwrap();
        prop_assert_eq!(&back, &value);
        prop_assert_eq!(encode_json(&back, &ty).unwrap(), bytes);
    }

    #[test]
    fn type_json_round_trip(ty in arb_type(6)) {
        prop_assert_eq!(Type::from_json(ty.to_json().as_bytes()).unwrap(), ty);
    }

    #[test]
    fn wholly_known_values_survive_both_codecs((ty, value) in typed_value(JSON)) {
        let via_json = decode_json(&encode_json(&value, &ty).unwrap(), &ty).unwrap();
        let via_msgpack = decode_msgpack(&encode_msgpack(&value, &ty).unwrap(), &ty).unwrap();
        prop_assert!(via_json.is_wholly_known());
        prop_assert_eq!(via_json, via_msgpack);
    }
}
