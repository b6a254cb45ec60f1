//! Azure Resource Manager ids: `/subscriptions/{s}/resourceGroups/{g}/providers/{ns}/{type}/
//! {name}[/{child type}/{child name}...]`. The resource type is `{ns}/{type}[/{child type}]`
//! as Azure spells it (`Microsoft.ContainerService/managedClusters`), the format of
//! `azure.resource.type` (Dynatrace "Ingest Microsoft Sentinel security events"). Casing is
//! kept: ARM ids are case-insensitive and Defender varies their case between exports.

/// The parts of an ARM resource id, borrowed from it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct ArmId<'a> {
    pub subscription: Option<&'a str>,
    pub group: Option<&'a str>,
    /// `Microsoft.X/y`; `None` when the id names no resource type.
    pub kind: Option<String>,
    pub name: Option<&'a str>,
}

impl<'a> ArmId<'a> {
    pub(super) fn parse(id: &'a str) -> ArmId<'a> {
        let segs: Vec<&str> = id.split('/').filter(|s| !s.trim().is_empty()).collect();
        let mut out = ArmId::default();
        let mut namespace: Option<&str> = None;
        let mut types: Vec<&str> = Vec::new();
        let mut i = 0;
        while i < segs.len() {
            let key = segs[i];
            let value = segs.get(i + 1).copied();
            if namespace.is_none() && key.eq_ignore_ascii_case("subscriptions") {
                out.subscription = value;
            } else if namespace.is_none() && key.eq_ignore_ascii_case("resourceGroups") {
                out.group = value;
            } else if key.eq_ignore_ascii_case("providers") {
                // An extension resource (`.../providers/A/b/n/providers/C/d/m`) is the last one.
                namespace = value;
                types.clear();
                out.name = None;
            } else if namespace.is_some() {
                types.push(key);
                out.name = value;
            } else {
                // Not an ARM id segment we know: stop rather than guess.
                return ArmId::default();
            }
            i += 2;
        }
        match namespace {
            Some(ns) if !types.is_empty() && out.name.is_some() => {
                out.kind = Some(format!("{ns}/{}", types.join("/")));
            }
            Some(_) => out.name = None,
            // A resource group or subscription itself.
            None if out.group.is_some() => {
                out.kind = Some("Microsoft.Resources/resourceGroups".into());
                out.name = out.group;
            }
            None if out.subscription.is_some() => {
                out.kind = Some("Microsoft.Resources/subscriptions".into());
                out.name = out.subscription;
            }
            None => {}
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::ArmId;

    fn parts(id: &str) -> (Option<&str>, Option<&str>, Option<String>, Option<&str>) {
        let a = ArmId::parse(id);
        (a.subscription, a.group, a.kind, a.name)
    }

    #[test]
    fn resources_children_and_extensions() {
        assert_eq!(
            parts(
                "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1"
            ),
            (
                Some("s1"),
                Some("rg"),
                Some("Microsoft.ContainerService/managedClusters".into()),
                Some("aks1")
            )
        );
        assert_eq!(
            parts(
                "/subscriptions/s1/resourcegroups/rg/providers/Microsoft.Sql/servers/srv/databases/db"
            ),
            (
                Some("s1"),
                Some("rg"),
                Some("Microsoft.Sql/servers/databases".into()),
                Some("db")
            )
        );
        assert_eq!(
            parts(
                "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm/providers/Microsoft.Security/pricings/p"
            ),
            (
                Some("s1"),
                Some("rg"),
                Some("Microsoft.Security/pricings".into()),
                Some("p")
            )
        );
    }

    #[test]
    fn groups_subscriptions_and_garbage() {
        assert_eq!(
            parts("/subscriptions/s1/resourceGroups/rg"),
            (
                Some("s1"),
                Some("rg"),
                Some("Microsoft.Resources/resourceGroups".into()),
                Some("rg")
            )
        );
        assert_eq!(
            parts("/subscriptions/s1"),
            (
                Some("s1"),
                None,
                Some("Microsoft.Resources/subscriptions".into()),
                Some("s1")
            )
        );
        assert_eq!(parts("vm-claims-app-01"), (None, None, None, None));
        assert_eq!(parts(""), (None, None, None, None));
        // A provider without a type names no resource.
        assert_eq!(
            parts("/subscriptions/s1/providers/Microsoft.Security"),
            (Some("s1"), None, None, None)
        );
    }
}
