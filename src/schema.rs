//! A small schema model for the provider and its data sources, independent of the protocol version.
//! `server/` converts it to tfplugin5 or tfplugin6 messages; data sources build it with the helpers here.

use crate::cty::Type;

/// A top-level schema: the provider's configuration or one data source.
#[derive(Debug, Clone)]
pub struct Schema {
    pub version: i64,
    pub block: Block,
}

/// Human-facing text, shown by `terraform providers schema -json` and the registry docs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Description {
    pub text: String,
    /// True when `text` is markdown (the registry renders it); false for plain text.
    pub markdown: bool,
}

/// How an attribute gets its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Required,
    Optional,
    Computed,
    /// Optional in configuration; the provider fills it when left out.
    OptionalComputed,
}

#[derive(Debug, Clone)]
pub struct Attribute {
    pub name: String,
    pub ty: Type,
    pub mode: Mode,
    pub sensitive: bool,
    pub description: Description,
    /// `Some(message)` marks the attribute deprecated.
    pub deprecated: Option<String>,
    /// For an attribute holding objects (e.g. `images`): a description of each field, for the docs.
    pub object_fields: Option<ObjectFields>,
}

/// Descriptions of the fields of an object-typed attribute. Terraform's schema has no place for them, so
/// [`Attribute::describe_fields`] also folds them into the attribute's own description.
#[derive(Debug, Clone, Default)]
pub struct ObjectFields {
    /// The attribute's description without the folded-in field list.
    pub summary: Description,
    /// Field name and description, in the order to show them.
    pub fields: Vec<(String, Description)>,
}

/// Nesting modes of nested blocks, with Terraform's meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    /// At most one block; null when absent.
    Single,
    /// Exactly one block, never null (attributes null when the block is absent).
    Group,
    List,
    Set,
    /// Blocks keyed by one label.
    Map,
}

#[derive(Debug, Clone)]
pub struct NestedBlock {
    pub name: String,
    pub nesting: Nesting,
    pub block: Block,
    pub min_items: i64,
    pub max_items: i64,
}

#[derive(Debug, Clone, Default)]
pub struct Block {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<NestedBlock>,
    pub description: Description,
    pub deprecated: Option<String>,
}

impl Schema {
    pub fn new(block: Block) -> Self {
        Schema { version: 0, block }
    }
}

impl Description {
    pub fn markdown(text: impl Into<String>) -> Self {
        Description {
            text: text.into(),
            markdown: true,
        }
    }
}

impl Attribute {
    fn new(name: &str, ty: Type, mode: Mode) -> Self {
        Attribute {
            name: name.to_string(),
            ty,
            mode,
            sensitive: false,
            description: Description::default(),
            deprecated: None,
            object_fields: None,
        }
    }
    pub fn required(name: &str, ty: Type) -> Self {
        Self::new(name, ty, Mode::Required)
    }
    pub fn optional(name: &str, ty: Type) -> Self {
        Self::new(name, ty, Mode::Optional)
    }
    pub fn computed(name: &str, ty: Type) -> Self {
        Self::new(name, ty, Mode::Computed)
    }
    pub fn optional_computed(name: &str, ty: Type) -> Self {
        Self::new(name, ty, Mode::OptionalComputed)
    }
    /// Sets a markdown description.
    pub fn describe(mut self, text: impl Into<String>) -> Self {
        self.description = Description::markdown(text);
        self
    }
    /// Describes each field of an object-typed attribute (markdown). Call after [`Attribute::describe`]:
    /// the docs show the fields as a nested list, and Terraform sees them appended to the description.
    pub fn describe_fields<'a>(
        mut self,
        fields: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        let fields: Vec<(String, Description)> = fields
            .into_iter()
            .map(|(name, text)| (name.to_string(), Description::markdown(text)))
            .collect();
        let listed = fields
            .iter()
            .map(|(name, d)| format!("`{name}`: {}", d.text))
            .collect::<Vec<_>>()
            .join("; ");
        let summary = self.description.clone();
        self.description.text = format!("{} Each has {listed}.", summary.text);
        self.object_fields = Some(ObjectFields { summary, fields });
        self
    }
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }
    pub fn deprecate(mut self, message: impl Into<String>) -> Self {
        self.deprecated = Some(message.into());
        self
    }
}

impl Block {
    pub fn new() -> Self {
        Block::default()
    }
    pub fn describe(mut self, text: impl Into<String>) -> Self {
        self.description = Description::markdown(text);
        self
    }
    pub fn attr(mut self, attribute: Attribute) -> Self {
        self.attributes.push(attribute);
        self
    }
    pub fn block(mut self, name: &str, nesting: Nesting, block: Block) -> Self {
        let max_items = if nesting == Nesting::Single { 1 } else { 0 };
        self.blocks.push(NestedBlock {
            name: name.to_string(),
            nesting,
            block,
            min_items: 0,
            max_items,
        });
        self
    }
    /// Limits the number of blocks of the most recently added nested block type.
    pub fn limit_items(mut self, min_items: i64, max_items: i64) -> Self {
        if let Some(last) = self.blocks.last_mut() {
            last.min_items = min_items;
            last.max_items = max_items;
        }
        self
    }

    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The cty type of a value conforming to this block, as Terraform derives it.
    pub fn implied_type(&self) -> Type {
        let attrs = self
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.ty.clone()));
        let blocks = self.blocks.iter().map(|b| {
            let inner = b.block.implied_type();
            let ty = match b.nesting {
                Nesting::Single | Nesting::Group => inner,
                Nesting::List => Type::list(inner),
                Nesting::Set => Type::set(inner),
                Nesting::Map => Type::map(inner),
            };
            (b.name.clone(), ty)
        });
        Type::object(attrs.chain(blocks))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implied_type_covers_attributes_and_every_nesting_mode() {
        let inner = Block::new().attr(Attribute::required("name", Type::String));
        let block = Block::new()
            .attr(Attribute::optional("n", Type::Number))
            .block("one", Nesting::Single, inner.clone())
            .block("group", Nesting::Group, inner.clone())
            .block("many", Nesting::List, inner.clone())
            .block("set", Nesting::Set, inner.clone())
            .block("by_key", Nesting::Map, inner.clone());
        let obj = Type::object([("name", Type::String)]);
        let want = Type::object([
            ("n", Type::Number),
            ("one", obj.clone()),
            ("group", obj.clone()),
            ("many", Type::list(obj.clone())),
            ("set", Type::set(obj.clone())),
            ("by_key", Type::map(obj)),
        ]);
        assert_eq!(block.implied_type(), want);
    }
}
