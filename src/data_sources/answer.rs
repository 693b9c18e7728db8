//! The answer a plural data source returns, charged to the provider's response budget as it is built.
//!
//! An answer copies a listing's data: into cty values, then into their msgpack encoding, then into the
//! gRPC frame that carries it to Terraform. A listing that fits the budget could otherwise grow into an
//! answer several times its size. Each image object is charged three times its size (its values, their
//! encoding, the frame) before the next one is built; a read whose answer does not fit fails with a
//! diagnostic that says how to narrow it. The charge lasts until the read returns: the provider encodes
//! the answer right after, before any other read runs (one thread), and the frame is sent from there.

use std::mem::size_of;

use crate::cloud::budget::{mib, Charge};
use crate::cty::Value;
use crate::provider::{Diagnostic, ReadContext};

/// Copies of an answer alive at once, at most: its values, their msgpack encoding, the gRPC frame.
const COPIES: u64 = 3;

/// The image objects `build` makes from `items`, charged as they are built; the charge must be kept
/// until the answer has been handed over.
pub(super) fn objects<T>(
    ctx: &ReadContext,
    items: impl ExactSizeIterator<Item = T>,
    build: impl Fn(T) -> Value,
) -> Result<(Vec<Value>, Charge), Diagnostic> {
    let total = items.len();
    let mut charge = ctx.cloud.budget().charge();
    let mut objects = Vec::with_capacity(total);
    for item in items {
        let object = build(item);
        if let Err(over) = charge.grow(COPIES * value_bytes(&object)) {
            return Err(over_budget(&over.message(&format!(
                "the answer, at {} of {total} images ({} so far),",
                objects.len(),
                mib(charge.bytes() / COPIES)
            ))));
        }
        objects.push(object);
    }
    Ok((objects, charge))
}

/// What a value holds: one `Value` per node, text, and map keys with their entry's share of the tree.
pub fn value_bytes(value: &Value) -> u64 {
    let node = size_of::<Value>() as u64;
    node + match value {
        Value::String(s) => s.len() as u64,
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
            items.iter().map(value_bytes).sum()
        }
        Value::Map(entries) | Value::Object(entries) => entries
            .iter()
            .map(|(k, v)| (k.len() + size_of::<String>()) as u64 + value_bytes(v))
            .sum(),
        Value::Dynamic(_, inner) => value_bytes(inner),
        _ => 0,
    }
}

fn over_budget(message: &str) -> Diagnostic {
    Diagnostic::error(
        "Answer too large for the provider's response budget",
        format!(
            "Message: {message}\n\nThe provider keeps at most this much cloud data in memory at once, the answers it returns to Terraform included, so that a huge listing cannot exhaust memory. Narrow what this data source returns: every filter shrinks the answer (the server-side ones such as `image_type`, and `name_regex` or `os_name` too), or use a singular data source with `most_recent = true` when one image is enough. If several large answers are built at once, a lower `terraform -parallelism` helps."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_bytes_count_text_and_structure() {
        let node = size_of::<Value>() as u64;
        assert_eq!(value_bytes(&Value::Null), node);
        assert_eq!(value_bytes(&Value::string("abcd")), node + 4);
        let object = Value::object([("name", Value::string("x".repeat(1000)))]);
        assert_eq!(
            value_bytes(&object),
            node + 4 + size_of::<String>() as u64 + node + 1000
        );
        let list = Value::List(vec![object.clone(), object.clone()]);
        assert_eq!(value_bytes(&list), node + 2 * value_bytes(&object));
    }
}
