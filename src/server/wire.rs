//! Conversions between the provider core's types and the protocol messages. tfplugin5 and tfplugin6
//! share these message shapes (same names and numbers), so one macro writes the conversions for both.

/// Writes `diagnostics`, `schema`, `decode` and `encode` for one generated protocol module.
macro_rules! wire_conversions {
    ($($pb:ident)::+) => {
        use $($pb)::+ as pb;
        use crate::cty::{self, PathStep, Type, Value};
        use crate::provider::{Diagnostic, Diagnostics, Severity};
        use crate::schema::{self, Mode, Nesting};

        pub fn diagnostics(diags: &Diagnostics) -> Vec<pb::Diagnostic> {
            diags.iter().map(diagnostic).collect()
        }

        fn diagnostic(d: &Diagnostic) -> pb::Diagnostic {
            let severity = match d.severity {
                Severity::Error => pb::diagnostic::Severity::Error,
                Severity::Warning => pb::diagnostic::Severity::Warning,
            };
            pb::Diagnostic {
                severity: severity as i32,
                summary: d.summary.clone(),
                detail: d.detail.clone(),
                attribute: d.path.as_ref().map(attribute_path),
            }
        }

        fn attribute_path(path: &cty::Path) -> pb::AttributePath {
            use pb::attribute_path::step::Selector;
            let steps = path
                .0
                .iter()
                .map(|s| pb::attribute_path::Step {
                    selector: Some(match s {
                        PathStep::Attr(n) => Selector::AttributeName(n.clone()),
                        PathStep::Key(k) => Selector::ElementKeyString(k.clone()),
                        PathStep::Index(i) => Selector::ElementKeyInt(*i),
                    }),
                })
                .collect();
            pb::AttributePath { steps }
        }

        pub fn schema(s: &schema::Schema) -> pb::Schema {
            pb::Schema { version: s.version, block: Some(block(&s.block)) }
        }

        fn kind(d: &schema::Description) -> i32 {
            if d.markdown { pb::StringKind::Markdown as i32 } else { pb::StringKind::Plain as i32 }
        }

        // tfplugin6 blocks have fields tfplugin5 lacks (`computed`), hence the update in both expansions.
        #[allow(clippy::needless_update)]
        fn block(b: &schema::Block) -> pb::schema::Block {
            pb::schema::Block {
                version: 0,
                attributes: b.attributes.iter().map(attribute).collect(),
                block_types: b.blocks.iter().map(nested_block).collect(),
                description: b.description.text.clone(),
                description_kind: kind(&b.description),
                deprecated: b.deprecated.is_some(),
                deprecation_message: b.deprecated.clone().unwrap_or_default(),
                ..Default::default()
            }
        }

        fn attribute(a: &schema::Attribute) -> pb::schema::Attribute {
            pb::schema::Attribute {
                name: a.name.clone(),
                r#type: a.ty.to_json().into_bytes(),
                description: a.description.text.clone(),
                description_kind: kind(&a.description),
                required: a.mode == Mode::Required,
                optional: matches!(a.mode, Mode::Optional | Mode::OptionalComputed),
                computed: matches!(a.mode, Mode::Computed | Mode::OptionalComputed),
                sensitive: a.sensitive,
                deprecated: a.deprecated.is_some(),
                deprecation_message: a.deprecated.clone().unwrap_or_default(),
                ..Default::default()
            }
        }

        fn nested_block(n: &schema::NestedBlock) -> pb::schema::NestedBlock {
            use pb::schema::nested_block::NestingMode;
            let nesting = match n.nesting {
                Nesting::Single => NestingMode::Single,
                Nesting::Group => NestingMode::Group,
                Nesting::List => NestingMode::List,
                Nesting::Set => NestingMode::Set,
                Nesting::Map => NestingMode::Map,
            };
            pb::schema::NestedBlock {
                type_name: n.name.clone(),
                block: Some(block(&n.block)),
                nesting: nesting as i32,
                min_items: n.min_items,
                max_items: n.max_items,
            }
        }

        /// Decodes a value Terraform sent; malformed input becomes an error diagnostic.
        pub fn decode(dv: Option<&pb::DynamicValue>, ty: &Type, what: &str) -> Result<Value, Diagnostics> {
            let fail = |detail: String, path: Option<cty::Path>| {
                let d = Diagnostic::error(format!("Invalid {what} from Terraform"), detail);
                Err(match path {
                    Some(p) if !p.0.is_empty() => d.at(p),
                    _ => d,
                }
                .into())
            };
            let Some(dv) = dv else {
                return fail(format!("The request carried no {what}."), None);
            };
            let result = if !dv.msgpack.is_empty() {
                cty::decode_msgpack(&dv.msgpack, ty)
            } else if !dv.json.is_empty() {
                cty::decode_json(&dv.json, ty)
            } else {
                return fail(format!("The {what} was empty."), None);
            };
            match result {
                Ok(v) => Ok(v),
                Err(e) => fail(format!("The {what} could not be decoded: {e}"), Some(e.path.clone())),
            }
        }

        /// Encodes a value for Terraform as msgpack.
        pub fn encode(value: &Value, ty: &Type) -> Result<pb::DynamicValue, Diagnostics> {
            match cty::encode_msgpack(value, ty) {
                Ok(msgpack) => Ok(pb::DynamicValue { msgpack, json: Vec::new() }),
                Err(e) => Err(Diagnostic::error(
                    "Provider produced an invalid value",
                    format!("The provider could not encode its result ({e}). This is a bug in the provider; please report it."),
                )
                .into()),
            }
        }

        /// Decodes a data source's configuration and validates it.
        pub fn validate_data_source(
            provider: &crate::provider::Provider,
            type_name: &str,
            config: Option<&pb::DynamicValue>,
        ) -> Diagnostics {
            let Some(schema) = provider.data_source_schema(type_name) else {
                return provider.validate_data_source(type_name, &Value::Null);
            };
            match decode(config, &schema.block.implied_type(), "data source configuration") {
                Ok(config) => provider.validate_data_source(type_name, &config),
                Err(d) => d,
            }
        }

        /// Decodes a data source's configuration, reads it and encodes the state.
        pub async fn read_data_source(
            provider: &crate::provider::Provider,
            type_name: &str,
            config: Option<&pb::DynamicValue>,
        ) -> (Option<pb::DynamicValue>, Diagnostics) {
            let Some(schema) = provider.data_source_schema(type_name) else {
                let outcome = provider.read_data_source(type_name, &Value::Null).await;
                return (None, outcome.diagnostics);
            };
            let ty = schema.block.implied_type();
            let config = match decode(config, &ty, "data source configuration") {
                Ok(c) => c,
                Err(d) => return (None, d),
            };
            let mut outcome = provider.read_data_source(type_name, &config).await;
            let state = match outcome.state.as_ref().map(|s| encode(s, &ty)) {
                Some(Ok(dv)) => Some(dv),
                Some(Err(d)) => {
                    outcome.diagnostics.extend(d);
                    None
                }
                None => None,
            };
            (state, outcome.diagnostics)
        }
    };
}

pub mod v5 {
    wire_conversions!(crate::server::proto::tfplugin5);
}

pub mod v6 {
    wire_conversions!(crate::server::proto::tfplugin6);
}
