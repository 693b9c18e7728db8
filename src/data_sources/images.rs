//! The machinery every image data source shares. A cloud family describes its arguments, its image
//! attributes and how to list; this module turns that into a plural data source (`images`, `ids`,
//! `total_count`, stable `id`, `output_file`) and a singular one (`most_recent`, attributes at top level),
//! with the common client-side filters (`name_regex`, `os_name`), ordering and explained misses.

use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use futures_util::future::BoxFuture;

use super::args;
use super::ids::stable_id;
use super::selection::{self, Funnel, Selection};
use super::{name_regex, offload, output_file};
use super::{DataSource, ReadOutcome};
use crate::cloud::normalize::{normalize, Facts, Normalized};
use crate::cty::{Type, Value};
use crate::provider::{attr_path, Diagnostic, Diagnostics, ReadContext};
use crate::schema::{Attribute, Block, Mode, Schema};

/// One attribute of an image object.
pub struct Attr {
    pub name: &'static str,
    pub ty: Type,
    pub description: &'static str,
}

impl Attr {
    pub fn string(name: &'static str, description: &'static str) -> Self {
        Attr {
            name,
            ty: Type::String,
            description,
        }
    }
    pub fn number(name: &'static str, description: &'static str) -> Self {
        Attr {
            name,
            ty: Type::Number,
            description,
        }
    }
    pub fn strings(name: &'static str, description: &'static str) -> Self {
        Attr {
            name,
            ty: Type::list(Type::String),
            description,
        }
    }
}

/// What the shared machinery reads from one cloud image: the keys it filters and sorts on, the facts
/// normalisation works from, and the attribute values.
pub trait ImageView: Send + Sync + 'static {
    fn id(&self) -> &str;
    fn name(&self) -> &str;
    fn os_name(&self) -> &str;
    /// `None` when the cloud gives no (meaningful) creation time.
    fn create_time(&self) -> Option<DateTime<Utc>>;
    fn facts(&self) -> Facts<'_>;
    /// The attribute values, in the family's attribute order.
    fn values(&self) -> Vec<Value>;
}

/// A listing as the shared machinery sees it: usually a client's cached `Vec` of images, shared by
/// every read of the same listing.
pub trait ImageSet: Send + Sync {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn image(&self, index: usize) -> &dyn ImageView;
    /// The attribute values of one image; a set may present its images in another family's attributes.
    fn values(&self, index: usize) -> Vec<Value> {
        self.image(index).values()
    }
}

impl<T: ImageView> ImageSet for Vec<T> {
    fn len(&self) -> usize {
        self.len()
    }
    fn image(&self, index: usize) -> &dyn ImageView {
        &self[index]
    }
}

/// One image of a shared listing. A handle, not a copy: a read filters thousands of images, keeps a
/// few, and builds values and normalised facts only for what it needs.
#[derive(Clone)]
pub struct ImageRow {
    set: Arc<dyn ImageSet>,
    index: usize,
}

impl ImageRow {
    /// Every image of `set`, in its order.
    pub fn all(set: Arc<dyn ImageSet>) -> Vec<ImageRow> {
        Self::where_index(set, |_| true)
    }

    /// The images of a listing that `keep` accepts, in its order.
    pub fn matching<T: ImageView>(
        listing: Arc<Vec<T>>,
        keep: impl Fn(&T) -> bool,
    ) -> Vec<ImageRow> {
        let set: Arc<dyn ImageSet> = listing.clone();
        Self::where_index(set, |n| keep(&listing[n]))
    }

    fn where_index(set: Arc<dyn ImageSet>, keep: impl Fn(usize) -> bool) -> Vec<ImageRow> {
        (0..set.len())
            .filter(|&n| keep(n))
            .map(|index| ImageRow {
                set: Arc::clone(&set),
                index,
            })
            .collect()
    }

    fn image(&self) -> &dyn ImageView {
        self.set.image(self.index)
    }
    pub fn id(&self) -> &str {
        self.image().id()
    }
    pub fn name(&self) -> &str {
        self.image().name()
    }
    pub fn os_name(&self) -> &str {
        self.image().os_name()
    }
    pub fn create_time(&self) -> Option<DateTime<Utc>> {
        self.image().create_time()
    }
    pub fn facts(&self) -> Facts<'_> {
        self.image().facts()
    }
    /// OS family, version, architecture and EOL date, the same across clouds (SPEC §6).
    pub fn normalized(&self) -> Normalized {
        normalize(self.facts())
    }
    /// The attribute values, in the family's attribute order.
    pub fn values(&self) -> Vec<Value> {
        self.set.values(self.index)
    }
}

impl std::fmt::Debug for ImageRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImageRow")
            .field("id", &self.id())
            .field("name", &self.name())
            .finish_non_exhaustive()
    }
}

/// What a family's listing returned.
pub struct Listing {
    pub rows: Vec<ImageRow>,
    /// The region asked, for the stable id.
    pub region: String,
    /// The request parameters in a canonical form, for the stable id.
    pub query: String,
    /// A filter the family applied to the API's answer before the shared ones (`status`), so a miss still
    /// shows what the API answered.
    pub prefilter: Option<Prefilter>,
}

/// What a family's own filter on the API's answer did, for the miss funnel.
pub struct Prefilter {
    /// How the funnel names it, e.g. `status (default "Available")`.
    pub stage: &'static str,
    /// How many images the API returned.
    pub returned: usize,
    /// Every image it rejected, when it rejected them all (the funnel's closest misses); else empty.
    pub misses: Vec<ImageRow>,
}

impl Prefilter {
    /// Keeps the images of `listing` that `keep` accepts; `stage: None` keeps them all.
    pub fn apply<T: ImageView>(
        listing: Arc<Vec<T>>,
        stage: Option<&'static str>,
        keep: impl Fn(&T) -> bool,
    ) -> (Vec<ImageRow>, Option<Prefilter>) {
        let Some(stage) = stage else {
            return (ImageRow::all(listing), None);
        };
        let returned = listing.len();
        let rows = ImageRow::matching(listing.clone(), keep);
        let misses = if rows.is_empty() {
            ImageRow::all(listing)
        } else {
            Vec::new()
        };
        let prefilter = Prefilter {
            stage,
            returned,
            misses,
        };
        (rows, Some(prefilter))
    }
}

/// Whether `config` is a singular data source's: only singular schemas have `most_recent`, and a decoded
/// configuration holds every schema attribute (null when unset).
pub fn is_singular(config: &Value) -> bool {
    config.get("most_recent").is_some()
}

/// A client-side filter on the images' state, for clouds whose list APIs cannot filter by it.
pub struct StatusFilter {
    wanted: Vec<&'static str>,
    given: Option<String>,
    /// How the funnel names it.
    pub stage: &'static str,
}

impl StatusFilter {
    /// The `status` argument (matched case-insensitively); else, on the singular data source, the states
    /// `usable` lists, so that "the newest matching image" is one that can be launched. `None` keeps all.
    pub fn from_config(
        config: &Value,
        usable: &'static [&'static str],
        default_stage: &'static str,
    ) -> Option<StatusFilter> {
        match args::non_empty(config, "status") {
            Some(given) => Some(StatusFilter {
                wanted: Vec::new(),
                given: Some(given.to_string()),
                stage: "status",
            }),
            None if is_singular(config) => Some(StatusFilter {
                wanted: usable.to_vec(),
                given: None,
                stage: default_stage,
            }),
            None => None,
        }
    }

    pub fn keeps(&self, status: &str) -> bool {
        match &self.given {
            Some(given) => status.eq_ignore_ascii_case(given),
            None => self.wanted.iter().any(|w| status.eq_ignore_ascii_case(w)),
        }
    }

    /// `&status=…` for the listing's canonical query (the stable id), the same whatever the case written.
    /// Absent without a filter, so plural data sources keep the ids they had before `status` existed.
    pub fn query_suffix(&self) -> String {
        let wanted = match &self.given {
            Some(given) => given.to_ascii_lowercase(),
            None => self.wanted.join("|").to_ascii_lowercase(),
        };
        format!("&status={wanted}")
    }
}

/// A family of image data sources on one cloud API.
pub trait ImageFamily: Send + Sync + 'static {
    /// e.g. `cloudimage_baidu_images`.
    fn plural_name(&self) -> &'static str;
    /// e.g. `cloudimage_baidu_image`; `None` when the family has no singular data source.
    fn singular_name(&self) -> Option<&'static str>;
    /// Markdown description of the plural data source; the singular one derives its own.
    fn description(&self) -> &'static str;
    /// Family-specific arguments (the shared ones are added by this module).
    fn arguments(&self, singular: bool) -> Vec<Attribute>;
    /// Family-specific nested blocks (e.g. Tencent's `filter`), added to both data sources' schemas.
    fn blocks(&self, block: Block) -> Block {
        block
    }
    /// The attributes of each image object.
    fn attributes(&self) -> Vec<Attr>;
    /// Family-specific plan-time checks; unknown values are skipped.
    fn validate(&self, config: &Value, singular: bool, diags: &mut Diagnostics);
    /// Whether the API returns creation times (so newest-first order and `most_recent` work).
    fn has_create_time(&self, config: &Value) -> bool;
    /// How `os_name` differs from the shared client-side filter on this data source, if it does.
    fn os_name_note(&self, _singular: bool) -> Option<&'static str> {
        None
    }
    /// Lists the images the API returns for this configuration, before the shared client-side filters.
    fn list<'a>(
        &'a self,
        ctx: &'a ReadContext,
        config: &'a Value,
    ) -> BoxFuture<'a, Result<Listing, Diagnostics>>;
}

/// Registers the plural and (when it exists) singular data sources of a family.
pub fn data_sources<F: ImageFamily>(family: F) -> Vec<Arc<dyn DataSource>> {
    let family = Arc::new(family);
    let mut out: Vec<Arc<dyn DataSource>> = vec![Arc::new(Plural(family.clone()))];
    if family.singular_name().is_some() {
        out.push(Arc::new(Singular(family)));
    }
    out
}

/// The normalised attributes every image object carries unless the family already has one of that name.
fn normalized_attributes() -> Vec<Attr> {
    vec![
        Attr::string("os_family", "normalised OS family, e.g. `ubuntu`, `centos`, `windows`, `other`"),
        Attr::string("version", "normalised OS version as dotted numbers, e.g. `22.04`; empty when unknown"),
        Attr::string("architecture", "normalised architecture: `x86_64`, `arm64`, `i386` or empty"),
        Attr::string("eol_date", "end-of-life date `YYYY-MM-DD` (the cloud's own, else the built-in lifecycle table); empty when unknown"),
    ]
}

/// The family's attributes followed by the normalised ones it does not define itself.
fn all_attributes<F: ImageFamily + ?Sized>(family: &F) -> Vec<Attr> {
    let mut attrs = family.attributes();
    for extra in normalized_attributes() {
        if !attrs.iter().any(|a| a.name == extra.name) {
            attrs.push(extra);
        }
    }
    attrs
}

/// The row's values for `attrs` (from [`all_attributes`]): the family's, then the normalised ones.
fn row_values(attrs: &[Attr], row: &ImageRow) -> Vec<Value> {
    let mut values = row.values();
    if values.len() >= attrs.len() {
        return values;
    }
    let n = row.normalized();
    for a in attrs.iter().skip(values.len()) {
        values.push(Value::string(match a.name {
            "os_family" => n.os_family.to_string(),
            "version" => n.version.clone(),
            "architecture" => n.architecture.to_string(),
            "eol_date" => n.eol_date.clone(),
            _ => String::new(),
        }));
    }
    values
}

fn shared_arguments(os_name_note: Option<&str>) -> Vec<Attribute> {
    let os_name = "Keeps images whose OS name contains this text (case-insensitive).";
    let mut out = vec![
        Attribute::optional("region", Type::String)
            .describe("Region to search; overrides the provider's region for this cloud."),
        name_regex::argument(),
        Attribute::optional("os_name", Type::String).describe(match os_name_note {
            Some(note) => format!("{os_name} {note}"),
            None => os_name.to_string(),
        }),
    ];
    out.extend(selection::filter_arguments());
    out
}

fn object_type(attrs: &[Attr]) -> Type {
    Type::object(attrs.iter().map(|a| (a.name, a.ty.clone())))
}

struct Plural<F>(Arc<F>);
struct Singular<F>(Arc<F>);

impl<F: ImageFamily> DataSource for Plural<F> {
    fn type_name(&self) -> &'static str {
        self.0.plural_name()
    }

    fn schema(&self) -> Schema {
        let attrs = all_attributes(&*self.0);
        let mut block = Block::new().describe(self.0.description());
        for a in self
            .0
            .arguments(false)
            .into_iter()
            .chain(shared_arguments(self.0.os_name_note(false)))
        {
            block = block.attr(a);
        }
        block = block
            .attr(output_file::argument())
            .attr(Attribute::computed("images", Type::list(object_type(&attrs)))
                .describe("The matching images, newest first where the API returns creation times (ties by id).")
                .describe_fields(attrs.iter().map(|a| (a.name, a.description))))
            .attr(Attribute::computed("ids", Type::list(Type::String)).describe("The ids of `images`, in the same order."))
            .attr(Attribute::computed("total_count", Type::Number).describe("The number of `images`."))
            .attr(Attribute::computed("id", Type::String).describe("A stable hash of the region, the query and the ids found."));
        Schema::new(self.0.blocks(block))
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        args::check_regex(config, "name_regex", &mut diags);
        args::check_region(config, &mut diags);
        selection::validate(config, &mut diags);
        self.0.validate(config, false, &mut diags);
        diags
    }

    fn read<'a>(&'a self, ctx: &'a ReadContext, config: &'a Value) -> BoxFuture<'a, ReadOutcome> {
        Box::pin(async move {
            let (rows, listing, _) = match select(&*self.0, ctx, config, Order::Newest).await {
                Ok(found) => found,
                Err(diagnostics) => {
                    return ReadOutcome {
                        state: None,
                        diagnostics,
                    }
                }
            };
            let mut diagnostics = Diagnostics::new();
            let attrs = all_attributes(&*self.0);
            let ids: Vec<&str> = rows.iter().map(ImageRow::id).collect();
            let id = stable_id(&[
                self.0.plural_name(),
                &listing.region,
                &listing.query,
                args::string(config, "name_regex").unwrap_or(""),
                args::string(config, "os_name").unwrap_or(""),
                &selection_key(config),
                &ids.join(","),
            ]);
            // Charged to the response budget as it is built, and until the answer is handed over.
            let (objects, _answer) =
                match super::answer::objects(ctx, rows.iter(), |r| row_object(&attrs, r)) {
                    Ok(built) => built,
                    Err(d) => {
                        return ReadOutcome {
                            state: None,
                            diagnostics: d.into(),
                        }
                    }
                };
            if let Some(path) = args::non_empty(config, "output_file") {
                if let Err(d) = output_file::write(&ctx.cancel, path, &objects).await {
                    diagnostics.push(d);
                    return ReadOutcome {
                        state: None,
                        diagnostics,
                    };
                }
            }
            let computed = [
                (
                    "ids",
                    Value::List(ids.iter().map(|i| Value::string(*i)).collect()),
                ),
                ("total_count", Value::number(rows.len() as i64)),
                ("id", Value::string(id)),
                ("images", Value::List(objects)),
            ];
            ReadOutcome {
                state: Some(with_computed(config, computed)),
                diagnostics,
            }
        })
    }
}

impl<F: ImageFamily> Singular<F> {
    fn name(&self) -> &'static str {
        self.0.singular_name().unwrap_or_default()
    }
}

impl<F: ImageFamily> DataSource for Singular<F> {
    fn type_name(&self) -> &'static str {
        self.name()
    }

    fn schema(&self) -> Schema {
        let mut block = Block::new().describe(format!(
            "Finds exactly one image with the same filters as `{}`: it fails when nothing matches, and when several match \
             unless `most_recent = true` picks the newest. The chosen image's attributes are exported at the top level.",
            self.0.plural_name()
        ));
        let mut arguments: Vec<Attribute> = self
            .0
            .arguments(true)
            .into_iter()
            .chain(shared_arguments(self.0.os_name_note(true)))
            .collect();
        arguments.push(
            Attribute::optional("most_recent", Type::Bool)
                .describe("When several images match, pick the newest (by creation time, then id) instead of failing."),
        );
        arguments.extend(selection::singular_arguments());
        let attrs = all_attributes(&*self.0);
        for mut a in arguments {
            // An argument that is also an image attribute (e.g. `zone`) reports the chosen image's value.
            if let Some(attr) = attrs.iter().find(|x| x.name == a.name) {
                a.mode = Mode::OptionalComputed;
                a.description.text = format!(
                    "{} Set to the chosen image's {}.",
                    a.description.text,
                    attr.name.replace('_', " ")
                );
            }
            block = block.attr(a);
        }
        for attr in attrs {
            if block.attribute(attr.name).is_none() {
                block =
                    block.attr(Attribute::computed(attr.name, attr.ty).describe(attr.description));
            }
        }
        Schema::new(self.0.blocks(block))
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        args::check_regex(config, "name_regex", &mut diags);
        args::check_region(config, &mut diags);
        selection::validate(config, &mut diags);
        if args::string(config, "most_recent_by") == Some("create_time")
            && !self.0.has_create_time(config)
        {
            diags.push(
                Diagnostic::error(
                    "most_recent_by = \"create_time\" needs creation times",
                    "This API returns no creation times; use most_recent_by = \"version\" or narrow the filters.",
                )
                .at(attr_path(&["most_recent_by"])),
            );
        }
        self.0.validate(config, true, &mut diags);
        diags
    }

    fn read<'a>(&'a self, ctx: &'a ReadContext, config: &'a Value) -> BoxFuture<'a, ReadOutcome> {
        Box::pin(async move {
            let order = if args::string(config, "most_recent_by")
                .is_some_and(|b| b.eq_ignore_ascii_case("version"))
            {
                Order::Version
            } else {
                Order::Newest
            };
            let (rows, funnel) = match select(&*self.0, ctx, config, order).await {
                Ok((rows, _, funnel)) => (rows, funnel),
                Err(diagnostics) => {
                    return ReadOutcome {
                        state: None,
                        diagnostics,
                    }
                }
            };
            let most_recent = args::bool(config, "most_recent").unwrap_or(false);
            let chosen = match (rows.len(), most_recent) {
                (0, _) => return fail(no_match(config, &funnel)),
                (1, _) | (_, true) => &rows[0],
                (n, false) => return fail(ambiguous(n, &rows)),
            };
            let attrs = all_attributes(&*self.0);
            let computed: Vec<(&str, Value)> = attrs
                .iter()
                .map(|a| a.name)
                .zip(row_values(&attrs, chosen))
                .collect();
            let mut diagnostics = Diagnostics::new();
            if let Some(warning) = selection::eol_warning(config, chosen) {
                diagnostics.push(warning);
            }
            ReadOutcome {
                state: Some(with_computed(config, computed)),
                diagnostics,
            }
        })
    }
}

fn fail(d: Diagnostic) -> ReadOutcome {
    ReadOutcome {
        state: None,
        diagnostics: d.into(),
    }
}

/// How a read orders what the filters kept.
#[derive(Clone, Copy)]
enum Order {
    /// Newest first when the API gives creation times (images without one last), ties by id.
    Newest,
    /// `most_recent_by = "version"`: highest version, then newest, then id.
    Version,
}

/// Lists, applies the shared client-side filters (counting the funnel) and orders the result. Filtering
/// and ordering run off the executor: a costly pattern over a large listing is CPU work.
async fn select<F: ImageFamily>(
    family: &F,
    ctx: &ReadContext,
    config: &Value,
    order: Order,
) -> Result<(Vec<ImageRow>, Listing, Funnel), Diagnostics> {
    let selection = Selection::from_config(config)?;
    let mut listing = family.list(ctx, config).await?;
    let rows = std::mem::take(&mut listing.rows);
    let prefilter = listing.prefilter.take();
    let by_time = family.has_create_time(config);
    let stop = ctx.cancel.clone();
    let (rows, funnel) = offload::run(&ctx.cancel, move || {
        let (mut rows, mut funnel) = selection.apply(rows, &stop);
        if let Some(prefilter) = prefilter {
            funnel.stages.insert(0, (prefilter.stage, funnel.api_count));
            funnel.api_count = prefilter.returned;
            if !prefilter.misses.is_empty() {
                funnel.near_misses = selection::closest(prefilter.stage, prefilter.misses);
            }
        }
        match order {
            Order::Version => selection::sort_by_version(&mut rows),
            Order::Newest if by_time => rows.sort_by(|a, b| {
                b.create_time()
                    .cmp(&a.create_time())
                    .then_with(|| a.id().cmp(b.id()))
            }),
            Order::Newest => {}
        }
        (rows, funnel)
    })
    .await
    .ok_or_else(|| Diagnostics::from(offload::stopped("filtering images")))?;
    Ok((rows, listing, funnel))
}

/// The §6 filter arguments as they shape the result, for the stable id.
fn selection_key(config: &Value) -> String {
    // Enumerations are case-insensitive, so their case must not change the id.
    ["os_family", "version", "architecture"]
        .iter()
        .map(|n| args::string(config, n).unwrap_or("").to_ascii_lowercase())
        .chain([if args::bool(config, "exclude_eol") == Some(true) {
            "exclude_eol".to_string()
        } else {
            String::new()
        }])
        .collect::<Vec<_>>()
        .join("|")
}

/// The arguments the user set, as `name = value` lines, for miss explanations.
fn filters(config: &Value) -> String {
    let Value::Object(map) = config else {
        return String::new();
    };
    let mut lines = Vec::new();
    for (name, value) in map {
        if matches!(name.as_str(), "most_recent" | "output_file") || value.is_null() {
            continue;
        }
        match value {
            Value::String(s) => lines.push(format!("  {name} = {s:?}")),
            Value::Bool(b) => lines.push(format!("  {name} = {b}")),
            Value::Number(n) => lines.push(format!("  {name} = {n}")),
            Value::List(items) | Value::Set(items) if !items.is_empty() => {
                let texts: Vec<String> = items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|s| format!("{s:?}"))
                    .collect();
                if !texts.is_empty() {
                    lines.push(format!("  {name} = [{}]", texts.join(", ")));
                }
                // Nested blocks (e.g. Tencent's `filter`): one line per block.
                for item in items {
                    if let Value::Object(fields) = item {
                        let inner: Vec<String> = fields
                            .iter()
                            .filter_map(|(k, v)| inline(v).map(|v| format!("{k} = {v}")))
                            .collect();
                        lines.push(format!("  {name} {{ {} }}", inner.join(", ")));
                    }
                }
            }
            _ => {}
        }
    }
    if lines.is_empty() {
        "  (no filters)".to_string()
    } else {
        lines.join("\n")
    }
}

/// A string, or a list of strings, as HCL would show it.
fn inline(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(format!("{s:?}")),
        Value::List(items) | Value::Set(items) => Some(format!(
            "[{}]",
            items
                .iter()
                .filter_map(Value::as_str)
                .map(|s| format!("{s:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        _ => None,
    }
}

fn no_match(config: &Value, funnel: &Funnel) -> Diagnostic {
    Diagnostic::error(
        "No image matches the filters",
        format!(
            "no image matches these filters:\n{}\nWhat each filter kept: {}\nLoosen a filter, or use the plural data source to see what is available.",
            filters(config),
            funnel.explain()
        ),
    )
}

fn ambiguous(count: usize, rows: &[ImageRow]) -> Diagnostic {
    use crate::cloud::untrusted;
    let shown: Vec<String> = rows
        .iter()
        .take(5)
        .map(|r| {
            let created = r
                .create_time()
                .map(|t| format!(" created {}", t.to_rfc3339_opts(SecondsFormat::Secs, true)))
                .unwrap_or_default();
            // Ids, names and versions are the cloud's text: neutralised and capped (`untrusted`).
            let version = r.normalized().version;
            format!(
                "  {} {}{created} version {}",
                untrusted::line(r.id(), untrusted::ID_CAP),
                untrusted::quoted(r.name(), untrusted::NAME_CAP),
                if version.is_empty() {
                    "?".to_string()
                } else {
                    untrusted::line(&version, untrusted::ID_CAP)
                }
            )
        })
        .collect();
    // Without creation times (the Baidu spec API) only the version can choose.
    let advice = if rows.iter().any(|r| r.create_time().is_some()) {
        "Set most_recent = true to pick the newest"
    } else {
        "Set most_recent = true with most_recent_by = \"version\" to pick the highest OS version"
    };
    Diagnostic::error(
        format!("{count} images match the filters"),
        format!(
            "{count} images match, but this data source returns exactly one:\n{}{}\n{advice}, or narrow the filters (e.g. name_regex).",
            shown.join("\n"),
            if count > 5 { format!("\n  … and {} more", count - 5) } else { String::new() }
        ),
    )
}

/// The state: the configuration as given, with the computed attributes filled in.
fn with_computed<'n>(
    config: &Value,
    computed: impl IntoIterator<Item = (&'n str, Value)>,
) -> Value {
    let mut map = match config {
        Value::Object(map) => map.clone(),
        _ => Default::default(),
    };
    for (name, value) in computed {
        map.insert(name.to_string(), value);
    }
    Value::Object(map)
}

fn row_object(attrs: &[Attr], row: &ImageRow) -> Value {
    Value::object(attrs.iter().map(|a| a.name).zip(row_values(attrs, row)))
}

/// Formats a creation time the way every image object shows it (RFC 3339, UTC, seconds).
pub fn time_value(t: Option<DateTime<Utc>>) -> Value {
    Value::string(
        t.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
            .unwrap_or_default(),
    )
}
