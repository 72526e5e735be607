//! The JSON Schema of the policy format, generated from the model's types (native builds only;
//! the extension has no use for it). `schema/cookie-policy.schema.json` is this output, checked
//! in, and a test keeps the two equal.

use super::model::Policy;

/// The JSON Schema (draft 2020-12) of a version 1 policy document.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Policy)).unwrap_or(serde_json::Value::Null)
}
