//! Markdown for one schema, in the Terraform Registry's layout: YAML front matter, a description, example
//! usage, then the argument and attribute reference with types, required/optional/computed, sensitive, and
//! a "Nested Schema" section per nested block or object attribute. Pure: strings in, a string out.

use std::fmt::Write as _;

use crate::cty::Type;
use crate::schema::{Attribute, Block, Description, Mode, NestedBlock, Nesting, Schema};

/// `docs/index.md`. `notes` is markdown (its own `##` sections) placed after the example.
pub fn provider_page<'a>(
    provider: &str,
    schema: &Schema,
    example: Option<&str>,
    notes: &str,
    data_sources: impl Iterator<Item = &'a str>,
) -> String {
    let block = &schema.block;
    let mut out = front_matter(&format!("{provider} Provider"), &block.description);
    let _ = writeln!(out, "# {provider} Provider\n");
    push_description(&mut out, &block.description);
    out.push_str("## Data Sources\n\n");
    for name in data_sources {
        let _ = writeln!(
            out,
            "- [`{name}`](data-sources/{}.md)",
            super::short_name(name)
        );
    }
    out.push('\n');
    push_example(&mut out, example);
    if !notes.trim().is_empty() {
        let _ = writeln!(out, "{}\n", notes.trim_end());
    }
    push_reference(&mut out, block);
    finish(out)
}

/// `docs/data-sources/<name>.md`.
pub fn data_source_page(
    _provider: &str,
    name: &str,
    schema: &Schema,
    example: Option<&str>,
) -> String {
    let block = &schema.block;
    let mut out = front_matter(&format!("{name} Data Source"), &block.description);
    let _ = writeln!(out, "# {name} (Data Source)\n");
    push_description(&mut out, &block.description);
    push_example(&mut out, example);
    push_reference(&mut out, block);
    finish(out)
}

fn front_matter(title: &str, description: &Description) -> String {
    let mut out = String::from("---\n");
    let _ = writeln!(out, "page_title: {title:?}");
    out.push_str("subcategory: \"\"\ndescription: |-\n");
    for line in first_paragraph(&description.text).lines() {
        let _ = writeln!(out, "  {line}");
    }
    out.push_str("---\n\n");
    out
}

fn first_paragraph(text: &str) -> &str {
    text.split("\n\n").next().unwrap_or_default().trim()
}

fn push_description(out: &mut String, description: &Description) {
    let text = description.text.trim();
    if !text.is_empty() {
        let _ = writeln!(out, "{text}\n");
    }
}

fn push_example(out: &mut String, example: Option<&str>) {
    if let Some(example) = example {
        let _ = writeln!(
            out,
            "## Example Usage\n\n```terraform\n{}\n```\n",
            example.trim_end()
        );
    }
}

/// A nested section still to write: its anchor, its title and what it lists.
enum Nested<'a> {
    Block(String, &'a NestedBlock),
    Object(String, &'a Attribute),
}

fn push_reference(out: &mut String, block: &Block) {
    let mut nested = Vec::new();
    let arguments = items(block, "", |m| m != Mode::Computed, &mut nested);
    let required = arguments.iter().filter(|i| i.0 == Group::Required);
    let optional = arguments.iter().filter(|i| i.0 == Group::Optional);
    out.push_str("## Argument Reference\n\n");
    if arguments.is_empty() {
        out.push_str("This has no arguments.\n\n");
    }
    push_list(out, "### Required", required);
    push_list(out, "### Optional", optional);
    let attributes = items(block, "", |m| m == Mode::Computed, &mut Vec::new());
    if !attributes.is_empty() {
        out.push_str(
            "## Attribute Reference\n\nIn addition to the arguments above, this exports:\n\n",
        );
        for item in &attributes {
            let _ = writeln!(out, "{}", item.1);
        }
        out.push('\n');
        // Read-only objects get their nested section too.
        for a in block.attributes.iter().filter(|a| a.mode == Mode::Computed) {
            if a.object_fields.is_some() {
                nested.push(Nested::Object(a.name.clone(), a));
            }
        }
    }
    // Breadth-first, so each section's own nested blocks follow it.
    let mut i = 0;
    while i < nested.len() {
        match &nested[i] {
            Nested::Block(path, b) => {
                let path = path.clone();
                let b = *b;
                let _ = writeln!(
                    out,
                    "<a id=\"{}\"></a>\n### Nested Schema for `{}`\n",
                    anchor("nestedblock", &path),
                    path.replace("--", ".")
                );
                push_description(out, &b.block.description);
                let mut deeper = Vec::new();
                let all = items(&b.block, &path, |_| true, &mut deeper);
                push_list(
                    out,
                    "Required:",
                    all.iter().filter(|i| i.0 == Group::Required),
                );
                push_list(
                    out,
                    "Optional:",
                    all.iter().filter(|i| i.0 == Group::Optional),
                );
                push_list(
                    out,
                    "Read-Only:",
                    all.iter().filter(|i| i.0 == Group::ReadOnly),
                );
                nested.extend(deeper);
            }
            Nested::Object(path, a) => {
                let _ = writeln!(
                    out,
                    "<a id=\"{}\"></a>\n### Nested Schema for `{}`\n",
                    anchor("nestedatt", path),
                    path.replace("--", ".")
                );
                push_object_fields(out, a);
            }
        }
        i += 1;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Required,
    Optional,
    ReadOnly,
}

/// One list line per attribute and nested block of `block` whose mode `keep` accepts (blocks count as
/// arguments), noting the nested sections they link to.
fn items<'a>(
    block: &'a Block,
    parent: &str,
    keep: impl Fn(Mode) -> bool,
    nested: &mut Vec<Nested<'a>>,
) -> Vec<(Group, String)> {
    let mut out = Vec::new();
    for a in block.attributes.iter().filter(|a| keep(a.mode)) {
        let group = match a.mode {
            Mode::Required => Group::Required,
            Mode::Optional | Mode::OptionalComputed => Group::Optional,
            Mode::Computed => Group::ReadOnly,
        };
        let mut flags = vec![type_name(&a.ty)];
        if a.mode == Mode::OptionalComputed {
            flags.push("Computed".to_string());
        }
        if a.sensitive {
            flags.push("Sensitive".to_string());
        }
        if a.deprecated.is_some() {
            flags.push("Deprecated".to_string());
        }
        let text = a
            .object_fields
            .as_ref()
            .map(|f| &f.summary)
            .unwrap_or(&a.description);
        let mut line = format!(
            "- `{}` ({}) {}",
            a.name,
            flags.join(", "),
            capitalized(text.text.trim())
        );
        if let Some(message) = &a.deprecated {
            let _ = write!(line, " **Deprecated:** {message}");
        }
        if a.object_fields.is_some() {
            let path = join(parent, &a.name);
            let _ = write!(
                line,
                " (see [below for nested schema](#{}))",
                anchor("nestedatt", &path)
            );
            if a.mode != Mode::Computed {
                nested.push(Nested::Object(path, a));
            }
        }
        out.push((group, line.trim_end().to_string()));
    }
    if keep(Mode::Optional) || keep(Mode::Required) {
        for b in &block.blocks {
            let path = join(parent, &b.name);
            let group = if b.min_items > 0 {
                Group::Required
            } else {
                Group::Optional
            };
            let line = format!(
                "- `{}` ({}) {} (see [below for nested schema](#{}))",
                b.name,
                block_kind(b),
                b.block.description.text.trim(),
                anchor("nestedblock", &path)
            );
            out.push((group, line.replace("  ", " ")));
            nested.push(Nested::Block(path, b));
        }
    }
    out
}

fn push_object_fields(out: &mut String, a: &Attribute) {
    let Some(fields) = &a.object_fields else {
        return;
    };
    let object = match &a.ty {
        Type::List(inner) | Type::Set(inner) | Type::Map(inner) => inner.as_ref(),
        other => other,
    };
    let types = match object {
        Type::Object(o) => Some(&o.attrs),
        _ => None,
    };
    out.push_str("Read-Only:\n\n");
    for (name, description) in &fields.fields {
        let ty = types
            .and_then(|t| t.get(name))
            .map(type_name)
            .unwrap_or_else(|| "Dynamic".to_string());
        let _ = writeln!(
            out,
            "- `{name}` ({ty}) {}",
            capitalized(description.text.trim())
        );
    }
    out.push('\n');
}

fn push_list<'a>(
    out: &mut String,
    heading: &str,
    lines: impl Iterator<Item = &'a (Group, String)>,
) {
    let lines: Vec<&String> = lines.map(|(_, l)| l).collect();
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "{heading}\n");
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    out.push('\n');
}

fn block_kind(b: &NestedBlock) -> String {
    let kind = match b.nesting {
        Nesting::Single | Nesting::Group => "Block".to_string(),
        Nesting::List => "Block List".to_string(),
        Nesting::Set => "Block Set".to_string(),
        Nesting::Map => "Block Map".to_string(),
    };
    let mut limits = Vec::new();
    if b.min_items > 0 {
        limits.push(format!("Min: {}", b.min_items));
    }
    if b.max_items > 0 && !matches!(b.nesting, Nesting::Single | Nesting::Group) {
        limits.push(format!("Max: {}", b.max_items));
    }
    if limits.is_empty() {
        kind
    } else {
        format!("{kind}, {}", limits.join(", "))
    }
}

/// A type as the registry docs spell it: `String`, `List of String`, `List of Object`, …
fn type_name(ty: &Type) -> String {
    match ty {
        Type::Bool => "Boolean".to_string(),
        Type::Number => "Number".to_string(),
        Type::String => "String".to_string(),
        Type::Dynamic => "Dynamic".to_string(),
        Type::List(inner) => format!("List of {}", type_name(inner)),
        Type::Set(inner) => format!("Set of {}", type_name(inner)),
        Type::Map(inner) => format!("Map of {}", type_name(inner)),
        Type::Object(_) => "Object".to_string(),
        Type::Tuple(_) => "Tuple".to_string(),
    }
}

/// A description as a sentence: capitalised, ending in a full stop (image attributes are phrases).
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !out.ends_with(['.', '!', '?', ':']) {
        out.push('.');
    }
    out
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}--{name}")
    }
}

fn anchor(kind: &str, path: &str) -> String {
    format!("{kind}--{path}")
}

/// One trailing newline, no runs of blank lines.
fn finish(text: String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}
