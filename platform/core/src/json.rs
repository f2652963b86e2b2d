//! JSON in one canonical form: object keys sorted at every level, no insignificant whitespace.
//! What is hashed (the dossier history) and what plugins receive is written so, so that the same
//! data always gives the same bytes, whatever order a database or a parser kept the keys in.

/// JSON with object keys sorted at every level and no insignificant whitespace.
///
/// Written in one buffer: strings and numbers are escaped and formatted by `serde_json` straight
/// into it, and an object's entries are sorted once with their values, so a history payload of
/// a few kilobytes (a plugin run's record) costs a few microseconds.
pub fn canonical_json(value: &serde_json::Value) -> String {
    fn write(v: &serde_json::Value, out: &mut Vec<u8>) {
        match v {
            serde_json::Value::Object(map) => {
                let mut entries: Vec<(&String, &serde_json::Value)> = map.iter().collect();
                // Keys of an object are distinct: an unstable sort gives the one order.
                entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
                out.push(b'{');
                for (i, (k, v)) in entries.into_iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    scalar(k, out);
                    out.push(b':');
                    write(v, out);
                }
                out.push(b'}');
            }
            serde_json::Value::Array(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write(item, out);
                }
                out.push(b']');
            }
            other => scalar(other, out),
        }
    }
    /// A string, number, boolean or null, compact. Serialising these into a `Vec` cannot fail
    /// (no I/O, no map keys to check), so there is no error to pass on.
    fn scalar<T: serde::Serialize + ?Sized>(v: &T, out: &mut Vec<u8>) {
        let _infallible = serde_json::to_writer(&mut *out, v);
    }
    let mut out = Vec::with_capacity(256);
    write(value, &mut out);
    // Only whole UTF-8 strings and ASCII were written.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::canonical_json;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_and_scalars_written_as_serde_json_writes_them() {
        let v = json!({
            "z": { "b": [1, 2.5, -0.0, 1e300, null, true], "a": "x\"\n\u{1}é\\" },
            "a": [],
            "é": {},
            "A": 18_446_744_073_709_551_615_u64
        });
        assert_eq!(
            canonical_json(&v),
            r#"{"A":18446744073709551615,"a":[],"z":{"a":"x\"\n\u0001é\\","b":[1,2.5,-0.0,1e+300,null,true]},"é":{}}"#
        );
    }
}
