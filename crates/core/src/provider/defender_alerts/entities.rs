//! The alert's entity graph. Defender serializes `Entities` (and `ResourceIdentifiers`)
//! with JSON.NET reference handling: an object carries `"$id": "N"` where it first appears
//! and later places hold `{"$ref": "N"}` (shared/docs/provider-payloads.md §1.5; Microsoft's
//! and Sumo Logic's samples). `$id` values may repeat and `$ref`s may dangle in sampled data:
//! the first `$id` wins, a dangling `$ref` is warned about and reads as absent.
//!
//! One walk over each subtree builds the `$id` index and lists the entities (objects with a
//! `Type`, at any depth: a cluster's `CloudResource` is an `azure-resource` entity too), so
//! resolving is linear in the size of the entities.

use std::collections::HashMap;

use crate::cx::{Cx, Node};
use crate::error::Error;
use crate::output::WarningCode;

pub(super) struct Graph<'a> {
    ids: HashMap<&'a str, Node<'a>>,
    /// Every entity, in document order, with its `Type`.
    pub entities: Vec<(&'a str, Node<'a>)>,
}

impl<'a> Graph<'a> {
    /// Indexes `entities` and `identifiers` (one id space: JSON.NET numbers the whole
    /// alert), then warns about `$ref`s that name no `$id`.
    pub(super) fn build(
        cx: &Cx<'_>,
        entities: Node<'a>,
        identifiers: Node<'a>,
    ) -> Result<Graph<'a>, Error> {
        let mut g = Graph {
            ids: HashMap::new(),
            entities: Vec::new(),
        };
        if entities.exists() && !entities.is_array() && !entities.is_object() {
            // A list of entities, or (leniently) one: anything else is a bad record.
            entities.items()?;
        }
        let mut refs = Vec::new();
        g.walk(entities, true, &mut refs)?;
        g.walk(identifiers, false, &mut refs)?;
        // One warning per record: locating a value costs a walk of the record, so a warning
        // per dangling `$ref` would make a record of many quadratic.
        let mut dangling = refs.iter().filter(|(t, _)| !g.ids.contains_key(t));
        if let Some((target, at)) = dangling.next() {
            let more = dangling.count();
            let others = match more {
                0 => String::new(),
                1 => " (and 1 more)".into(),
                n => format!(" (and {n} more)"),
            };
            cx.warn(
                WarningCode::DanglingRef,
                format!("`$ref` \"{target}\" names no `$id` in the alert{others}; read as absent"),
                at,
            );
        }
        Ok(g)
    }

    fn walk(
        &mut self,
        n: Node<'a>,
        collect: bool,
        refs: &mut Vec<(&'a str, Node<'a>)>,
    ) -> Result<(), Error> {
        if n.is_array() {
            for item in n.items()? {
                self.walk(item, collect, refs)?;
            }
            return Ok(());
        }
        if !n.is_object() {
            return Ok(());
        }
        if let Some(target) = n.get("$ref").opt_str()? {
            refs.push((target, n));
            return Ok(());
        }
        if let Some(id) = n.get("$id").opt_str()? {
            self.ids.entry(id).or_insert(n);
        }
        if collect && let Some(kind) = n.get("type").text()? {
            self.entities.push((kind, n));
        }
        for (_, child) in n.entries()? {
            if child.is_object() || child.is_array() {
                self.walk(child, collect, refs)?;
            }
        }
        Ok(())
    }

    /// `n`, or the object its `$ref` names (`None` when it dangles or `n` is absent).
    pub(super) fn resolve(&self, n: Node<'a>) -> Result<Option<Node<'a>>, Error> {
        if !n.is_object() {
            return Ok(None);
        }
        match n.get("$ref").opt_str()? {
            Some(target) => Ok(self.ids.get(target).copied()),
            None => Ok(Some(n)),
        }
    }

    /// The entities of one `Type` (case-insensitive).
    pub(super) fn of_type<'g>(&'g self, kind: &'g str) -> impl Iterator<Item = Node<'a>> + 'g {
        self.entities
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(kind))
            .map(|(_, n)| *n)
    }
}

/// The one value when every entity that has one agrees, else `None`: a field of the event
/// describes the alert, so an ambiguous entity list sets nothing.
pub(super) fn only<T: PartialEq>(values: impl IntoIterator<Item = T>) -> Option<T> {
    let mut one = None;
    for v in values {
        match &one {
            None => one = Some(v),
            Some(o) if *o == v => {}
            Some(_) => return None,
        }
    }
    one
}

#[cfg(test)]
mod tests {
    use super::only;

    #[test]
    fn only_needs_agreement() {
        assert_eq!(only(["a", "a"]), Some("a"));
        assert_eq!(only(["a", "b"]), None);
        assert_eq!(only(Vec::<&str>::new()), None);
    }
}
