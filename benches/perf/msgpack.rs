//! Figure 7: cty msgpack encode + decode of a data source state holding N images, at N and 2N to
//! show the cost is linear. The state is synthesised from the live schema of
//! `cloudimage_tencent_images` (every attribute filled, `images` with N elements), so it follows
//! schema changes without edits here.

use std::time::Instant;

use terraform_provider_cloudimage::cty::{decode_msgpack, encode_msgpack, Type, Value};
use terraform_provider_cloudimage::data_sources;

const DATA_SOURCE: &str = "cloudimage_tencent_images";
const LIST_ATTRIBUTE: &str = "images";

/// A value of type `ty`, deterministic in `seed`; collections get two elements.
fn sample(ty: &Type, name: &str, seed: usize) -> Value {
    match ty {
        Type::Bool => Value::Bool(seed % 2 == 0),
        Type::Number => Value::number(seed as u64 * 37 + 20),
        // Realistic lengths: ids, names and times are 12-40 characters in real listings.
        Type::String => Value::string(format!("{name}-{seed:08}-{}", "x".repeat(seed % 17))),
        Type::List(et) => Value::List((0..2).map(|i| sample(et, name, seed * 2 + i)).collect()),
        Type::Set(et) => Value::Set((0..2).map(|i| sample(et, name, seed * 2 + i)).collect()),
        Type::Map(et) => Value::Map(
            (0..2)
                .map(|i| (format!("key{i}"), sample(et, name, seed + i)))
                .collect(),
        ),
        Type::Object(o) => Value::Object(
            o.attrs
                .iter()
                .map(|(k, t)| (k.clone(), sample(t, k, seed)))
                .collect(),
        ),
        Type::Tuple(ts) => Value::Tuple(ts.iter().map(|t| sample(t, name, seed)).collect()),
        Type::Dynamic => Value::dynamic(Type::String, Value::string(name)),
    }
}

/// The state type and a state with `images` elements.
fn state(images: usize) -> Result<(Type, Value), String> {
    let ds = data_sources::registry()
        .into_iter()
        .find(|d| d.type_name() == DATA_SOURCE)
        .ok_or(format!("{DATA_SOURCE} is not registered"))?;
    let ty = ds.schema().block.implied_type();
    let Type::Object(o) = &ty else {
        return Err("the state type is not an object".into());
    };
    let Some(Type::List(image_ty)) = o.attrs.get(LIST_ATTRIBUTE) else {
        return Err(format!(
            "{DATA_SOURCE} has no list attribute {LIST_ATTRIBUTE}"
        ));
    };
    let mut attrs: Vec<(String, Value)> = o
        .attrs
        .iter()
        .filter(|(k, _)| k.as_str() != LIST_ATTRIBUTE)
        .map(|(k, t)| (k.clone(), sample(t, k, 0)))
        .collect();
    attrs.push((
        LIST_ATTRIBUTE.into(),
        Value::List((0..images).map(|i| sample(image_ty, "image", i)).collect()),
    ));
    Ok((ty.clone(), Value::object(attrs)))
}

/// Best of `runs` encode+decode round trips: (seconds, encoded bytes).
fn round_trip(ty: &Type, value: &Value, runs: usize) -> Result<(f64, usize), String> {
    let mut best = f64::INFINITY;
    let mut bytes = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let encoded = encode_msgpack(value, ty).map_err(|e| e.to_string())?;
        let decoded = decode_msgpack(&encoded, ty).map_err(|e| e.to_string())?;
        best = best.min(started.elapsed().as_secs_f64());
        if &decoded != value {
            return Err("decode(encode(state)) differs from the state".into());
        }
        bytes = encoded.len();
    }
    Ok((best, bytes))
}

/// Runs figure 7 for `images` and `2 × images`.
pub fn run(images: usize, runs: usize) -> Result<serde_json::Value, String> {
    let mut rows = Vec::new();
    for n in [images, images * 2] {
        let (ty, value) = state(n)?;
        let (secs, bytes) = round_trip(&ty, &value, runs)?;
        rows.push(serde_json::json!({
            "images": n,
            "bytes": bytes,
            "best_ms": secs * 1000.0,
            // State size over the time of one encode plus one decode.
            "mb_per_s": bytes as f64 / secs / 1e6,
        }));
    }
    let ratio =
        rows[1]["best_ms"].as_f64().unwrap_or(0.0) / rows[0]["best_ms"].as_f64().unwrap_or(1.0);
    Ok(serde_json::json!({ "runs": runs, "sizes": rows, "ratio_2x": ratio }))
}
