//! One `VULNERABILITY_FINDING` per CVE entry and detected version of a package (§8.1).

use super::super::cloud::{Cloud, assessment_key};
use super::super::map::finding_title;
use super::super::remediation;
use super::super::severity::TABLE;
use super::image::Resolved;
use super::input::{Assessment, Cve, Package};
use crate::cve;
use crate::cvss::Choice;
use crate::cx::Cx;
use crate::error::{Error, ErrorCode};
use crate::event::{Event, EventType, Producer};
use crate::ids;
use crate::output::WarningCode;
use crate::severity::Level;

/// Findings a record may fan out to, per CVE entry and detected version it lists.
const FANOUT: usize = 8;

pub(super) fn events(
    a: &Assessment<'_>,
    p: &Package<'_>,
    image: &Resolved,
    time: &str,
    cloud: &Cloud<'_>,
    cx: &Cx<'_>,
    producer: Producer,
) -> Result<Vec<Event>, Error> {
    // §10.5 settled: one finding per CVE and detected version, the grain Dynatrace
    // de-duplicates on ({object.id, vulnerability.id, component.name, component.version}).
    let versions: Vec<Option<&str>> = if p.versions.is_empty() {
        vec![None]
    } else {
        p.versions.iter().copied().map(Some).collect()
    };
    let several = versions.len() > 1;
    // One finding per CVE × version is quadratic in the record; real packages have one to
    // a few versions. Keep the output linear in the input (a fuzzing rule of the project).
    let (n, m) = (p.cves.len(), versions.len());
    if several && n * m > FANOUT * (n + m) {
        return Err(cx.error_at(
            ErrorCode::LimitExceeded,
            format!(
                "{n} CVEs × {m} detected versions would make {} findings, more than {FANOUT} × ({n} + {m}): the output must stay linear in the input",
                n * m
            ),
            &p.versions_node,
        ));
    }
    let record_id = match a.id {
        Some(id) => id.to_owned(),
        None => {
            cx.warn(
                WarningCode::IdDerived,
                "no assessment `id`; finding.id derived from image and package",
                &cx.root().get("id"),
            );
            ids::name_based(&[image.object_id.as_str(), p.name.unwrap_or("")])
        }
    };
    let mut out = Vec::with_capacity(p.cves.len() * versions.len());
    for (n, cve) in p.cves.iter().enumerate() {
        let risk = Risk::of(cve, p, cx)?;
        let base = match cve.id {
            Some(id) => format!("{record_id}/{id}"),
            None => {
                cx.warn(
                    WarningCode::IdDerived,
                    format!("CVE entry without `CveId`: finding.id ends in its position ({n})"),
                    &cve.node,
                );
                format!("{record_id}/{n}")
            }
        };
        for version in &versions {
            let finding_id = match version {
                Some(v) if several => format!("{base}/{v}"),
                _ => base.clone(),
            };
            out.push(event(
                a, p, cve, *version, finding_id, &risk, image, time, cloud, cx, producer,
            )?);
        }
    }
    Ok(out)
}

/// §7: level and score from the CVE's own severity and CVSS, never from the record's.
struct Risk<'a> {
    label: Option<&'a str>,
    level: Level,
    score: f64,
    cvss: Choice<'a>,
}

impl<'a> Risk<'a> {
    fn of(cve: &Cve<'a>, p: &Package<'a>, cx: &Cx<'_>) -> Result<Self, Error> {
        let cvss = Choice::best(&cve.cvss, false)?;
        let own = cve.severity.map(str::trim).filter(|s| !s.is_empty());
        let fallback = p.severity.map(str::trim).filter(|s| !s.is_empty());
        let (label, node) = match (own, fallback) {
            (Some(l), _) => (Some(l), cve.severity_node),
            (None, Some(l)) => {
                // As the old mapping fell back to `status.severity` (§7, row 5).
                cx.warn(
                    WarningCode::SeverityMissing,
                    format!("the CVE has no severity; the record's metadata.severity `{l}` used"),
                    &cve.severity_node,
                );
                (Some(l), p.severity_node)
            }
            (None, None) => (None, cve.severity_node),
        };
        let r = TABLE.risk_for_label(label, cvss.score);
        if let Some((code, message)) = &r.warning {
            let at = match (code, cvss.at) {
                (WarningCode::SeverityOutOfRange, Some(score_at)) => score_at,
                _ => node,
            };
            cx.warn(*code, message.clone(), &at);
        }
        // The seed table: Unknown, None, missing → NONE with score 0.0. A CVSS beside it
        // stays in vulnerability.cvss.base_score (§7, §10.7).
        let score = if r.level == Level::None {
            if let (Some(s), Some(at)) = (cvss.score, cvss.at)
                && label.is_some()
                && r.warning.is_none()
            {
                cx.warn(
                    WarningCode::SeverityUnknown,
                    format!(
                        "severity `{}` maps to NONE with score 0.0; CVSS {s} kept in vulnerability.cvss.base_score",
                        label.unwrap_or_default()
                    ),
                    &at,
                );
            }
            0.0
        } else {
            r.score
        };
        Ok(Risk {
            label: own.or(label),
            level: r.level,
            score,
            cvss,
        })
    }
}

#[allow(clippy::too_many_arguments)]
fn event(
    a: &Assessment<'_>,
    p: &Package<'_>,
    cve: &Cve<'_>,
    version: Option<&str>,
    finding_id: String,
    risk: &Risk<'_>,
    r: &Resolved,
    time: &str,
    cloud: &Cloud<'_>,
    cx: &Cx<'_>,
    producer: Producer,
) -> Result<Event, Error> {
    let mut e = Event::new(EventType::VulnerabilityFinding, producer, cx.now);
    e.put("object.id", r.object_id.as_str());
    e.put_static("object.type", "CONTAINER_IMAGE");
    e.put(
        "object.name",
        r.image
            .repository
            .clone()
            .unwrap_or_else(|| r.object_id.clone()),
    );
    e.put("finding.id", finding_id);
    e.put_static("finding.type", "DEPENDENCY_VULNERABILITY");
    let display = cve.id.or(p.display_name).unwrap_or_default();
    e.put("finding.title", finding_title(display, p.name, version));
    e.put("finding.time.created", time);
    e.put(
        "finding.severity",
        risk.label.unwrap_or(risk.level.as_str()),
    );
    e.opt("finding.score", risk.cvss.score);
    e.opt(
        "finding.status",
        a.properties.get("status").get("code").opt_str()?,
    );
    e.put_static("dt.security.risk.level", risk.level.as_str());
    e.put("dt.security.risk.score", risk.score);

    e.opt("vulnerability.id", cve.id);
    e.opt("vulnerability.title", cve.id);
    e.opt(
        "vulnerability.description",
        cve.description.or(cve.summary).or(p.description),
    );
    let cve_list = cve::cve_ids(cve.id.into_iter().chain(cve.additional_ids.iter().copied()));
    let url = cve::external_url(cve.id, cve.references.iter().copied());
    e.opt("vulnerability.references.cve", Some(cve_list));
    e.opt(
        "vulnerability.references.cwe",
        Some(cve.cwe.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>()),
    );
    e.opt("vulnerability.external_url", url);
    e.opt("vulnerability.cvss.base_score", risk.cvss.score);
    e.opt("vulnerability.cvss.version", risk.cvss.version.clone());
    e.opt("vulnerability.cvss.vector", risk.cvss.vector.clone());
    e.opt(
        "vulnerability.exploit.status",
        remediation::exploit_status(cve.exploit)?,
    );
    let fixed = cve.fixed_version.or(p.fixed_version);
    let status = match cve.fix_status.or(p.fix_status) {
        Some(s) => remediation::fix_status(s),
        None => fixed.map(|_| "AVAILABLE"),
    };
    e.opt("vulnerability.remediation.status", status);
    e.opt(
        "vulnerability.remediation.fix_versions",
        fixed.map(|v| vec![v.to_owned()]),
    );
    e.opt(
        "vulnerability.remediation.description",
        cve.remediation
            .map(str::to_owned)
            .or(p.remediation.map(strip_html)),
    );
    e.opt("component.name", p.name);
    e.opt("component.version", version);

    r.image.put(&mut e);
    // Filled per scan once the whole call is mapped (see `scan`).
    e.put_static("scan.id", "");
    cloud.put(&mut e);
    e.opt(
        "defender.assessment.key",
        a.name.map(str::to_owned).or_else(|| assessment_key(a.id)),
    );
    e.opt("defender.recommendation.category", p.category);
    Ok(e)
}

/// Text of `remediationDescription`, which may hold HTML (`<br>`; §3.1).
fn strip_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        match rest[open..].find('>') {
            Some(close) => {
                let tag = rest[open + 1..open + close].trim().to_ascii_lowercase();
                if tag.starts_with("br") || tag.starts_with("/p") || tag.starts_with("/li") {
                    out.push('\n');
                }
                rest = &rest[open + close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::strip_html;

    #[test]
    fn html_is_stripped() {
        assert_eq!(
            strip_html("Update it.<br>Then rebuild."),
            "Update it.\nThen rebuild."
        );
        assert_eq!(strip_html("a <b>b</b> c"), "a b c");
        assert_eq!(strip_html("x < y"), "x < y");
    }
}
