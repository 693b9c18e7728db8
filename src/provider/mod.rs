//! The provider core, independent of the protocol version: schemas, configuration, validation and reads
//! over decoded cty values. `server/` adapts it to tfplugin5 and tfplugin6.

pub mod config;
mod diagnostics;
pub mod duration;

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use tokio_util::sync::CancellationToken;
use tracing::Instrument;

pub use config::ProviderSettings;
pub use diagnostics::{attr_path, Diagnostic, Diagnostics, Severity};

use crate::cloud::{
    BackoffPolicy, CloudContext, HttpExecutor, HttpSettings, ProxySettings, ResponseBudget,
};
use crate::cty::Value;
use crate::data_sources::{DataSource, ReadOutcome};
use crate::schema::Schema;

/// What a data source's read gets from the provider.
pub struct ReadContext {
    pub settings: Arc<ProviderSettings>,
    /// Cancelled by `StopProvider`.
    pub cancel: CancellationToken,
    /// HTTP executor (bound to `cancel`), clock and the process-wide listing cache.
    pub cloud: CloudContext,
}

/// What `ConfigureProvider` produced.
struct Configured {
    settings: Arc<ProviderSettings>,
    cloud: CloudContext,
}

/// The provider: one per plugin process.
pub struct Provider {
    data_sources: BTreeMap<&'static str, Arc<dyn DataSource>>,
    configured: RwLock<Option<Arc<Configured>>>,
    cancel: RwLock<CancellationToken>,
    env: config::EnvLookup,
    /// Terraform before 0.15 throws away a data source's result when its read carries a warning.
    warnings_dropped_by_client: std::sync::atomic::AtomicBool,
    /// The process's one bound on cloud response data held, shared by every configuration.
    budget: ResponseBudget,
}

/// Both schemas Terraform asks for.
pub struct ProviderSchema {
    pub provider: Schema,
    pub data_sources: BTreeMap<String, Schema>,
}

impl Provider {
    /// A provider with the given data sources, reading credentials from the process environment.
    pub fn new(data_sources: Vec<Arc<dyn DataSource>>) -> Self {
        Self::with_env(data_sources, Box::new(config::process_env))
    }

    /// A provider whose environment lookups go through `env` (tests inject one).
    pub fn with_env(data_sources: Vec<Arc<dyn DataSource>>, env: config::EnvLookup) -> Self {
        Provider {
            data_sources: data_sources
                .into_iter()
                .map(|d| (d.type_name(), d))
                .collect(),
            configured: RwLock::new(None),
            cancel: RwLock::new(CancellationToken::new()),
            // Only tests lower it (`CLOUDIMAGE_RESPONSE_BUDGET_MIB`).
            budget: ResponseBudget::from_env(&*env),
            env,
            warnings_dropped_by_client: Default::default(),
        }
    }

    /// The response budget every configuration of this provider charges.
    pub fn response_budget(&self) -> &ResponseBudget {
        &self.budget
    }

    pub fn schema(&self) -> ProviderSchema {
        ProviderSchema {
            provider: config::schema(),
            data_sources: self
                .data_sources
                .iter()
                .map(|(name, ds)| (name.to_string(), ds.schema()))
                .collect(),
        }
    }

    pub fn data_source_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.data_sources.keys().copied()
    }

    pub fn data_source_schema(&self, type_name: &str) -> Option<Schema> {
        self.data_sources.get(type_name).map(|d| d.schema())
    }

    pub fn validate_provider_config(&self, config: &Value) -> Diagnostics {
        config::validate(config)
    }

    /// Configures the provider. `terraform_version` is what the client reports (e.g. `0.14.6`).
    pub fn configure(&self, config: &Value, terraform_version: &str) -> Diagnostics {
        self.warnings_dropped_by_client.store(
            drops_warned_data_sources(terraform_version),
            std::sync::atomic::Ordering::Relaxed,
        );
        let (settings, diags) = config::resolve(config, &*self.env);
        if diags.has_errors() {
            return diags;
        }
        let http = HttpSettings {
            max_retries: settings.max_retries,
            request_timeout: settings.request_timeout,
        };
        let cancel = self.cancel.read().map(|c| c.clone()).unwrap_or_default();
        // The HTTP client (TLS roots, pool) is built by the first read: most plugin processes are
        // configured and never read anything. Backoff timing comes from the environment only (tests and
        // soak runs shorten it).
        let backoff = BackoffPolicy::from_env(&*self.env);
        let configured = Configured {
            settings: Arc::new(settings),
            cloud: CloudContext::new(
                HttpExecutor::lazy(http, cancel)
                    .with_proxies(ProxySettings::from_env(&*self.env))
                    .with_backoff(backoff),
            )
            .with_budget(self.budget.clone()),
        };
        if let Ok(mut slot) = self.configured.write() {
            *slot = Some(Arc::new(configured));
        }
        diags
    }

    pub fn validate_data_source(&self, type_name: &str, config: &Value) -> Diagnostics {
        match self.data_sources.get(type_name) {
            Some(ds) => ds.validate(config),
            None => unknown_data_source(type_name).into(),
        }
    }

    pub async fn read_data_source(&self, type_name: &str, config: &Value) -> ReadOutcome {
        let Some(ds) = self.data_sources.get(type_name) else {
            return ReadOutcome {
                state: None,
                diagnostics: unknown_data_source(type_name).into(),
            };
        };
        let configured = self.configured.read().ok().and_then(|s| s.clone());
        let Some(configured) = configured else {
            return ReadOutcome {
                state: None,
                diagnostics: Diagnostic::error(
                    "Provider not configured",
                    "Terraform asked for a data source before configuring the provider. This is a bug in the caller; please report it.",
                )
                .into(),
            };
        };
        let cancel = self.cancel.read().map(|c| c.clone()).unwrap_or_default();
        let cloud = CloudContext {
            http: configured.cloud.http.with_cancel_token(cancel.clone()),
            ..configured.cloud.clone()
        };
        let ctx = ReadContext {
            settings: configured.settings.clone(),
            cancel,
            cloud,
        };
        // Every log line of the read (each API attempt among them) names the data source it serves.
        let mut outcome = ds
            .read(&ctx, config)
            .instrument(tracing::info_span!("read", data_source = type_name))
            .await;
        if self
            .warnings_dropped_by_client
            .load(std::sync::atomic::Ordering::Relaxed)
            && !outcome.diagnostics.has_errors()
        {
            // Keep the answer: on these versions a warning would make Terraform discard it. Log it instead.
            for d in outcome.diagnostics.0.drain(..) {
                tracing::warn!(data_source = type_name, detail = %d.detail, "{}", d.summary);
            }
        }
        outcome
    }

    /// Cancels every read in flight (`StopProvider`). Later reads start with a fresh token.
    pub fn stop(&self) {
        if let Ok(mut slot) = self.cancel.write() {
            slot.cancel();
            *slot = CancellationToken::new();
        }
    }
}

/// True for Terraform 0.12 – 0.14, which drop a data source's state when its read returns any diagnostic.
fn drops_warned_data_sources(terraform_version: &str) -> bool {
    let mut parts = terraform_version
        .trim_start_matches('v')
        .split('.')
        .map(|p| p.parse::<u64>().unwrap_or(0));
    matches!((parts.next(), parts.next()), (Some(0), Some(minor)) if minor < 15)
}

fn unknown_data_source(type_name: &str) -> Diagnostic {
    Diagnostic::error(
        "Unknown data source",
        format!("This provider has no data source named {type_name:?}. Check the spelling against the provider's docs, or upgrade the provider if the data source is newer than this version."),
    )
}

#[cfg(test)]
mod tests {
    use super::drops_warned_data_sources;

    #[test]
    fn only_terraform_before_0_15_drops_warned_data_sources() {
        for (version, drops) in [
            ("0.14.6", true),
            ("0.12.31", true),
            ("v0.13.7", true),
            ("0.15.0", false),
            ("1.0.3", false),
            ("1.15.9", false),
            ("", false),
        ] {
            assert_eq!(drops_warned_data_sources(version), drops, "{version}");
        }
    }
}
