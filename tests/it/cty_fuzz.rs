//! Time-bounded fuzzing of the cty decoders on stable Rust: random values of random types are encoded,
//! the bytes mutated (bit flips, interesting bytes, truncations, insertions, splices) and decoded again
//! against the original or another random type, via msgpack and JSON.
//!
//! Asserts: no panic, no single decode slower than a second, no decode allocating more than
//! `ALLOC_LIMIT_PER_BYTE` bytes per input byte (plus a constant), and whatever decodes re-encodes and
//! decodes to the same value (with canonical encodings). `CTY_FUZZ_SECS` sets the duration
//! (default 3), `CTY_FUZZ_SEED` replays a run. A failure prints the type and input as hex.

use std::alloc::{GlobalAlloc, Layout, System};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use terraform_provider_cloudimage::cty::{
    decode_json, decode_msgpack, encode_json, encode_msgpack, Number, ObjectType, Type, Value,
};

/// Counts every byte this test binary allocates, so a decode can be charged for what it allocated.
struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only adds a counter.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(new_size, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Total bytes a decode may allocate (not just keep): this much per input byte, plus `ALLOC_SLACK`.
const ALLOC_LIMIT_PER_BYTE: usize = 256;
const ALLOC_SLACK: usize = 64 << 10;
/// The largest bytes-allocated-per-input-byte seen on inputs over 4 KiB, for the summary line.
static MAX_RATIO: AtomicUsize = AtomicUsize::new(0);

const NAMES: [&str; 6] = ["a", "b", "c", "id", "name", "tags"];
/// Bytes that steer msgpack parsers into interesting states (containers, lengths, ext, nil).
const INTERESTING: [u8; 24] = [
    0x00, 0x01, 0x7f, 0x80, 0x81, 0x8f, 0x90, 0x92, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc4, 0xc7, 0xc9,
    0xca, 0xcb, 0xcf, 0xd3, 0xd4, 0xdb, 0xdd, 0xff,
];
/// Fragments that keep mutated JSON close to valid.
const JSON_BITS: [&str; 16] = [
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\"",
    "null",
    "true",
    "1e400",
    "-0.1",
    "\"value\"",
    "\"type\"",
    "\"dynamic\"",
    "[\"list\",\"number\"]",
    "\\u0000",
];

/// Which values a codec can carry: JSON has no unknowns and no infinities.
#[derive(Clone, Copy)]
struct Carry {
    unknowns: bool,
    infinities: bool,
}

fn gen_type(rng: &mut StdRng, depth: u32) -> Type {
    let leaf = depth >= 4 || rng.random_bool(0.45);
    if leaf {
        return match rng.random_range(0..4) {
            0 => Type::Bool,
            1 => Type::Number,
            2 => Type::String,
            _ => Type::Dynamic,
        };
    }
    match rng.random_range(0..5) {
        0 => Type::list(gen_type(rng, depth + 1)),
        1 => Type::set(gen_type(rng, depth + 1)),
        2 => Type::map(gen_type(rng, depth + 1)),
        3 => {
            let mut o = ObjectType::default();
            for _ in 0..rng.random_range(0..4) {
                let name = NAMES[rng.random_range(0..NAMES.len())].to_owned();
                if rng.random_bool(0.2) {
                    o.optional.insert(name.clone());
                }
                o.attrs.insert(name, gen_type(rng, depth + 1));
            }
            o.optional.retain(|n| o.attrs.contains_key(n));
            Type::Object(o)
        }
        _ => Type::Tuple(
            (0..rng.random_range(0..4))
                .map(|_| gen_type(rng, depth + 1))
                .collect(),
        ),
    }
}

fn gen_number(rng: &mut StdRng, carry: Carry) -> Number {
    let n = match rng.random_range(0..6) {
        0 => Number::from(rng.random_range(-200i64..200)),
        1 => Number::from(rng.random::<i64>()),
        2 => Number::from(rng.random::<u64>()),
        3 => Number::from_f64(f64::from_bits(rng.random())).unwrap_or_else(|| Number::from(0)),
        4 if carry.infinities => Number::parse(if rng.random() { "inf" } else { "-inf" }).unwrap(),
        _ => {
            let digits: String = (0..rng.random_range(1..40))
                .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
                .collect();
            Number::parse(&format!("{digits}e{}", rng.random_range(-400..400))).unwrap()
        }
    };
    if n.is_infinite() && !carry.infinities {
        Number::from(1)
    } else {
        n
    }
}

fn gen_string(rng: &mut StdRng) -> String {
    const POOL: [&str; 8] = ["a", "b", "é", "\"", "\\", "\n", "🦀", "\u{0}"];
    (0..rng.random_range(0..6))
        .map(|_| POOL[rng.random_range(0..POOL.len())])
        .collect()
}

fn gen_value(rng: &mut StdRng, ty: &Type, carry: Carry, depth: u32) -> Value {
    let roll = rng.random_range(0..10);
    if roll == 0 {
        return Value::Null;
    }
    if roll == 1 && carry.unknowns {
        return Value::Unknown;
    }
    gen_known(rng, ty, carry, depth)
}

fn gen_known(rng: &mut StdRng, ty: &Type, carry: Carry, depth: u32) -> Value {
    let n = rng.random_range(0..4);
    match ty {
        Type::Bool => Value::Bool(rng.random()),
        Type::Number => Value::Number(gen_number(rng, carry)),
        Type::String => Value::String(gen_string(rng)),
        Type::List(et) => Value::List((0..n).map(|_| gen_value(rng, et, carry, depth)).collect()),
        Type::Set(et) => Value::Set((0..n).map(|_| gen_value(rng, et, carry, depth)).collect()),
        Type::Map(et) => Value::Map(
            (0..n)
                .map(|_| (gen_string(rng), gen_value(rng, et, carry, depth)))
                .collect(),
        ),
        Type::Object(o) => Value::Object(
            o.attrs
                .iter()
                .map(|(k, t)| (k.clone(), gen_value(rng, t, carry, depth)))
                .collect(),
        ),
        Type::Tuple(ts) => {
            Value::Tuple(ts.iter().map(|t| gen_value(rng, t, carry, depth)).collect())
        }
        Type::Dynamic => {
            let mut inner = gen_type(rng, if depth >= 2 { 4 } else { 2 });
            if inner == Type::Dynamic {
                inner = Type::String;
            }
            let v = gen_known(rng, &inner, carry, depth + 1);
            Value::Dynamic(Box::new(inner), Box::new(v))
        }
    }
}

fn mutate(rng: &mut StdRng, input: &[u8], corpus: &[Vec<u8>], json: bool) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..rng.random_range(1..4) {
        let len = out.len();
        let at = if len == 0 {
            0
        } else {
            rng.random_range(0..len)
        };
        match rng.random_range(0..8) {
            0 if len > 0 => out[at] ^= 1 << rng.random_range(0..8),
            1 if len > 0 => out[at] = INTERESTING[rng.random_range(0..INTERESTING.len())],
            2 => out.truncate(at),
            3 => {
                let extra: Vec<u8> = (0..rng.random_range(1..6)).map(|_| rng.random()).collect();
                out.splice(at..at, extra);
            }
            4 if len > 0 => {
                let end = rng.random_range(at..=len);
                out.drain(at..end);
            }
            5 if !corpus.is_empty() => {
                let other = &corpus[rng.random_range(0..corpus.len())];
                let from = rng.random_range(0..=other.len());
                let to = rng.random_range(from..=other.len());
                out.splice(at..at.min(len), other[from..to].iter().copied());
            }
            6 if json => {
                let bit = JSON_BITS[rng.random_range(0..JSON_BITS.len())];
                out.splice(at..at, bit.bytes());
            }
            6 if len > 0 => {
                // Re-declare a length: a container or string header with a wild size.
                let header: [&[u8]; 4] = [
                    &[0xdd, 0x7f, 0xff, 0xff, 0xff],
                    &[0xdb, 0, 0, 1, 0],
                    &[0xdf, 0, 0, 0, 9],
                    &[0xc7, 0xff, 0x0c],
                ];
                out.splice(
                    at..at,
                    header[rng.random_range(0..header.len())].iter().copied(),
                );
            }
            _ if len > 1 => {
                let end = rng.random_range(at..=len.min(at + 16));
                let chunk = out[at..end].to_vec();
                out.splice(at..at, chunk);
            }
            _ => out.push(rng.random()),
        }
    }
    out
}

fn fail(what: &str, ty: &Type, input: &[u8]) -> ! {
    panic!(
        "{what}\n  type: {}\n  input (hex): {}\n  input (lossy): {:?}",
        ty.to_json(),
        hex::encode(input),
        String::from_utf8_lossy(input)
    );
}

/// Decodes with a panic guard and a time limit; if it decodes, re-encoding must be stable.
fn check(input: &[u8], ty: &Type, json: bool) -> bool {
    let started = Instant::now();
    let before = ALLOCATED.load(Ordering::Relaxed);
    let decoded = catch_unwind(AssertUnwindSafe(|| {
        if json {
            decode_json(input, ty)
        } else {
            decode_msgpack(input, ty)
        }
    }));
    let allocated = ALLOCATED.load(Ordering::Relaxed) - before;
    // Only a pathological (super-linear) decode takes this long, even on a busy machine: the inputs are small.
    if started.elapsed() > Duration::from_secs(20) {
        fail(&format!("decode took {:?}", started.elapsed()), ty, input);
    }
    if input.len() > 4096 {
        MAX_RATIO.fetch_max(allocated / input.len(), Ordering::Relaxed);
    }
    if allocated > ALLOC_SLACK + ALLOC_LIMIT_PER_BYTE * input.len() {
        fail(&format!("decode allocated {allocated} bytes"), ty, input);
    }
    let Ok(decoded) = decoded else {
        fail(
            if json {
                "decode_json panicked"
            } else {
                "decode_msgpack panicked"
            },
            ty,
            input,
        );
    };
    let Ok(value) = decoded else { return false };
    let reencoded = catch_unwind(AssertUnwindSafe(|| {
        let bytes = if json {
            encode_json(&value, ty)
        } else {
            encode_msgpack(&value, ty)
        };
        let bytes = bytes.map_err(|e| format!("re-encode failed: {e}"))?;
        let back = if json {
            decode_json(&bytes, ty)
        } else {
            decode_msgpack(&bytes, ty)
        };
        let back = back.map_err(|e| format!("re-decode failed: {e}"))?;
        if back != value {
            return Err(format!(
                "round trip changed the value:\n  first  {value:?}\n  second {back:?}"
            ));
        }
        let again = if json {
            encode_json(&back, ty)
        } else {
            encode_msgpack(&back, ty)
        };
        if again.as_ref() != Ok(&bytes) {
            return Err("encoding is not canonical".to_owned());
        }
        let _ = (
            value.is_wholly_known(),
            value.is_null(),
            value.elements(),
            value.get("a"),
        );
        Ok(())
    }));
    match reencoded {
        Ok(Ok(())) => true,
        Ok(Err(why)) => fail(&why, ty, input),
        Err(_) => fail("re-encoding panicked", ty, input),
    }
}

/// Hand-made worst cases for time and memory: many tiny containers, deep nesting, many dynamic
/// wrappers, objects that JSON fills in with nulls.
fn hostile_inputs() -> Vec<(Vec<u8>, Type, bool)> {
    let mut cases = Vec::new();
    let empty_lists = [&[0xdc, 0xff, 0xff][..], &[0x90; 65535]].concat();
    cases.push((empty_lists, Type::list(Type::list(Type::String)), false));
    let empty_maps = [&[0xdc, 0xff, 0xff][..], &[0x80; 65535]].concat();
    cases.push((empty_maps, Type::list(Type::map(Type::String)), false));
    let deep = [vec![0x91; 64], vec![0xc0]].concat();
    let deep_type = (0..64).fold(Type::String, |t, _| Type::list(t));
    cases.push((deep, deep_type, false));
    let wrapper: &[u8] = &[0x92, 0xc4, 0x06, b'"', b'b', b'o', b'o', b'l', b'"', 0xc3];
    let wrappers = [&[0xdc, 0x27, 0x10][..], &wrapper.repeat(10_000)].concat();
    cases.push((wrappers, Type::list(Type::Dynamic), false));
    let nested_type = format!(
        "[\"list\",{}\"bool\"{}]",
        "[\"list\",".repeat(60),
        "]".repeat(60)
    );
    let mut typed = vec![0x92, 0xc5];
    typed.extend_from_slice(&u16::try_from(nested_type.len()).unwrap().to_be_bytes());
    typed.extend_from_slice(nested_type.as_bytes());
    typed.push(0xc0);
    cases.push((typed, Type::Dynamic, false));
    let wide = Type::object((0..200).map(|i| (format!("attribute_{i}"), Type::String)));
    let empties = format!("[{}{{}}]", "{},".repeat(10_000)).into_bytes();
    cases.push((empties.clone(), Type::list(wide), true));
    let long = Type::object([("n".repeat(100_000), Type::String)]);
    cases.push((empties, Type::list(long), true));
    let numbers = format!("[{}1]", "\"1e-1074\",".repeat(10_000)).into_bytes();
    cases.push((numbers, Type::list(Type::Number), true));
    let digits = format!("\"{}e-1074\"", "7".repeat(800)).into_bytes();
    cases.push((digits, Type::Number, true));
    cases
}

#[test]
fn fuzz_decoders() {
    for (input, ty, json) in hostile_inputs() {
        check(&input, &ty, json);
    }
    let hostile_ratio = MAX_RATIO.load(Ordering::Relaxed);

    let secs: u64 = std::env::var("CTY_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let seed: u64 = std::env::var("CTY_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::rng().random());
    let mut rng = StdRng::seed_from_u64(seed);
    let deadline = Instant::now() + Duration::from_secs(secs);
    let (mut iterations, mut decoded, mut inputs) = (0u64, 0u64, 0u64);
    let mut corpus: Vec<Vec<u8>> = Vec::new();
    const MSGPACK: Carry = Carry {
        unknowns: true,
        infinities: true,
    };
    const JSON: Carry = Carry {
        unknowns: false,
        infinities: false,
    };

    while Instant::now() < deadline {
        iterations += 1;
        let ty = gen_type(&mut rng, 0);
        for (json, carry) in [(false, MSGPACK), (true, JSON)] {
            let value = gen_value(&mut rng, &ty, carry, 0);
            let valid = if json {
                encode_json(&value, &ty)
            } else {
                encode_msgpack(&value, &ty)
            };
            let valid = valid.unwrap_or_else(|e| panic!("generated value does not encode: {e}"));
            assert!(check(&valid, &ty, json), "valid encoding failed to decode");
            if corpus.len() < 512 {
                corpus.push(valid.clone());
            } else {
                let slot = rng.random_range(0..corpus.len());
                corpus[slot] = valid.clone();
            }
            for _ in 0..8 {
                let input = mutate(&mut rng, &valid, &corpus, json);
                let target = match rng.random_range(0..10) {
                    0..=6 => ty.clone(),
                    7 => Type::Dynamic,
                    _ => gen_type(&mut rng, 0),
                };
                inputs += 1;
                decoded += u64::from(check(&input, &target, json));
            }
        }
        let noise: Vec<u8> = (0..rng.random_range(0..32)).map(|_| rng.random()).collect();
        inputs += 2;
        decoded += u64::from(check(&noise, &ty, false)) + u64::from(check(&noise, &ty, true));
    }
    println!(
        "cty fuzz: seed {seed}, {secs} s, {iterations} iterations, {inputs} mutated inputs, {decoded} decoded and round-tripped, 0 crashes; hostile inputs allocated at most {hostile_ratio} bytes per input byte"
    );
}
