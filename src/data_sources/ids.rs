//! Stable data-source ids: a hash of what was asked and what came back, never random, so a plan with
//! unchanged inputs and results shows no diff.

use sha2::{Digest, Sha256};

/// Hashes the parts in order (each length-prefixed, so parts cannot run into each other).
pub fn stable_id(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hex::encode(&hasher.finalize()[..12])
}

#[cfg(test)]
mod tests {
    use super::stable_id;

    #[test]
    fn ids_are_stable_and_sensitive_to_every_part() {
        let a = stable_id(&["bj", "imageType=All", "m-1,m-2"]);
        assert_eq!(a, stable_id(&["bj", "imageType=All", "m-1,m-2"]));
        assert_eq!(a.len(), 24);
        assert_ne!(a, stable_id(&["bj", "imageType=All", "m-1"]));
        assert_ne!(stable_id(&["ab", "c"]), stable_id(&["a", "bc"]));
    }
}
