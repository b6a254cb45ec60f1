//! A small renderer for the page templates under `crates/bench/templates/`: `{{name}}`
//! placeholders replaced by values, nothing else. The page's prose lives in the template
//! so that it reads and diffs as Markdown; what depends on the data (tables, optional
//! sections, sentences computed from the numbers) is rendered in Rust and passed in.
//! Plain substitution keeps the bench free of a template engine: the page has no loops
//! or conditions that Rust does not already handle.

/// `template` with every `{{name}}` replaced by its value, in one pass (a value is never
/// scanned for placeholders). A placeholder without a value, or a value without a
/// placeholder, is an error: both are a template and code that drifted apart.
pub(super) fn render(template: &str, values: &[(&str, String)]) -> Result<String, String> {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut used = vec![false; values.len()];
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| format!("template: unclosed placeholder at `{}`", excerpt(after)))?;
        let name = &after[..end];
        let i = values
            .iter()
            .position(|(n, _)| *n == name)
            .ok_or_else(|| format!("template: no value for {{{{{name}}}}}"))?;
        used[i] = true;
        out.push_str(&values[i].1);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    if let Some(i) = used.iter().position(|u| !u) {
        return Err(format!("template: no placeholder {{{{{}}}}}", values[i].0));
    }
    Ok(out)
}

fn excerpt(s: &str) -> String {
    s.chars().take(30).collect()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn substitutes_once_and_checks_both_sides() {
        let v = |s: &str| s.to_owned();
        assert_eq!(
            render("a {{x}} b {{y}}{{x}}", &[("x", v("{{y}}")), ("y", v("2"))]).unwrap(),
            "a {{y}} b 2{{y}}"
        );
        assert!(
            render("{{x}}", &[])
                .unwrap_err()
                .contains("no value for {{x}}")
        );
        assert!(
            render("x", &[("x", v("1"))])
                .unwrap_err()
                .contains("no placeholder {{x}}")
        );
        assert!(render("{{x", &[]).unwrap_err().contains("unclosed"));
    }
}
