//! A small well-formedness check for the documents the diagram writes, so tests need no XML
//! crate: one root element, every tag closed in order, attributes quoted and unique, and no `<`
//! or bare `&` in text or attribute values.

/// Checks `doc`, which must start with the XML declaration the diagram writes.
pub(super) fn well_formed(doc: &str) -> Result<(), String> {
    let mut rest = doc
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .ok_or("the XML declaration is missing")?;
    let mut open: Vec<&str> = Vec::new();
    let mut roots = 0;
    while let Some(lt) = rest.find('<') {
        let text = &rest[..lt];
        if open.is_empty() && !text.trim().is_empty() {
            return Err(format!("text outside the root: {text:?}"));
        }
        entities(text)?;
        rest = &rest[lt + 1..];
        let gt = tag_end(rest).ok_or("a tag is not closed")?;
        let tag = &rest[..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            match open.pop() {
                Some(opened) if opened == name.trim() => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
            continue;
        }
        let empty = tag.ends_with('/');
        let body = tag.strip_suffix('/').unwrap_or(tag);
        let name_end = body.find(char::is_whitespace).unwrap_or(body.len());
        let name = &body[..name_end];
        let name_ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_:".contains(c));
        if !name_ok {
            return Err(format!("bad element name in <{tag}>"));
        }
        attributes(&body[name_end..]).map_err(|e| format!("<{name}>: {e}"))?;
        if open.is_empty() {
            roots += 1;
        }
        if !empty {
            open.push(name);
        }
    }
    if !rest.trim().is_empty() {
        return Err(format!("text after the root: {rest:?}"));
    }
    match (roots, open.last()) {
        (1, None) => Ok(()),
        (_, Some(unclosed)) => Err(format!("<{unclosed}> is never closed")),
        (n, None) => Err(format!("{n} root elements")),
    }
}

/// Where the tag that `s` starts ends: the first `>` outside quotes.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn attributes(mut s: &str) -> Result<(), String> {
    let mut seen = Vec::new();
    loop {
        s = s.trim_start();
        if s.is_empty() {
            return Ok(());
        }
        let eq = s
            .find('=')
            .ok_or_else(|| format!("attribute without value: {s:?}"))?;
        let name = &s[..eq];
        if name.is_empty() || name.contains(char::is_whitespace) || seen.contains(&name) {
            return Err(format!("bad or repeated attribute name {name:?}"));
        }
        seen.push(name);
        let value = s[eq + 1..]
            .strip_prefix('"')
            .ok_or("attribute value not quoted")?;
        let close = value.find('"').ok_or("attribute value not closed")?;
        if value[..close].contains('<') {
            return Err(format!("`<` in the value of {name}"));
        }
        entities(&value[..close])?;
        s = &value[close + 1..];
    }
}

/// Every `&` starts a predefined or numeric entity.
fn entities(s: &str) -> Result<(), String> {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        rest = &rest[amp + 1..];
        let semi = rest.find(';').ok_or_else(|| format!("bare & in {s:?}"))?;
        let entity = &rest[..semi];
        let numeric = entity
            .strip_prefix("#x")
            .map(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
            .or_else(|| {
                let d = entity.strip_prefix('#')?;
                Some(!d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
            })
            .unwrap_or(false);
        if !numeric && !["amp", "lt", "gt", "quot", "apos"].contains(&entity) {
            return Err(format!("bare & in {s:?}"));
        }
        rest = &rest[semi + 1..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::well_formed;

    const DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

    #[test]
    fn the_checker_catches_what_it_should() {
        let ok = |body: &str| well_formed(&format!("{DECL}{body}"));
        assert!(ok(r#"<svg a="1"><g><title>x &amp; y</title></g><path d="M0 0"/></svg>"#).is_ok());
        for bad in [
            "<svg><g></svg>",
            "<svg></svg><svg></svg>",
            "<svg>a & b</svg>",
            r#"<svg a="<"></svg>"#,
            r#"<svg a="1" a="2"></svg>"#,
            "<svg a=1></svg>",
            "<svg>",
        ] {
            assert!(ok(bad).is_err(), "{bad}");
        }
    }
}
