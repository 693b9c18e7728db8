//! Logs as hclog JSON lines on stderr, the format Terraform's plugin client parses: `@level`,
//! `@message`, `@module`, `@timestamp` (exactly six fractional digits, or Terraform treats the line as
//! plain text) and the fields of the event and its spans. The level follows `TF_LOG_PROVIDER`, then
//! `TF_LOG`, as Terraform's own filter does; with neither set nothing is written.

use std::io::Write;

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

const MODULE: &str = "provider.terraform-provider-cloudimage";

/// The level Terraform will show for provider logs, from the environment.
pub fn level_from_env(provider: Option<&str>, global: Option<&str>) -> LevelFilter {
    let value = provider
        .filter(|v| !v.is_empty())
        .or(global.filter(|v| !v.is_empty()));
    match value.map(str::to_ascii_uppercase).as_deref() {
        None | Some("OFF") => LevelFilter::OFF,
        Some("ERROR") => LevelFilter::ERROR,
        Some("WARN") => LevelFilter::WARN,
        Some("INFO") => LevelFilter::INFO,
        Some("DEBUG") => LevelFilter::DEBUG,
        // TRACE, JSON, and anything unrecognised (Terraform treats those as TRACE too).
        Some(_) => LevelFilter::TRACE,
    }
}

/// Installs the stderr logger for the plugin process.
pub fn init() {
    let level = level_from_env(
        std::env::var("TF_LOG_PROVIDER").ok().as_deref(),
        std::env::var("TF_LOG").ok().as_deref(),
    );
    if level == LevelFilter::OFF {
        return;
    }
    // Libraries (h2, hyper, rustls) are chatty below WARN and say nothing a provider user can act on.
    let filter = Targets::new()
        .with_target(env!("CARGO_CRATE_NAME"), level)
        .with_default(level.min(LevelFilter::WARN));
    let subscriber = tracing_subscriber::registry().with(HclogLayer.with_filter(filter));
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// Formats events as hclog JSON lines on stderr.
pub struct HclogLayer;

/// Span fields, kept in the span's extensions so events inside it can carry them.
struct SpanFields(Map<String, Value>);

impl<S> Layer<S> for HclogLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: Context<'_, S>,
    ) {
        let mut fields = JsonVisitor::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(SpanFields(fields.fields));
        }
    }

    fn on_record(
        &self,
        id: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        ctx: Context<'_, S>,
    ) {
        if let Some(span) = ctx.span(id) {
            let mut ext = span.extensions_mut();
            if let Some(SpanFields(map)) = ext.get_mut::<SpanFields>() {
                let mut fields = JsonVisitor::default();
                values.record(&mut fields);
                map.extend(fields.fields);
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut line = Map::new();
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(SpanFields(map)) = span.extensions().get::<SpanFields>() {
                    line.extend(map.clone());
                }
            }
        }
        let mut fields = JsonVisitor::default();
        event.record(&mut fields);
        let message = fields.message.take().unwrap_or_default();
        line.extend(fields.fields);
        line.insert(
            "@level".into(),
            Value::from(level_name(*event.metadata().level())),
        );
        line.insert("@message".into(), Value::from(message));
        line.insert("@module".into(), Value::from(MODULE));
        line.insert(
            "@timestamp".into(),
            Value::from(timestamp(chrono::Utc::now())),
        );
        if let Ok(mut text) = serde_json::to_string(&line) {
            text.push('\n');
            let _ = std::io::stderr().lock().write_all(text.as_bytes());
        }
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

/// hclog's timestamp layout `2006-01-02T15:04:05.000000Z07:00`.
pub fn timestamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

#[derive(Default)]
struct JsonVisitor {
    message: Option<String>,
    fields: Map<String, Value>,
}

impl Visit for JsonVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, Value::from(value));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, Value::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, Value::from(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, Value::from(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(field, Value::from(value));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.put(field, Value::from(format!("{value:?}")));
    }
}

impl JsonVisitor {
    fn put(&mut self, field: &Field, value: Value) {
        if field.name() == "message" {
            self.message = Some(match value {
                Value::String(s) => s,
                other => other.to_string(),
            });
        } else {
            self.fields.insert(field.name().to_string(), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_follows_terraform_rules() {
        let cases = [
            (None, None, LevelFilter::OFF),
            (None, Some("DEBUG"), LevelFilter::DEBUG),
            (Some("warn"), Some("TRACE"), LevelFilter::WARN),
            (Some(""), Some("info"), LevelFilter::INFO),
            (None, Some("JSON"), LevelFilter::TRACE),
            (None, Some("off"), LevelFilter::OFF),
            (None, Some("bogus"), LevelFilter::TRACE),
        ];
        for (provider, global, want) in cases {
            assert_eq!(
                level_from_env(provider, global),
                want,
                "{provider:?} {global:?}"
            );
        }
    }

    #[test]
    fn timestamp_has_six_fractional_digits() {
        let t = chrono::DateTime::from_timestamp(1_700_000_000, 1_000).unwrap();
        assert_eq!(timestamp(t), "2023-11-14T22:13:20.000001Z");
    }
}
