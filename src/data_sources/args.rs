//! Reading and checking data-source arguments: typed getters over a decoded configuration object, and the
//! plan-time checks shared by every data source (regexes, enumerations, conflicts).

use super::name_regex;
use crate::cty::Value;
use crate::provider::{attr_path, Diagnostic, Diagnostics};

/// A known, non-null string argument.
pub fn string<'v>(config: &'v Value, name: &str) -> Option<&'v str> {
    config.get(name).and_then(Value::as_str)
}

/// A known, non-null, non-empty string argument.
pub fn non_empty<'v>(config: &'v Value, name: &str) -> Option<&'v str> {
    string(config, name).filter(|s| !s.is_empty())
}

pub fn bool(config: &Value, name: &str) -> Option<bool> {
    config.get(name).and_then(Value::as_bool)
}

/// True when the argument is set in configuration (known or not yet known).
pub fn is_set(config: &Value, name: &str) -> bool {
    config.get(name).is_some_and(|v| !v.is_null())
}

/// True when the argument is known to be set. An unknown value may still turn out null (`cond ? x : null`),
/// so checks between arguments wait for it: Terraform validates again, with every value known, right
/// before the read.
pub fn is_known_set(config: &Value, name: &str) -> bool {
    config
        .get(name)
        .is_some_and(|v| v.is_known() && !v.is_null())
}

/// True when the data source has this argument at all (set or not): Terraform sends every attribute of the
/// schema. The cross-cloud data source lists each cloud with an empty configuration instead.
pub fn has_argument(config: &Value, name: &str) -> bool {
    config.get(name).is_some()
}

/// "`region` on this data source, " where the data source has a `region` argument to point to.
pub fn data_source_region_hint(config: &Value) -> &'static str {
    if has_argument(config, "region") {
        "`region` on this data source, "
    } else {
        ""
    }
}

/// The known string elements of a list argument.
pub fn strings(config: &Value, name: &str) -> Vec<String> {
    config
        .get(name)
        .and_then(Value::elements)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// A data source's `region` has the shape of a region name (it goes into host names and signed requests).
pub fn check_region(config: &Value, diags: &mut Diagnostics) {
    if let Some(region) = non_empty(config, "region") {
        if let Err(why) = crate::cloud::Region::parse(region) {
            diags.push(Diagnostic::error("Invalid region", why).at(attr_path(&["region"])));
        }
    }
}

/// Compiles `name_regex`-style arguments as a read will ([`name_regex::compile`]), reporting a plan-time
/// error at the attribute.
pub fn check_regex(config: &Value, name: &str, diags: &mut Diagnostics) {
    if let Some(pattern) = string(config, name) {
        if let Err(e) = name_regex::compile(pattern) {
            diags.push(regex_diagnostic(name, &e));
        }
    }
}

/// The error diagnostic for a refused `name_regex`-style argument, at the attribute.
pub fn regex_diagnostic(name: &str, e: &name_regex::NameRegexError) -> Diagnostic {
    Diagnostic::error(format!("Invalid {name}"), e.to_string()).at(attr_path(&[name]))
}

/// Checks an enumerated argument case-insensitively and returns it in the API's spelling.
pub fn enumerated(
    config: &Value,
    name: &str,
    allowed: &[&'static str],
    diags: &mut Diagnostics,
) -> Option<&'static str> {
    let given = string(config, name)?;
    let found = allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(given))
        .copied();
    if found.is_none() {
        diags.push(
            Diagnostic::error(
                format!("Invalid {name}"),
                format!(
                    "{given:?} is not a valid {name}. Use one of: {}.",
                    quoted_list(allowed)
                ),
            )
            .at(attr_path(&[name])),
        );
    }
    found
}

/// Reports an argument set to an empty or blank string, which would otherwise silently mean "not set".
pub fn check_not_blank(config: &Value, name: &str, what_to_do: &str, diags: &mut Diagnostics) {
    if string(config, name).is_some_and(|s| s.trim().is_empty()) {
        diags.push(
            Diagnostic::error(
                format!("Invalid {name}"),
                format!("{name} is empty. {what_to_do}"),
            )
            .at(attr_path(&[name])),
        );
    }
}

/// Reports `a` and `b` set together as an error naming both (once both are known).
pub fn check_conflict(config: &Value, a: &str, b: &str, why: &str, diags: &mut Diagnostics) {
    if is_known_set(config, a) && is_known_set(config, b) {
        diags.push(
            Diagnostic::error(
                format!("Conflicting arguments {a} and {b}"),
                format!("{a} and {b} cannot be used together: {why}"),
            )
            .at(attr_path(&[b])),
        );
    }
}

pub fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("{i:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}
