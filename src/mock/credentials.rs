//! The key pairs the emulator accepts, per cloud: the documented built-in test credentials plus any
//! given at start-up. Secrets are held as [`Secret`] so a Debug print of the config never shows them.
//! Knows nothing of requests or signatures.

use crate::secret::Secret;

/// Built-in Baidu access key (secret [`BAIDU_SK`]).
pub const BAIDU_AK: &str = "mock-baidu-ak";
/// Built-in Baidu secret key.
pub const BAIDU_SK: &str = "mock-baidu-sk";
/// Built-in UCloud public key (private [`UCLOUD_PRIVATE`]).
pub const UCLOUD_PUBLIC: &str = "mock-ucloud-public";
/// Built-in UCloud private key.
pub const UCLOUD_PRIVATE: &str = "mock-ucloud-private";
/// Built-in Tencent SecretId (key [`TENCENT_KEY`]).
pub const TENCENT_ID: &str = "AKIDmockTencent0000000000000000000000";
/// Built-in Tencent SecretKey.
pub const TENCENT_KEY: &str = "mock-tencent-sk";

/// Which cloud a key pair belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Cloud {
    Baidu,
    Ucloud,
    Tencent,
}

impl Cloud {
    pub fn as_str(&self) -> &'static str {
        match self {
            Cloud::Baidu => "baidu",
            Cloud::Ucloud => "ucloud",
            Cloud::Tencent => "tencent",
        }
    }

    pub fn parse(s: &str) -> Option<Cloud> {
        match s.to_ascii_lowercase().as_str() {
            "baidu" => Some(Cloud::Baidu),
            "ucloud" => Some(Cloud::Ucloud),
            "tencent" => Some(Cloud::Tencent),
            _ => None,
        }
    }
}

/// Accepted key pairs: `(cloud, id, secret)`.
#[derive(Debug, Clone)]
pub struct Credentials {
    keys: Vec<(Cloud, String, Secret)>,
}

impl Default for Credentials {
    /// The built-in test credentials only.
    fn default() -> Self {
        Credentials {
            keys: vec![
                (Cloud::Baidu, BAIDU_AK.into(), Secret::new(BAIDU_SK)),
                (
                    Cloud::Ucloud,
                    UCLOUD_PUBLIC.into(),
                    Secret::new(UCLOUD_PRIVATE),
                ),
                (Cloud::Tencent, TENCENT_ID.into(), Secret::new(TENCENT_KEY)),
            ],
        }
    }
}

impl Credentials {
    /// No key at all (every signed request is then rejected as an unknown key).
    pub fn empty() -> Self {
        Credentials { keys: Vec::new() }
    }

    /// Accepts one more key pair.
    pub fn add(&mut self, cloud: Cloud, id: impl Into<String>, secret: Secret) {
        self.keys.push((cloud, id.into(), secret));
    }

    /// The secret of `id` on `cloud`.
    pub fn secret(&self, cloud: Cloud, id: &str) -> Option<&Secret> {
        self.keys
            .iter()
            .find(|(c, i, _)| *c == cloud && i == id)
            .map(|(_, _, s)| s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_and_extra_keys() {
        let mut c = Credentials::default();
        assert_eq!(
            c.secret(Cloud::Baidu, BAIDU_AK).map(|s| s.expose()),
            Some(BAIDU_SK)
        );
        assert!(c.secret(Cloud::Tencent, BAIDU_AK).is_none());
        c.add(Cloud::Ucloud, "pub2", Secret::new("priv2"));
        assert_eq!(
            c.secret(Cloud::Ucloud, "pub2").map(|s| s.expose()),
            Some("priv2")
        );
        assert!(!format!("{c:?}").contains("priv2"));
    }
}
