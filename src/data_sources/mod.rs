//! The data sources: each is a name, a schema, plan-time validation and a read. Adding one is one module
//! here plus one line in [`registry`]. Data sources turn configuration into cloud queries and images into
//! state; they never speak the plugin protocol themselves.

mod answer;
pub mod args;
mod baidu;
mod cloud_errors;
pub mod credentials;
mod cross_cloud;
mod ids;
pub mod images;
pub mod name_regex;
mod offload;
mod output_file;
mod selection;
mod tencent;
mod tencent_query;
mod ucloud;
#[cfg(test)]
mod wording_tests;

use std::sync::Arc;

use futures_util::future::BoxFuture;

use crate::cty::Value;
use crate::provider::{Diagnostics, ReadContext};
use crate::schema::Schema;

/// What a read produced: the new state (absent on error) and any diagnostics, warnings included.
#[derive(Debug, Default)]
pub struct ReadOutcome {
    pub state: Option<Value>,
    pub diagnostics: Diagnostics,
}

pub trait DataSource: Send + Sync {
    /// The Terraform type name, e.g. `cloudimage_baidu_images`.
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> Schema;
    /// Plan-time checks. `config` may contain unknown values, which are skipped.
    fn validate(&self, config: &Value) -> Diagnostics;
    /// Reads the data source. `config` is wholly known and conforms to the schema.
    fn read<'a>(&'a self, ctx: &'a ReadContext, config: &'a Value) -> BoxFuture<'a, ReadOutcome>;
}

/// Every data source the provider offers.
pub fn registry() -> Vec<Arc<dyn DataSource>> {
    let mut all = Vec::new();
    all.extend(images::data_sources(baidu::BaiduImages));
    all.extend(images::data_sources(baidu::BaiduSpecImages));
    all.extend(images::data_sources(ucloud::UCloudImages));
    all.extend(images::data_sources(tencent::TencentImages));
    all.push(Arc::new(cross_cloud::CrossCloud::new()));
    all
}
