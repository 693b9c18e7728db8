//! A bounds-checked msgpack token reader over a byte slice.
//!
//! Every length read from the input is checked against the bytes that remain before the caller can
//! allocate for it: an array of n items needs at least n more bytes, a map at least 2n, a string or
//! extension exactly its length. This module must NOT know about cty types or values.

/// One msgpack token. Strings, binaries and extension payloads borrow from the input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Token<'a> {
    Nil,
    Bool(bool),
    Int(i64),
    Uint(u64),
    F32(f32),
    F64(f64),
    Str(&'a [u8]),
    Bin(&'a [u8]),
    /// An array header; its items follow.
    Array(usize),
    /// A map header; its key/value pairs follow.
    Map(usize),
    Ext(i8, &'a [u8]),
}

pub(super) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf, pos: 0 }
    }

    pub(super) fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if n > self.remaining() {
            return Err("unexpected end of msgpack data".to_owned());
        }
        let out = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    fn be<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn len8(&mut self) -> Result<usize, String> {
        Ok(usize::from(self.be::<1>()?[0]))
    }

    fn len16(&mut self) -> Result<usize, String> {
        Ok(usize::from(u16::from_be_bytes(self.be()?)))
    }

    fn len32(&mut self) -> Result<usize, String> {
        usize::try_from(u32::from_be_bytes(self.be()?)).map_err(|_| "length too large".to_owned())
    }

    /// Checks that `items` more items of at least `min_bytes` each can still follow.
    fn container(&self, items: usize, min_bytes: usize) -> Result<usize, String> {
        if items.saturating_mul(min_bytes) > self.remaining() {
            return Err(format!(
                "declared length {items} exceeds the remaining {} bytes",
                self.remaining()
            ));
        }
        Ok(items)
    }

    fn ext(&mut self, len: usize) -> Result<Token<'a>, String> {
        let kind = i8::from_be_bytes(self.be()?);
        Ok(Token::Ext(kind, self.take(len)?))
    }

    /// Reads the next token.
    pub(super) fn next(&mut self) -> Result<Token<'a>, String> {
        let marker = self.be::<1>()?[0];
        Ok(match marker {
            0x00..=0x7f => Token::Int(i64::from(marker)),
            0x80..=0x8f => Token::Map(self.container(usize::from(marker & 0x0f), 2)?),
            0x90..=0x9f => Token::Array(self.container(usize::from(marker & 0x0f), 1)?),
            0xa0..=0xbf => Token::Str(self.take(usize::from(marker & 0x1f))?),
            0xc0 => Token::Nil,
            0xc1 => return Err("invalid msgpack marker 0xc1".to_owned()),
            0xc2 => Token::Bool(false),
            0xc3 => Token::Bool(true),
            0xc4 => {
                let n = self.len8()?;
                Token::Bin(self.take(n)?)
            }
            0xc5 => {
                let n = self.len16()?;
                Token::Bin(self.take(n)?)
            }
            0xc6 => {
                let n = self.len32()?;
                Token::Bin(self.take(n)?)
            }
            0xc7 => {
                let n = self.len8()?;
                self.ext(n)?
            }
            0xc8 => {
                let n = self.len16()?;
                self.ext(n)?
            }
            0xc9 => {
                let n = self.len32()?;
                self.ext(n)?
            }
            0xca => Token::F32(f32::from_be_bytes(self.be()?)),
            0xcb => Token::F64(f64::from_be_bytes(self.be()?)),
            0xcc => Token::Uint(u64::from(u8::from_be_bytes(self.be()?))),
            0xcd => Token::Uint(u64::from(u16::from_be_bytes(self.be()?))),
            0xce => Token::Uint(u64::from(u32::from_be_bytes(self.be()?))),
            0xcf => Token::Uint(u64::from_be_bytes(self.be()?)),
            0xd0 => Token::Int(i64::from(i8::from_be_bytes(self.be()?))),
            0xd1 => Token::Int(i64::from(i16::from_be_bytes(self.be()?))),
            0xd2 => Token::Int(i64::from(i32::from_be_bytes(self.be()?))),
            0xd3 => Token::Int(i64::from_be_bytes(self.be()?)),
            0xd4 => self.ext(1)?,
            0xd5 => self.ext(2)?,
            0xd6 => self.ext(4)?,
            0xd7 => self.ext(8)?,
            0xd8 => self.ext(16)?,
            0xd9 => {
                let n = self.len8()?;
                Token::Str(self.take(n)?)
            }
            0xda => {
                let n = self.len16()?;
                Token::Str(self.take(n)?)
            }
            0xdb => {
                let n = self.len32()?;
                Token::Str(self.take(n)?)
            }
            0xdc => {
                let n = self.len16()?;
                Token::Array(self.container(n, 1)?)
            }
            0xdd => {
                let n = self.len32()?;
                Token::Array(self.container(n, 1)?)
            }
            0xde => {
                let n = self.len16()?;
                Token::Map(self.container(n, 2)?)
            }
            0xdf => {
                let n = self.len32()?;
                Token::Map(self.container(n, 2)?)
            }
            0xe0..=0xff => Token::Int(i64::from(marker as i8)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        let cases: Vec<(&[u8], Token)> = vec![
            (&[0x05], Token::Int(5)),
            (&[0xff], Token::Int(-1)),
            (&[0xcc, 0xff], Token::Uint(255)),
            (&[0xcd, 0x01, 0x00], Token::Uint(256)),
            (&[0xce, 0, 1, 0, 0], Token::Uint(65536)),
            (
                &[0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
                Token::Uint(u64::MAX),
            ),
            (&[0xd0, 0x80], Token::Int(-128)),
            (&[0xd1, 0x80, 0x00], Token::Int(-32768)),
            (&[0xd2, 0x80, 0, 0, 0], Token::Int(i64::from(i32::MIN))),
            (&[0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0], Token::Int(i64::MIN)),
            (&[0xca, 0x3f, 0xc0, 0, 0], Token::F32(1.5)),
            (&[0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0], Token::F64(1.5)),
            (&[0xa2, b'h', b'i'], Token::Str(b"hi")),
            (&[0xd9, 1, b'x'], Token::Str(b"x")),
            (&[0xc4, 1, 7], Token::Bin(&[7])),
            (&[0x92, 0xc0, 0xc0], Token::Array(2)),
            (&[0x81, 0xa0, 0xc0], Token::Map(1)),
            (&[0xd4, 0, 0], Token::Ext(0, &[0])),
            (&[0xc7, 2, 12, 0x80, 0x00], Token::Ext(12, &[0x80, 0])),
            (&[0xc0], Token::Nil),
            (&[0xc3], Token::Bool(true)),
        ];
        for (bytes, want) in cases {
            assert_eq!(Reader::new(bytes).next(), Ok(want), "{bytes:02x?}");
        }
    }

    #[test]
    fn lengths_are_checked_before_use() {
        let cases: [&[u8]; 9] = [
            &[],
            &[0xa3, b'a'],
            &[0xdb, 0xff, 0xff, 0xff, 0xff],
            &[0xdd, 0xff, 0xff, 0xff, 0xff],
            &[0xdf, 0x00, 0x00, 0x00, 0x02, 0xc0, 0xc0, 0xc0],
            &[0x93, 0xc0, 0xc0],
            &[0xc9, 0x00, 0x10, 0x00, 0x00, 0x0c],
            &[0xcb, 0x00],
            &[0xc1],
        ];
        for bytes in cases {
            assert!(Reader::new(bytes).next().is_err(), "{bytes:02x?}");
        }
    }
}
