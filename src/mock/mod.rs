//! placeholder
pub mod catalogue;
