//! cty types and their JSON form (`"string"`, `["list","string"]`, `["object",{..},["opt"]]`), as used
//! in schema attribute types and inside dynamic values.
//!
//! This module must NOT know about values or wire encodings; it only describes shapes.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;

use super::json::quote;
use super::path::{DecodeError, Path};

/// Type descriptions nested deeper than this are refused (they would only come from hostile input).
pub const MAX_TYPE_DEPTH: usize = 64;

/// A cty type. `Dynamic` is cty's `DynamicPseudoType`: any type, decided by the value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Bool,
    Number,
    String,
    Dynamic,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Object(ObjectType),
    Tuple(Vec<Type>),
}

/// An object type: attribute names and types, plus which attributes are optional (a type-constraint
/// notion; on the wire every attribute is always present).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ObjectType {
    pub attrs: BTreeMap<String, Type>,
    pub optional: BTreeSet<String>,
}

impl Type {
    pub fn list(t: Type) -> Type {
        Type::List(Box::new(t))
    }

    pub fn set(t: Type) -> Type {
        Type::Set(Box::new(t))
    }

    pub fn map(t: Type) -> Type {
        Type::Map(Box::new(t))
    }

    pub fn tuple(elems: impl IntoIterator<Item = Type>) -> Type {
        Type::Tuple(elems.into_iter().collect())
    }

    /// An object type with no optional attributes.
    pub fn object<I: IntoIterator<Item = (S, Type)>, S: Into<String>>(attrs: I) -> Type {
        Type::Object(ObjectType {
            attrs: attrs.into_iter().map(|(k, t)| (k.into(), t)).collect(),
            optional: BTreeSet::new(),
        })
    }

    /// A short name for messages: "string", "a list", "an object", …
    pub fn kind(&self) -> &'static str {
        match self {
            Type::Bool => "bool",
            Type::Number => "number",
            Type::String => "string",
            Type::Dynamic => "dynamic",
            Type::List(_) => "a list",
            Type::Set(_) => "a set",
            Type::Map(_) => "a map",
            Type::Object(_) => "an object",
            Type::Tuple(_) => "a tuple",
        }
    }

    /// True when `Dynamic` appears anywhere in this type.
    pub fn has_dynamic(&self) -> bool {
        match self {
            Type::Dynamic => true,
            Type::Bool | Type::Number | Type::String => false,
            Type::List(t) | Type::Set(t) | Type::Map(t) => t.has_dynamic(),
            Type::Object(o) => o.attrs.values().any(Type::has_dynamic),
            Type::Tuple(ts) => ts.iter().any(Type::has_dynamic),
        }
    }

    /// The compact cty type JSON, e.g. `["map",["list","number"]]`.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Type::Bool => out.push_str("\"bool\""),
            Type::Number => out.push_str("\"number\""),
            Type::String => out.push_str("\"string\""),
            Type::Dynamic => out.push_str("\"dynamic\""),
            Type::List(t) | Type::Set(t) | Type::Map(t) => {
                out.push_str(match self {
                    Type::List(_) => "[\"list\",",
                    Type::Set(_) => "[\"set\",",
                    _ => "[\"map\",",
                });
                t.write_json(out);
                out.push(']');
            }
            Type::Object(o) => {
                out.push_str("[\"object\",{");
                for (i, (name, t)) in o.attrs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&quote(name));
                    out.push(':');
                    t.write_json(out);
                }
                out.push('}');
                if !o.optional.is_empty() {
                    out.push_str(",[");
                    let names: Vec<String> = o.optional.iter().map(|n| quote(n)).collect();
                    out.push_str(&names.join(","));
                    out.push(']');
                }
                out.push(']');
            }
            Type::Tuple(ts) => {
                out.push_str("[\"tuple\",[");
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    t.write_json(out);
                }
                out.push_str("]]");
            }
        }
    }

    /// Parses cty type JSON. Total on any bytes: malformed, unknown or too deeply nested
    /// descriptions are errors.
    pub fn from_json(bytes: &[u8]) -> Result<Type, DecodeError> {
        let json: Json = serde_json::from_slice(bytes)
            .map_err(|e| DecodeError::new(&Path::root(), format!("invalid type JSON: {e}")))?;
        Type::from_json_value(&json)
    }

    /// Like [`Type::from_json`], from already-parsed JSON.
    pub fn from_json_value(json: &Json) -> Result<Type, DecodeError> {
        parse(json, 0).map_err(|m| DecodeError::new(&Path::root(), format!("invalid type: {m}")))
    }
}

fn parse(json: &Json, depth: usize) -> Result<Type, String> {
    if depth >= MAX_TYPE_DEPTH {
        return Err(format!("nested more than {MAX_TYPE_DEPTH} levels deep"));
    }
    let items = match json {
        Json::String(name) => {
            return match name.as_str() {
                "bool" => Ok(Type::Bool),
                "number" => Ok(Type::Number),
                "string" => Ok(Type::String),
                "dynamic" => Ok(Type::Dynamic),
                other => Err(format!("unknown primitive type {}", quote(other))),
            };
        }
        Json::Array(items) => items,
        _ => return Err("a type must be a string or an array".to_owned()),
    };
    let kind = match items.first() {
        Some(Json::String(kind)) => kind.as_str(),
        _ => return Err("a complex type must start with its kind name".to_owned()),
    };
    let args = &items[1..];
    let element = |args: &[Json]| -> Result<Box<Type>, String> {
        match args {
            [t] => Ok(Box::new(parse(t, depth + 1)?)),
            _ => Err(format!("{kind} needs exactly one element type")),
        }
    };
    match kind {
        "list" => Ok(Type::List(element(args)?)),
        "set" => Ok(Type::Set(element(args)?)),
        "map" => Ok(Type::Map(element(args)?)),
        "tuple" => match args {
            [Json::Array(ts)] => ts
                .iter()
                .map(|t| parse(t, depth + 1))
                .collect::<Result<_, _>>()
                .map(Type::Tuple),
            _ => Err("tuple needs an array of element types".to_owned()),
        },
        "object" => {
            let (attrs, optional) = match args {
                [Json::Object(attrs)] => (attrs, None),
                [Json::Object(attrs), Json::Array(optional)] => (attrs, Some(optional)),
                _ => return Err("object needs an attribute map and optional names".to_owned()),
            };
            let mut obj = ObjectType::default();
            for (name, t) in attrs {
                obj.attrs.insert(name.clone(), parse(t, depth + 1)?);
            }
            for name in optional.into_iter().flatten() {
                match name {
                    Json::String(n) if obj.attrs.contains_key(n) => {
                        obj.optional.insert(n.clone());
                    }
                    Json::String(n) => {
                        return Err(format!("optional attribute {} is not declared", quote(n)))
                    }
                    _ => return Err("optional attribute names must be strings".to_owned()),
                }
            }
            Ok(Type::Object(obj))
        }
        other => Err(format!("unknown type kind {}", quote(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj_with_optional() -> Type {
        let mut o = ObjectType::default();
        o.attrs.insert("a".into(), Type::String);
        o.attrs.insert("b".into(), Type::list(Type::Number));
        o.optional.insert("b".into());
        Type::Object(o)
    }

    #[test]
    fn json_round_trip() {
        let cases = [
            (Type::String, r#""string""#),
            (Type::Number, r#""number""#),
            (Type::Bool, r#""bool""#),
            (Type::Dynamic, r#""dynamic""#),
            (Type::list(Type::String), r#"["list","string"]"#),
            (Type::set(Type::Bool), r#"["set","bool"]"#),
            (
                Type::map(Type::list(Type::Number)),
                r#"["map",["list","number"]]"#,
            ),
            (
                Type::tuple([Type::String, Type::Dynamic]),
                r#"["tuple",["string","dynamic"]]"#,
            ),
            (Type::tuple([]), r#"["tuple",[]]"#),
            (
                Type::object([("z", Type::String), ("a\"q", Type::Bool)]),
                r#"["object",{"a\"q":"bool","z":"string"}]"#,
            ),
            (
                Type::object(Vec::<(String, Type)>::new()),
                r#"["object",{}]"#,
            ),
            (
                obj_with_optional(),
                r#"["object",{"a":"string","b":["list","number"]},["b"]]"#,
            ),
        ];
        for (ty, json) in cases {
            assert_eq!(ty.to_json(), json);
            assert_eq!(Type::from_json(json.as_bytes()).as_ref(), Ok(&ty), "{json}");
        }
    }

    #[test]
    fn json_errors() {
        let deep = format!("{}\"string\"{}", "[\"list\",".repeat(70), "]".repeat(70));
        let cases = [
            ("", "invalid type JSON"),
            ("\"str\"", "unknown primitive type"),
            ("42", "must be a string or an array"),
            ("[]", "must start with its kind name"),
            ("[\"list\"]", "exactly one element type"),
            (
                "[\"list\",\"string\",\"string\"]",
                "exactly one element type",
            ),
            ("[\"tuple\",\"string\"]", "tuple needs an array"),
            ("[\"object\",[]]", "object needs an attribute map"),
            (
                "[\"object\",{},[\"x\"]]",
                "optional attribute \"x\" is not declared",
            ),
            ("[\"object\",{\"x\":\"bool\"},[1]]", "must be strings"),
            ("[\"thing\",\"string\"]", "unknown type kind"),
            ("\"string\" x", "invalid type JSON"),
            (deep.as_str(), "nested more than 64"),
        ];
        for (json, want) in cases {
            let err = Type::from_json(json.as_bytes())
                .expect_err(json)
                .to_string();
            assert!(err.contains(want), "{json}: {err}");
        }
    }
}
