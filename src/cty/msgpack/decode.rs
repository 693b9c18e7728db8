//! msgpack bytes → cty value, following go-cty's `msgpack.Unmarshal` and the plugin wire doc.
//!
//! Total on any input: no panics, nesting capped at [`MAX_DEPTH`], every declared length checked
//! by the reader before anything is allocated for it.

use std::collections::BTreeMap;

use super::reader::{Reader, Token};
use crate::cty::number::Number;
use crate::cty::path::{DecodeError, Path, PathStep};
use crate::cty::types::{ObjectType, Type};
use crate::cty::value::Value;
use crate::cty::{MAX_DEPTH, MAX_INPUT};

/// cty refuses refinement payloads above 1 KiB; so do we, for any extension.
const MAX_EXT_PAYLOAD: usize = 1024;

/// Decodes one msgpack value of type `ty`; trailing bytes are an error.
pub fn decode_msgpack(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    if bytes.len() > MAX_INPUT {
        return Err(DecodeError::new(
            &Path::root(),
            format!(
                "msgpack value of {} bytes exceeds the {MAX_INPUT}-byte limit",
                bytes.len()
            ),
        ));
    }
    let mut d = Decoder {
        r: Reader::new(bytes),
        path: Path::root(),
    };
    let value = d.value(ty, 0)?;
    if d.r.remaining() != 0 {
        return Err(d.err(format!(
            "{} trailing bytes after the value",
            d.r.remaining()
        )));
    }
    Ok(value)
}

struct Decoder<'a> {
    r: Reader<'a>,
    /// Where we are; steps are pushed and popped around each child.
    path: Path,
}

impl<'a> Decoder<'a> {
    fn err(&self, message: impl Into<String>) -> DecodeError {
        DecodeError::new(&self.path, message)
    }

    fn token(&mut self) -> Result<Token<'a>, DecodeError> {
        self.r.next().map_err(|m| self.err(m))
    }

    fn value(&mut self, ty: &Type, depth: usize) -> Result<Value, DecodeError> {
        if depth > MAX_DEPTH {
            return Err(self.err(format!("value nested more than {MAX_DEPTH} levels deep")));
        }
        let token = self.token()?;
        match token {
            // Every extension is an unknown (ext 0 plain, ext 12 refined); refinements are dropped.
            Token::Ext(_, payload) if payload.len() > MAX_EXT_PAYLOAD => {
                Err(self.err("oversize unknown value refinement"))
            }
            Token::Ext(..) => Ok(Value::Unknown),
            Token::Nil => Ok(Value::Null),
            _ => self.known(token, ty, depth),
        }
    }

    fn known(&mut self, token: Token<'a>, ty: &Type, depth: usize) -> Result<Value, DecodeError> {
        match ty {
            Type::Bool => match token {
                Token::Bool(b) => Ok(Value::Bool(b)),
                _ => Err(self.err("bool is required")),
            },
            Type::Number => self.number(token).map(Value::Number),
            Type::String => match token {
                Token::Str(b) | Token::Bin(b) => self.utf8(b).map(|s| Value::String(s.to_owned())),
                _ => Err(self.err("string is required")),
            },
            Type::List(et) => match token {
                Token::Array(n) => self.items(n, |_| et, depth).map(Value::List),
                _ => Err(self.err("a list is required")),
            },
            Type::Set(et) => match token {
                Token::Array(n) => self.items(n, |_| et, depth).map(Value::Set),
                _ => Err(self.err("a set is required")),
            },
            Type::Tuple(ts) => match token {
                Token::Array(n) if n == ts.len() => {
                    self.items(n, |i| &ts[i], depth).map(Value::Tuple)
                }
                _ => Err(self.err(format!("a tuple of length {} is required", ts.len()))),
            },
            Type::Map(et) => match token {
                Token::Map(n) => self.map(n, et, depth).map(Value::Map),
                _ => Err(self.err("a map is required")),
            },
            Type::Object(o) => match token {
                Token::Map(n) if n == o.attrs.len() => self.object(n, o, depth).map(Value::Object),
                Token::Map(n) => Err(self.err(format!(
                    "an object with {} attributes is required ({n} given)",
                    o.attrs.len()
                ))),
                _ => Err(self.err("an object is required")),
            },
            Type::Dynamic => self.dynamic(token, depth),
        }
    }

    fn utf8(&self, bytes: &'a [u8]) -> Result<&'a str, DecodeError> {
        std::str::from_utf8(bytes).map_err(|_| self.err("string is not valid UTF-8"))
    }

    fn number(&self, token: Token<'a>) -> Result<Number, DecodeError> {
        let float = |f: f64| Number::from_f64(f).ok_or_else(|| self.err("NaN is not a number"));
        match token {
            Token::Int(i) => Ok(Number::from(i)),
            Token::Uint(u) => Ok(Number::from(u)),
            Token::F32(f) => float(f64::from(f)),
            Token::F64(f) => float(f),
            Token::Str(b) | Token::Bin(b) => Number::parse(self.utf8(b)?)
                .map_err(|e| self.err(format!("number is required: {e}"))),
            _ => Err(self.err("number is required")),
        }
    }

    fn items<'t>(
        &mut self,
        n: usize,
        elem_type: impl Fn(usize) -> &'t Type,
        depth: usize,
    ) -> Result<Vec<Value>, DecodeError> {
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            self.path.0.push(PathStep::Index(i as i64));
            out.push(self.value(elem_type(i), depth + 1)?);
            self.path.0.pop();
        }
        Ok(out)
    }

    fn key(&mut self) -> Result<String, DecodeError> {
        match self.token()? {
            Token::Str(b) | Token::Bin(b) => self.utf8(b).map(str::to_owned),
            _ => Err(self.err("map keys must be strings")),
        }
    }

    fn map(
        &mut self,
        n: usize,
        et: &Type,
        depth: usize,
    ) -> Result<BTreeMap<String, Value>, DecodeError> {
        let mut out = BTreeMap::new();
        for _ in 0..n {
            let key = self.key()?;
            self.path.0.push(PathStep::Key(key.clone()));
            if out.contains_key(&key) {
                return Err(self.err("duplicate map key"));
            }
            let value = self.value(et, depth + 1)?;
            self.path.0.pop();
            out.insert(key, value);
        }
        Ok(out)
    }

    fn object(
        &mut self,
        n: usize,
        o: &ObjectType,
        depth: usize,
    ) -> Result<BTreeMap<String, Value>, DecodeError> {
        // Exactly n distinct known attributes and n == attrs.len(): every attribute is present.
        let mut out = BTreeMap::new();
        for _ in 0..n {
            let name = self.key()?;
            self.path.0.push(PathStep::Attr(name.clone()));
            let Some(aty) = o.attrs.get(&name) else {
                return Err(self.err("unsupported attribute"));
            };
            if out.contains_key(&name) {
                return Err(self.err("duplicate attribute"));
            }
            let value = self.value(aty, depth + 1)?;
            self.path.0.pop();
            out.insert(name, value);
        }
        Ok(out)
    }

    /// `[type JSON, value]`: the type arrives as bin (cty writes bin; str is accepted too).
    fn dynamic(&mut self, token: Token<'a>, depth: usize) -> Result<Value, DecodeError> {
        if token != Token::Array(2) {
            return Err(self.err("dynamic value array must have exactly two elements"));
        }
        let ty = match self.token()? {
            Token::Bin(b) | Token::Str(b) => Type::from_json(b).map_err(|e| self.err(e.message))?,
            _ => return Err(self.err("dynamic value type must be JSON bytes")),
        };
        let value = self.value(&ty, depth + 1)?;
        Ok(match (ty, value) {
            // "dynamic" inside the wrapper just defers again: the value carries its own wrapper.
            (Type::Dynamic, v) | (_, v @ (Value::Null | Value::Unknown)) => v,
            (ty, v) => Value::Dynamic(Box::new(ty), Box::new(v)),
        })
    }
}
