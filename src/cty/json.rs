//! cty value ⇄ JSON, following go-cty's `cty/json`: objects and maps as JSON objects, lists, sets and
//! tuples as arrays, exact numbers, and `{"value":…,"type":…}` at dynamic positions. Unknowns cannot
//! be written. Decoding is lenient where go-cty is (numbers and bools inside strings, missing object
//! attributes become null) and total on any input.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::number::Number;
use super::path::{DecodeError, EncodeError, Path, PathStep};
use super::types::{ObjectType, Type};
use super::value::Value;
use super::{mismatch, MAX_DEPTH, MAX_INPUT};

/// Values a JSON document may expand to beyond its own size: missing object attributes are filled
/// with nulls, so a tiny `{}` can stand for a large object. Budget (in value nodes, a long attribute
/// name counting as several): this many plus one per input byte. A filled-in attribute costs about
/// 150 bytes, so a JSON decode allocates at most a few hundred bytes per input byte.
const NODE_BUDGET_BASE: usize = 4096;

/// Decodes a JSON document as a value of type `ty`.
pub fn decode_json(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    if bytes.len() > MAX_INPUT {
        return Err(DecodeError::new(
            &Path::root(),
            format!(
                "JSON value of {} bytes exceeds the {MAX_INPUT}-byte limit",
                bytes.len()
            ),
        ));
    }
    // serde_json caps its own recursion (128 levels), so this parse cannot overflow the stack.
    let json: Json = serde_json::from_slice(bytes)
        .map_err(|e| DecodeError::new(&Path::root(), format!("invalid JSON: {e}")))?;
    let mut d = Decoder {
        path: Path::root(),
        budget: NODE_BUDGET_BASE.saturating_add(bytes.len()),
    };
    d.value(&json, ty, 0)
}

/// Encodes `value` as JSON for type `ty`. Unknown values (anywhere) and infinities are errors.
pub fn encode_json(value: &Value, ty: &Type) -> Result<Vec<u8>, EncodeError> {
    let mut e = Encoder {
        out: String::new(),
        path: Path::root(),
    };
    e.value(value, ty, 0)?;
    Ok(e.out.into_bytes())
}

/// `s` as a JSON string literal, quotes included.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

struct Decoder {
    path: Path,
    budget: usize,
}

impl Decoder {
    fn err(&self, message: impl Into<String>) -> DecodeError {
        DecodeError::new(&self.path, message)
    }

    fn spend(&mut self) -> Result<(), DecodeError> {
        self.budget = self
            .budget
            .checked_sub(1)
            .ok_or_else(|| self.err("value expands beyond the size limit"))?;
        Ok(())
    }

    fn value(&mut self, json: &Json, ty: &Type, depth: usize) -> Result<Value, DecodeError> {
        if depth > MAX_DEPTH {
            return Err(self.err(format!("value nested more than {MAX_DEPTH} levels deep")));
        }
        self.spend()?;
        if json.is_null() {
            return Ok(Value::Null);
        }
        match ty {
            Type::Bool => match json {
                Json::Bool(b) => Ok(Value::Bool(*b)),
                Json::String(s) if s == "true" || s == "1" => Ok(Value::Bool(true)),
                Json::String(s) if s == "false" || s == "0" => Ok(Value::Bool(false)),
                _ => Err(self.err("bool is required")),
            },
            Type::Number => {
                let text = match json {
                    Json::Number(n) => n.as_str(),
                    Json::String(s) => s.as_str(),
                    _ => return Err(self.err("number is required")),
                };
                let n = Number::parse(text)
                    .map_err(|e| self.err(format!("number is required: {e}")))?;
                if n.is_infinite() {
                    return Err(self.err("infinity cannot be represented in JSON"));
                }
                Ok(Value::Number(n))
            }
            Type::String => match json {
                Json::String(s) => Ok(Value::String(s.clone())),
                Json::Number(n) => Ok(Value::String(n.as_str().to_owned())),
                Json::Bool(b) => Ok(Value::String(b.to_string())),
                _ => Err(self.err("string is required")),
            },
            Type::List(et) => match json {
                Json::Array(items) => self.items(items, |_| et, depth).map(Value::List),
                _ => Err(self.err("need JSON array for list")),
            },
            Type::Set(et) => match json {
                Json::Array(items) => self.items(items, |_| et, depth).map(Value::Set),
                _ => Err(self.err("need JSON array for set")),
            },
            Type::Tuple(ts) => match json {
                Json::Array(items) if items.len() == ts.len() => {
                    self.items(items, |i| &ts[i], depth).map(Value::Tuple)
                }
                Json::Array(_) => {
                    Err(self.err(format!("a tuple of length {} is required", ts.len())))
                }
                _ => Err(self.err("need JSON array for tuple")),
            },
            Type::Map(et) => match json {
                Json::Object(m) => {
                    let mut out = BTreeMap::new();
                    for (k, v) in m {
                        self.path.0.push(PathStep::Key(k.clone()));
                        out.insert(k.clone(), self.value(v, et, depth + 1)?);
                        self.path.0.pop();
                    }
                    Ok(Value::Map(out))
                }
                _ => Err(self.err("need JSON object for map")),
            },
            Type::Object(o) => match json {
                Json::Object(m) => self.object(m, o, depth).map(Value::Object),
                _ => Err(self.err("need JSON object for object")),
            },
            Type::Dynamic => self.dynamic(json, depth),
        }
    }

    fn items<'t>(
        &mut self,
        items: &[Json],
        elem_type: impl Fn(usize) -> &'t Type,
        depth: usize,
    ) -> Result<Vec<Value>, DecodeError> {
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            self.path.0.push(PathStep::Index(i as i64));
            out.push(self.value(item, elem_type(i), depth + 1)?);
            self.path.0.pop();
        }
        Ok(out)
    }

    fn object(
        &mut self,
        m: &serde_json::Map<String, Json>,
        o: &ObjectType,
        depth: usize,
    ) -> Result<BTreeMap<String, Value>, DecodeError> {
        if let Some(k) = m.keys().find(|k| !o.attrs.contains_key(*k)) {
            return Err(self.err(format!("unsupported attribute {}", quote(k))));
        }
        let mut out = BTreeMap::new();
        for (name, aty) in &o.attrs {
            let value = match m.get(name) {
                Some(v) => {
                    self.path.0.push(PathStep::Attr(name.clone()));
                    let value = self.value(v, aty, depth + 1)?;
                    self.path.0.pop();
                    value
                }
                None => {
                    // The filled-in null and its copied name come from the type, not the input:
                    // charge for the name too, or a long name times many `{}` would be quadratic.
                    for _ in 0..=name.len() / 16 {
                        self.spend()?;
                    }
                    Value::Null
                }
            };
            out.insert(name.clone(), value);
        }
        Ok(out)
    }

    fn dynamic(&mut self, json: &Json, depth: usize) -> Result<Value, DecodeError> {
        let Json::Object(m) = json else {
            return Err(self.err("need JSON object for dynamically-typed value"));
        };
        if let Some(k) = m.keys().find(|k| *k != "value" && *k != "type") {
            return Err(self.err(format!(
                "invalid key {} in dynamically-typed value",
                quote(k)
            )));
        }
        let (Some(type_json), Some(value_json)) = (m.get("type"), m.get("value")) else {
            return Err(self.err("dynamically-typed value needs both \"type\" and \"value\""));
        };
        let ty = Type::from_json_value(type_json).map_err(|e| self.err(e.message))?;
        let value = self.value(value_json, &ty, depth + 1)?;
        Ok(match (ty, value) {
            (Type::Dynamic, v) | (_, v @ (Value::Null | Value::Unknown)) => v,
            (ty, v) => Value::Dynamic(Box::new(ty), Box::new(v)),
        })
    }
}

struct Encoder {
    out: String,
    path: Path,
}

impl Encoder {
    fn err(&self, message: impl Into<String>) -> EncodeError {
        EncodeError::new(&self.path, message)
    }

    fn value(&mut self, value: &Value, ty: &Type, depth: usize) -> Result<(), EncodeError> {
        if depth > MAX_DEPTH {
            return Err(self.err(format!("value nested more than {MAX_DEPTH} levels deep")));
        }
        match (value, ty) {
            (Value::Unknown, _) => return Err(self.err("value is not known")),
            (Value::Null, _) => self.out.push_str("null"),
            (Value::Dynamic(t, v), Type::Dynamic) if **t == Type::Dynamic => {
                return self.value(v, ty, depth + 1)
            }
            (Value::Dynamic(t, v), Type::Dynamic) => {
                self.out.push_str("{\"value\":");
                self.value(v, t, depth + 1)?;
                self.out.push_str(",\"type\":");
                self.out.push_str(&t.to_json());
                self.out.push('}');
            }
            (Value::Dynamic(t, v), _) if **t == *ty => return self.value(v, ty, depth + 1),
            (Value::Bool(b), Type::Bool) => self.out.push_str(if *b { "true" } else { "false" }),
            (Value::Number(n), Type::Number) => {
                if n.is_infinite() {
                    return Err(self.err("infinity cannot be represented in JSON"));
                }
                self.out.push_str(&n.to_string());
            }
            (Value::String(s), Type::String) => self.out.push_str(&quote(s)),
            (Value::List(vs), Type::List(et)) | (Value::Set(vs), Type::Set(et)) => {
                self.array(vs, |_| et, depth)?;
            }
            (Value::Tuple(vs), Type::Tuple(ts)) => {
                if vs.len() != ts.len() {
                    return Err(self.err(format!("a tuple of length {} is required", ts.len())));
                }
                self.array(vs, |i| &ts[i], depth)?;
            }
            (Value::Map(m), Type::Map(et)) => {
                self.out.push('{');
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.out.push_str(&quote(k));
                    self.out.push(':');
                    self.path.0.push(PathStep::Key(k.clone()));
                    self.value(v, et, depth + 1)?;
                    self.path.0.pop();
                }
                self.out.push('}');
            }
            (Value::Object(m), Type::Object(o)) => {
                if let Some(extra) = m.keys().find(|k| !o.attrs.contains_key(*k)) {
                    self.path.0.push(PathStep::Attr(extra.clone()));
                    return Err(self.err("unsupported attribute"));
                }
                self.out.push('{');
                for (i, (name, aty)) in o.attrs.iter().enumerate() {
                    self.path.0.push(PathStep::Attr(name.clone()));
                    let Some(v) = m.get(name) else {
                        return Err(self.err("attribute is missing (use Value::Null for unset)"));
                    };
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.out.push_str(&quote(name));
                    self.out.push(':');
                    self.value(v, aty, depth + 1)?;
                    self.path.0.pop();
                }
                self.out.push('}');
            }
            (v, ty) => return Err(self.err(mismatch(v, ty))),
        }
        Ok(())
    }

    fn array<'t>(
        &mut self,
        vs: &[Value],
        elem_type: impl Fn(usize) -> &'t Type,
        depth: usize,
    ) -> Result<(), EncodeError> {
        self.out.push('[');
        for (i, v) in vs.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.path.0.push(PathStep::Index(i as i64));
            self.value(v, elem_type(i), depth + 1)?;
            self.path.0.pop();
        }
        self.out.push(']');
        Ok(())
    }
}
