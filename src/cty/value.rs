//! cty values: known data, null, or unknown, in the shapes the types describe.
//!
//! A [`Value`] does not carry its type; codecs pair it with a [`super::Type`]. The one exception is a
//! value at a `Dynamic` type position, which must name its concrete type ([`Value::Dynamic`]).
//! This module must NOT know about wire formats.

use std::collections::BTreeMap;

use super::number::Number;
use super::types::Type;

/// A cty value.
///
/// Sets keep their elements in the order given or decoded; equality compares them in that order.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    /// Not known yet (Terraform plans it later). Refinements from the wire are dropped.
    Unknown,
    Bool(bool),
    Number(Number),
    String(String),
    List(Vec<Value>),
    Set(Vec<Value>),
    Map(BTreeMap<String, Value>),
    /// Every attribute of the object type, each exactly once (null when unset).
    Object(BTreeMap<String, Value>),
    Tuple(Vec<Value>),
    /// A known, non-null value found at a `Dynamic` type position, with its concrete type. The type
    /// is never `Dynamic` itself. A null or unknown at a dynamic position is plain `Null`/`Unknown`.
    Dynamic(Box<Type>, Box<Value>),
}

impl Value {
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    pub fn number(n: impl Into<Number>) -> Value {
        Value::Number(n.into())
    }

    pub fn bool(b: bool) -> Value {
        Value::Bool(b)
    }

    pub fn object<I: IntoIterator<Item = (S, Value)>, S: Into<String>>(attrs: I) -> Value {
        Value::Object(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub fn map<I: IntoIterator<Item = (S, Value)>, S: Into<String>>(entries: I) -> Value {
        Value::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// Wraps a value for a `Dynamic` position; null and unknown stay as they are.
    pub fn dynamic(ty: Type, value: Value) -> Value {
        match value {
            Value::Null | Value::Unknown => value,
            v => Value::Dynamic(Box::new(ty), Box::new(v)),
        }
    }

    /// A short name for messages: "null", "a string", "an object", …
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Unknown => "an unknown value",
            Value::Bool(_) => "a bool",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::List(_) => "a list",
            Value::Set(_) => "a set",
            Value::Map(_) => "a map",
            Value::Object(_) => "an object",
            Value::Tuple(_) => "a tuple",
            Value::Dynamic(..) => "a dynamic value",
        }
    }

    /// The value itself, looking through a dynamic wrapper.
    fn inner(&self) -> &Value {
        match self {
            Value::Dynamic(_, v) => v.inner(),
            v => v,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.inner(), Value::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.inner(), Value::Unknown)
    }

    /// True unless the value itself is unknown (its contents may still hold unknowns).
    pub fn is_known(&self) -> bool {
        !self.is_unknown()
    }

    /// True when no `Unknown` appears anywhere inside.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => true,
            Value::List(vs) | Value::Set(vs) | Value::Tuple(vs) => {
                vs.iter().all(Value::is_wholly_known)
            }
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
            Value::Dynamic(_, v) => v.is_wholly_known(),
        }
    }

    /// An object attribute (looking through a dynamic wrapper); `None` if this is not an object
    /// or has no such attribute.
    pub fn get(&self, attr: &str) -> Option<&Value> {
        match self.inner() {
            Value::Object(m) => m.get(attr),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self.inner() {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.inner() {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&Number> {
        match self.inner() {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The elements of a list, set or tuple.
    pub fn elements(&self) -> Option<&[Value]> {
        match self.inner() {
            Value::List(vs) | Value::Set(vs) | Value::Tuple(vs) => Some(vs),
            _ => None,
        }
    }

    /// The entries of a map (not an object).
    pub fn as_map(&self) -> Option<&BTreeMap<String, Value>> {
        match self.inner() {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Value {
        Value::Number(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors() {
        let v = Value::object([
            ("name", Value::string("x")),
            ("n", Value::number(3)),
            ("ok", Value::bool(true)),
            ("l", Value::List(vec![Value::Null, Value::Unknown])),
            ("d", Value::dynamic(Type::String, Value::string("dyn"))),
            ("m", Value::map([("k", Value::string("v"))])),
        ]);
        assert_eq!(v.get("name").and_then(Value::as_str), Some("x"));
        assert_eq!(
            v.get("n")
                .and_then(Value::as_number)
                .and_then(|n| n.to_i64()),
            Some(3)
        );
        assert_eq!(v.get("ok").and_then(Value::as_bool), Some(true));
        assert_eq!(
            v.get("l").and_then(Value::elements).map(<[Value]>::len),
            Some(2)
        );
        assert_eq!(v.get("d").and_then(Value::as_str), Some("dyn"));
        assert_eq!(
            v.get("m").and_then(Value::as_map).map(BTreeMap::len),
            Some(1)
        );
        assert_eq!(v.get("missing"), None);
        assert_eq!(v.get("name").and_then(|s| s.get("x")), None);
        assert!(!v.is_wholly_known());
        assert!(v.is_known() && !v.is_null());
    }

    #[test]
    fn null_and_unknown() {
        let cases = [
            (Value::Null, true, false, true),
            (Value::Unknown, false, true, false),
            (Value::dynamic(Type::String, Value::Null), true, false, true),
            (
                Value::dynamic(Type::String, Value::Unknown),
                false,
                true,
                false,
            ),
            (Value::string(""), false, false, true),
            (Value::List(vec![Value::Unknown]), false, false, false),
            (
                Value::dynamic(Type::list(Type::String), Value::List(vec![Value::Unknown])),
                false,
                false,
                false,
            ),
        ];
        for (v, null, unknown, wholly_known) in cases {
            assert_eq!(v.is_null(), null, "{v:?}");
            assert_eq!(v.is_unknown(), unknown, "{v:?}");
            assert_eq!(v.is_known(), !unknown, "{v:?}");
            assert_eq!(v.is_wholly_known(), wholly_known, "{v:?}");
        }
    }
}
