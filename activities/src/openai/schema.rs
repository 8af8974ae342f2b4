//! Strict JSON schemas for structured outputs, generated from our Rust types.
//!
//! OpenAI's strict mode accepts a subset of JSON Schema: every object lists
//! all its properties as `required` and sets `additionalProperties: false`;
//! `default` and most `format`s are not allowed. schemars already encodes
//! `Option<T>` as nullable, so making every property required keeps the
//! meaning: optional facts come back as `null`, lists as `[]`.

use schemars::JsonSchema;
use serde_json::{Map, Value};

/// `format`s strict mode understands; the others (schemars' `uint8`,
/// `float`, ...) are dropped — the Rust type still checks the range.
const STRICT_FORMATS: [&str; 9] = [
    "date-time",
    "time",
    "date",
    "duration",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "uuid",
];

/// The strict schema of `T`, ready for `response_format.json_schema.schema`.
pub fn strict_schema<T: JsonSchema>() -> Value {
    let mut v = serde_json::to_value(schemars::schema_for!(T)).unwrap_or(Value::Null);
    if let Value::Object(root) = &mut v {
        root.remove("$schema");
        root.remove("title");
    }
    make_strict(&mut v);
    v
}

fn make_strict(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.remove("default");
            map.remove("examples");
            if map
                .get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| !STRICT_FORMATS.contains(&f))
            {
                map.remove("format");
            }
            if let Some(Value::Object(props)) = map.get("properties") {
                let keys: Vec<Value> = props.keys().cloned().map(Value::String).collect();
                map.insert("required".into(), Value::Array(keys));
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            // Recurse into every sub-schema (properties, items, $defs, anyOf...).
            for (k, child) in map.iter_mut() {
                if k == "required" || k == "enum" || k == "const" {
                    continue;
                }
                make_strict(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(make_strict),
        _ => {}
    }
}

/// Every problem strict mode would reject, for tests and start-up checks.
pub fn strict_violations(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(v, "#", &mut out);
    out
}

fn walk(v: &Value, path: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            check_object(map, path, out);
            for (k, child) in map {
                if k == "required" || k == "enum" || k == "const" {
                    continue;
                }
                walk(child, &format!("{path}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                walk(child, &format!("{path}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn check_object(map: &Map<String, Value>, path: &str, out: &mut Vec<String>) {
    if map.contains_key("default") {
        out.push(format!("{path}: has a default"));
    }
    if let Some(f) = map.get("format").and_then(Value::as_str)
        && !STRICT_FORMATS.contains(&f)
    {
        out.push(format!("{path}: unsupported format {f}"));
    }
    if let Some(Value::Object(props)) = map.get("properties") {
        if map.get("additionalProperties") != Some(&Value::Bool(false)) {
            out.push(format!("{path}: additionalProperties is not false"));
        }
        let required: Vec<&str> = map
            .get("required")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for k in props.keys() {
            if !required.contains(&k.as_str()) {
                out.push(format!("{path}: property {k} is not required"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::{Analysis, Optimized, ParsedJob, ParsedResume};

    #[test]
    fn schemas_of_every_output_type_are_strict() {
        for (name, s) in [
            ("ParsedResume", strict_schema::<ParsedResume>()),
            ("ParsedJob", strict_schema::<ParsedJob>()),
            ("Analysis", strict_schema::<Analysis>()),
            ("Optimized", strict_schema::<Optimized>()),
            ("EditPlan", strict_schema::<engine::cv::EditPlan>()),
        ] {
            assert_eq!(s["type"], "object", "{name}");
            assert_eq!(strict_violations(&s), Vec::<String>::new(), "{name}");
        }
    }

    #[test]
    fn the_raw_schemars_output_is_not_strict_so_the_check_can_fail() {
        let raw = serde_json::to_value(schemars::schema_for!(ParsedResume)).unwrap_or_default();
        let v = strict_violations(&raw);
        assert!(v.iter().any(|p| p.contains("not required")), "{v:?}");
        assert!(
            v.iter().any(|p| p.contains("additionalProperties")),
            "{v:?}"
        );
    }

    #[test]
    fn optional_fields_stay_nullable_and_patterns_stay() {
        let s = strict_schema::<ParsedResume>();
        let exp = &s["$defs"]["Experience"];
        assert_eq!(
            exp["properties"]["end"]["type"],
            serde_json::json!(["string", "null"])
        );
        assert!(exp["properties"]["end"]["pattern"].is_string());
        let a = strict_schema::<Analysis>();
        assert!(a["properties"]["score"].get("format").is_none());
        assert_eq!(a["properties"]["score"]["type"], "integer");
    }
}
