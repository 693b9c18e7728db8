//! `cloudimage_images` (SPEC §6): one search over every configured cloud, queried concurrently through each
//! cloud's own listing (and so its single-flight cache), merged newest first. Any cloud failing fails the
//! read: a partial answer would silently hide a cloud.

use std::sync::Arc;

use futures_util::future::{join_all, BoxFuture};

use super::images::{time_value, ImageFamily, ImageRow};
use super::selection::{self, Selection};
use super::{args, baidu, credentials, ids, tencent, ucloud, DataSource, ReadOutcome};
use super::{name_regex, offload, output_file};
use crate::cty::{Type, Value};
use crate::provider::config::{CloudSettings, ProviderSettings};
use crate::provider::{attr_path, Diagnostic, Diagnostics, ReadContext};
use crate::schema::{Attribute, Block, Schema};

pub const CLOUDS: &[&str] = &["baidu", "ucloud", "tencent"];

/// A cloud's name and the family that lists its images.
type CloudFamily = (&'static str, Arc<dyn ImageFamily>);

pub struct CrossCloud {
    families: Vec<CloudFamily>,
}

impl CrossCloud {
    pub fn new() -> Self {
        CrossCloud {
            families: vec![
                ("baidu", Arc::new(baidu::BaiduImages)),
                ("ucloud", Arc::new(ucloud::UCloudImages)),
                ("tencent", Arc::new(tencent::TencentImages)),
            ],
        }
    }
}

impl Default for CrossCloud {
    fn default() -> Self {
        Self::new()
    }
}

const OBJECT: &[(&str, &str)] = &[
    ("cloud", "`baidu`, `ucloud` or `tencent`"),
    ("region", "the region searched"),
    ("id", "image id"),
    ("name", "image name"),
    ("os_family", "normalised OS family"),
    ("version", "normalised OS version"),
    ("architecture", "normalised architecture"),
    (
        "create_time",
        "creation time (RFC 3339), empty when the API has none",
    ),
    (
        "eol_date",
        "end-of-life date `YYYY-MM-DD`, empty when unknown",
    ),
];

/// True when any of the cloud's credentials is set: a cloud with only half of them is searched, so its
/// read says what is missing rather than the cloud silently dropping out of the answer.
fn configured(settings: &CloudSettings) -> bool {
    settings.key_id.as_deref().is_some_and(|k| !k.is_empty())
        || settings.secret.as_ref().is_some_and(|s| !s.is_empty())
}

/// True when the cloud's key id or secret is set in the provider block but not known yet.
fn credentials_unknown(settings: &ProviderSettings, cloud: &str) -> bool {
    let names = match cloud {
        "baidu" => &credentials::BAIDU,
        "ucloud" => &credentials::UCLOUD,
        _ => &credentials::TENCENT,
    };
    [names.key_id.0, names.secret.0]
        .iter()
        .any(|arg| settings.unknown.contains(&format!("{cloud}.{arg}")))
}

impl DataSource for CrossCloud {
    fn type_name(&self) -> &'static str {
        "cloudimage_images"
    }

    fn schema(&self) -> Schema {
        let object = Type::object(OBJECT.iter().map(|(name, _)| (*name, Type::String)));
        let fields = OBJECT
            .iter()
            .map(|(n, d)| format!("`{n}`: {d}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut block = Block::new()
            .describe(
                "Searches Baidu AI Cloud, UCloud and Tencent Cloud at once with the normalised filters, querying the clouds \
                 concurrently in each one's configured region. Newest first across clouds (ties by cloud, then id). If any \
                 cloud fails, the whole read fails naming it: never a partial answer.",
            )
            .attr(Attribute::optional("clouds", Type::list(Type::String)).describe(
                "Which clouds to search: any of `baidu`, `ucloud`, `tencent`. Default: every cloud with credentials set (one \
                 with only its key id or only its secret is an error, not left out).",
            ))
            .attr(output_file::argument())
            .attr(name_regex::argument());
        for a in selection::filter_arguments() {
            block = block.attr(a);
        }
        block = block
            .attr(
                Attribute::computed("images", Type::list(object))
                    .describe(format!("The matching images. Each has {fields}.")),
            )
            .attr(
                Attribute::computed("ids", Type::list(Type::String))
                    .describe("The ids of `images`, in the same order."),
            )
            .attr(
                Attribute::computed("total_count", Type::Number)
                    .describe("The number of `images`."),
            )
            .attr(
                Attribute::computed("id", Type::String)
                    .describe("A stable hash of the query and the ids found."),
            );
        Schema::new(block)
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        args::check_regex(config, "name_regex", &mut diags);
        selection::validate(config, &mut diags);
        if config
            .get("clouds")
            .and_then(Value::elements)
            .is_some_and(<[Value]>::is_empty)
        {
            diags.push(
                Diagnostic::error(
                    "Invalid clouds",
                    "clouds is empty, so there would be nothing to search. List at least one of \"baidu\", \"ucloud\" and \"tencent\", \
                     or leave clouds out to search every cloud whose credentials are configured.",
                )
                .at(attr_path(&["clouds"])),
            );
        }
        for cloud in args::strings(config, "clouds") {
            if !CLOUDS.contains(&cloud.to_lowercase().as_str()) {
                diags.push(
                    Diagnostic::error("Invalid clouds", format!("{cloud:?} is not a cloud this provider knows; use baidu, ucloud or tencent."))
                        .at(attr_path(&["clouds"])),
                );
            }
        }
        diags
    }

    fn read<'a>(&'a self, ctx: &'a ReadContext, config: &'a Value) -> BoxFuture<'a, ReadOutcome> {
        Box::pin(async move {
            match self.search(ctx, config).await {
                Ok(state) => ReadOutcome {
                    state: Some(state),
                    diagnostics: Diagnostics::new(),
                },
                Err(diagnostics) => ReadOutcome {
                    state: None,
                    diagnostics,
                },
            }
        })
    }
}

impl CrossCloud {
    fn wanted(&self, ctx: &ReadContext, config: &Value) -> Result<Vec<&CloudFamily>, Diagnostics> {
        let asked: Vec<String> = args::strings(config, "clouds")
            .iter()
            .map(|c| c.to_lowercase())
            .collect();
        let settings = &ctx.settings;
        let wanted: Vec<_> = self
            .families
            .iter()
            .filter(|(name, _)| {
                if args::is_set(config, "clouds") {
                    asked.iter().any(|a| a == name)
                } else {
                    // A cloud whose credentials are not known yet counts too: its read then says so,
                    // rather than plan leaving out a cloud that apply would search.
                    configured(match *name {
                        "baidu" => &settings.baidu,
                        "ucloud" => &settings.ucloud,
                        _ => &settings.tencent,
                    }) || credentials_unknown(settings, name)
                }
            })
            .collect();
        if wanted.is_empty() {
            return Err(Diagnostic::error(
                "No cloud to search",
                "No cloud has credentials configured (and clouds is not set). Configure at least one of the provider's \
                 baidu, ucloud or tencent blocks, or their environment variables.",
            )
            .into());
        }
        Ok(wanted)
    }

    async fn search(&self, ctx: &ReadContext, config: &Value) -> Result<Value, Diagnostics> {
        let selection = Selection::from_config(config)?;
        let wanted = self.wanted(ctx, config)?;
        // Each cloud's plural listing with no cloud-specific arguments: everything in its configured region.
        let everything = Value::Object(Default::default());
        let listings = join_all(wanted.iter().map(|(name, family)| {
            let everything = &everything;
            async move { (*name, family.list(ctx, everything).await) }
        }))
        .await;
        let mut listed: Vec<(&'static str, String, Vec<ImageRow>)> = Vec::new();
        let mut failures = Diagnostics::new();
        for (cloud, listing) in listings {
            match listing {
                Ok(listing) => listed.push((cloud, listing.region, listing.rows)),
                Err(diags) => {
                    for mut d in diags.0 {
                        d.summary = format!("{} (cloud {cloud})", d.summary);
                        failures.push(d);
                    }
                }
            }
        }
        if failures.has_errors() {
            return Err(failures);
        }
        // Filtering and ordering every cloud's listing is CPU work: off the executor.
        let stop = ctx.cancel.clone();
        let found = offload::run(&ctx.cancel, move || {
            let mut found: Vec<(&'static str, String, ImageRow)> = Vec::new();
            for (cloud, region, rows) in listed {
                let (rows, _) = selection.apply(rows, &stop);
                found.extend(rows.into_iter().map(|r| (cloud, region.clone(), r)));
            }
            found.sort_by(|(ca, _, a), (cb, _, b)| {
                b.create_time()
                    .cmp(&a.create_time())
                    .then_with(|| ca.cmp(cb))
                    .then_with(|| a.id().cmp(b.id()))
            });
            found
        })
        .await
        .ok_or_else(|| Diagnostics::from(offload::stopped("filtering images")))?;
        let ids: Vec<String> = found
            .iter()
            .map(|(c, _, r)| format!("{c}:{}", r.id()))
            .collect();
        // Charged to the response budget as it is built, and until the answer is handed over.
        let (images, _answer) = super::answer::objects(ctx, found.iter(), |(cloud, region, r)| {
            let n = r.normalized();
            Value::object([
                ("cloud", Value::string(*cloud)),
                ("region", Value::string(region)),
                ("id", Value::string(r.id())),
                ("name", Value::string(r.name())),
                ("os_family", Value::string(n.os_family)),
                ("version", Value::string(&n.version)),
                ("architecture", Value::string(n.architecture)),
                ("create_time", time_value(r.create_time())),
                ("eol_date", Value::string(&n.eol_date)),
            ])
        })
        .map_err(Diagnostics::from)?;
        if let Some(path) = args::non_empty(config, "output_file") {
            output_file::write(&ctx.cancel, path, &images)
                .await
                .map_err(Diagnostics::from)?;
        }
        let mut map = match config {
            Value::Object(map) => map.clone(),
            _ => Default::default(),
        };
        let query: Vec<&str> = ["name_regex", "os_family", "version", "architecture"]
            .iter()
            .map(|n| args::string(config, n).unwrap_or(""))
            .collect();
        map.insert(
            "id".into(),
            Value::string(ids::stable_id(&[
                self.type_name(),
                &query.join("|"),
                &ids.join(","),
            ])),
        );
        map.insert("total_count".into(), Value::number(found.len() as i64));
        map.insert(
            "ids".into(),
            Value::List(
                found
                    .iter()
                    .map(|(_, _, r)| Value::string(r.id()))
                    .collect(),
            ),
        );
        map.insert("images".into(), Value::List(images));
        Ok(Value::Object(map))
    }
}
