//! cty value → msgpack bytes, byte-compatible with go-cty's `msgpack.Marshal`: compact ints, float64
//! only for exact non-integers, decimal strings otherwise, attributes sorted, `d4 00 00` for unknown.

use crate::cty::number::WireNumber;
use crate::cty::path::{EncodeError, Path, PathStep};
use crate::cty::types::Type;
use crate::cty::value::Value;
use crate::cty::{mismatch, MAX_DEPTH};

/// cty's plain unknown: fixext1, extension type 0, one zero byte.
pub(crate) const UNKNOWN: [u8; 3] = [0xd4, 0x00, 0x00];

/// Encodes `value` as msgpack for type `ty`. The value must conform to the type.
pub fn encode_msgpack(value: &Value, ty: &Type) -> Result<Vec<u8>, EncodeError> {
    let mut e = Encoder {
        out: Vec::new(),
        path: Path::root(),
    };
    e.value(value, ty, 0)?;
    Ok(e.out)
}

struct Encoder {
    out: Vec<u8>,
    path: Path,
}

impl Encoder {
    fn err(&self, message: impl Into<String>) -> EncodeError {
        EncodeError::new(&self.path, message)
    }

    /// rmp's writers can only fail on I/O, and a Vec never does; still, no unwrap.
    fn write<T, E: std::fmt::Display>(&self, r: Result<T, E>) -> Result<(), EncodeError> {
        r.map(|_| ())
            .map_err(|e| self.err(format!("msgpack write failed: {e}")))
    }

    fn len(&self, n: usize) -> Result<u32, EncodeError> {
        u32::try_from(n).map_err(|_| self.err("too many elements for msgpack"))
    }

    fn value(&mut self, value: &Value, ty: &Type, depth: usize) -> Result<(), EncodeError> {
        if depth > MAX_DEPTH {
            return Err(self.err(format!("value nested more than {MAX_DEPTH} levels deep")));
        }
        match (value, ty) {
            (Value::Unknown, _) => self.out.extend_from_slice(&UNKNOWN),
            (Value::Null, _) => self.out.push(0xc0),
            (Value::Dynamic(t, v), Type::Dynamic) if **t == Type::Dynamic => {
                return self.value(v, ty, depth + 1)
            }
            (Value::Dynamic(t, v), Type::Dynamic) => {
                let r = rmp::encode::write_array_len(&mut self.out, 2);
                self.write(r)?;
                let r = rmp::encode::write_bin(&mut self.out, t.to_json().as_bytes());
                self.write(r)?;
                return self.value(v, t, depth + 1);
            }
            // A wrapper naming exactly the expected type is harmless: encode what it wraps.
            (Value::Dynamic(t, v), _) if **t == *ty => return self.value(v, ty, depth + 1),
            (Value::Bool(b), Type::Bool) => {
                let r = rmp::encode::write_bool(&mut self.out, *b);
                self.write(r)?;
            }
            (Value::Number(n), Type::Number) => match n.wire() {
                WireNumber::Int(i) => {
                    let r = rmp::encode::write_sint(&mut self.out, i);
                    self.write(r)?;
                }
                WireNumber::Float(f) => {
                    let r = rmp::encode::write_f64(&mut self.out, f);
                    self.write(r)?;
                }
                WireNumber::Text(s) => {
                    let r = rmp::encode::write_str(&mut self.out, &s);
                    self.write(r)?;
                }
            },
            (Value::String(s), Type::String) => {
                let r = rmp::encode::write_str(&mut self.out, s);
                self.write(r)?;
            }
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
                let n = self.len(m.len())?;
                let r = rmp::encode::write_map_len(&mut self.out, n);
                self.write(r)?;
                for (k, v) in m {
                    let r = rmp::encode::write_str(&mut self.out, k);
                    self.write(r)?;
                    self.path.0.push(PathStep::Key(k.clone()));
                    self.value(v, et, depth + 1)?;
                    self.path.0.pop();
                }
            }
            (Value::Object(m), Type::Object(o)) => {
                if let Some(extra) = m.keys().find(|k| !o.attrs.contains_key(*k)) {
                    self.path.0.push(PathStep::Attr(extra.clone()));
                    return Err(self.err("unsupported attribute"));
                }
                let n = self.len(o.attrs.len())?;
                let r = rmp::encode::write_map_len(&mut self.out, n);
                self.write(r)?;
                // BTreeMap order is sorted by name, as cty writes it.
                for (name, aty) in &o.attrs {
                    self.path.0.push(PathStep::Attr(name.clone()));
                    let Some(v) = m.get(name) else {
                        return Err(self.err("attribute is missing (use Value::Null for unset)"));
                    };
                    let r = rmp::encode::write_str(&mut self.out, name);
                    self.write(r)?;
                    self.value(v, aty, depth + 1)?;
                    self.path.0.pop();
                }
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
        let n = self.len(vs.len())?;
        let r = rmp::encode::write_array_len(&mut self.out, n);
        self.write(r)?;
        for (i, v) in vs.iter().enumerate() {
            self.path.0.push(PathStep::Index(i as i64));
            self.value(v, elem_type(i), depth + 1)?;
            self.path.0.pop();
        }
        Ok(())
    }
}
