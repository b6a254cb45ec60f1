//! The Inspector2 finding as it arrives: the `detail` of an EventBridge `Inspector2 Finding`
//! event, or one element of a `ListFindings` page (same field names; times there are epoch
//! seconds). Only the fields the mapping uses are read; the rest goes to the unmapped report.
//!
//! Field names: Amazon Inspector API model (botocore `inspector2/2020-06-08/service-2.json`,
//! `Finding`), and the examples of the Inspector user guide, "Amazon EventBridge event
//! schema".

use crate::cx::Node;
use crate::error::Error;

pub(crate) struct Finding<'a> {
    pub account_id: Option<&'a str>,
    pub arn: &'a str,
    pub kind: &'a str,
    pub status: Option<&'a str>,
    pub title: Option<&'a str>,
    pub description: Option<&'a str>,
    pub severity: Option<&'a str>,
    pub severity_node: Node<'a>,
    pub score: Option<f64>,
    pub score_node: Node<'a>,
    pub adjusted_cvss: Option<Cvss<'a>>,
    pub updated_at: Node<'a>,
    pub last_observed_at: Node<'a>,
    pub exploit_available: Option<&'a str>,
    pub fix_available: Option<&'a str>,
    pub epss: Option<f64>,
    pub last_known_exploit_at: Node<'a>,
    pub recommendation: Option<&'a str>,
    pub resources: Vec<Node<'a>>,
    pub resources_node: Node<'a>,
    pub package: Option<PackageDetails<'a>>,
    pub code: Option<CodeDetails<'a>>,
}

/// `packageVulnerabilityDetails`.
pub(crate) struct PackageDetails<'a> {
    pub vulnerability_id: Option<&'a str>,
    pub source: Option<&'a str>,
    pub source_url: Option<&'a str>,
    pub vendor_severity: Option<&'a str>,
    pub reference_urls: Vec<&'a str>,
    pub related: Vec<&'a str>,
    pub cvss: Vec<Cvss<'a>>,
    pub packages: Vec<Package<'a>>,
}

/// One CVSS rating: `inspectorScoreDetails.adjustedCvss` or a `cvss[]` entry.
pub(crate) struct Cvss<'a> {
    pub score: Option<f64>,
    pub version: Option<&'a str>,
    pub vector: Option<&'a str>,
    pub source: Option<&'a str>,
}

/// One `vulnerablePackages[]` entry.
pub(crate) struct Package<'a> {
    pub name: Option<&'a str>,
    pub version: Option<&'a str>,
    pub release: Option<&'a str>,
    pub epoch: Option<f64>,
    pub fixed_in: Option<&'a str>,
    pub manager: Option<&'a str>,
    pub file_path: Option<&'a str>,
    pub remediation: Option<&'a str>,
    pub layer_arn: Option<&'a str>,
}

/// `codeVulnerabilityDetails`.
pub(crate) struct CodeDetails<'a> {
    pub rule_id: Option<&'a str>,
    pub detector_name: Option<&'a str>,
    pub cwes: Vec<&'a str>,
    pub file_path: Option<&'a str>,
    pub start_line: Option<f64>,
    pub layer_arn: Option<&'a str>,
}

/// One `resources[]` entry, with the details of its type.
pub(crate) struct Resource<'a> {
    pub node: Node<'a>,
    pub kind: Option<&'a str>,
    pub kind_node: Node<'a>,
    pub id: Option<&'a str>,
    pub partition: Option<&'a str>,
    pub region: Option<&'a str>,
    pub provider: Option<&'a str>,
    pub name_tag: Option<&'a str>,
    pub image: Option<Image<'a>>,
    pub instance: Option<Instance<'a>>,
    pub function: Option<Function<'a>>,
}

/// `details.awsEcrContainerImage` (or the provider-agnostic `details.image`).
pub(crate) struct Image<'a> {
    pub digest: Option<&'a str>,
    pub repository: Option<&'a str>,
    /// The registry's account id.
    pub registry: Option<&'a str>,
    pub tags: Vec<&'a str>,
}

/// `details.awsEc2Instance`.
pub(crate) struct Instance<'a> {
    pub ipv4: Vec<&'a str>,
}

/// `details.awsLambdaFunction`.
pub(crate) struct Function<'a> {
    pub name: Option<&'a str>,
}

impl<'a> Finding<'a> {
    pub(crate) fn read(f: Node<'a>) -> Result<Finding<'a>, Error> {
        let package = f.get("packageVulnerabilityDetails");
        let code = f.get("codeVulnerabilityDetails");
        let adjusted = f.get("inspectorScoreDetails").get("adjustedCvss");
        let resources_node = f.get("resources");
        let score_node = f.get("inspectorScore");
        Ok(Finding {
            account_id: f.get("awsAccountId").text()?,
            arn: f.get("findingArn").str()?,
            kind: f.get("type").str()?,
            status: f.get("status").text()?,
            title: f.get("title").text()?,
            description: f.get("description").text()?,
            severity: f.get("severity").text()?,
            severity_node: f.get("severity"),
            score: score_node.opt_num()?,
            score_node,
            adjusted_cvss: if adjusted.exists() {
                Some(Cvss::read(adjusted, "score")?)
            } else {
                None
            },
            updated_at: f.get("updatedAt"),
            last_observed_at: f.get("lastObservedAt"),
            exploit_available: f.get("exploitAvailable").text()?,
            fix_available: f.get("fixAvailable").text()?,
            epss: f.get("epss").get("score").opt_num()?,
            last_known_exploit_at: f.get("exploitabilityDetails").get("lastKnownExploitAt"),
            recommendation: f
                .get("remediation")
                .get("recommendation")
                .get("text")
                .text()?,
            resources: resources_node.items()?,
            resources_node,
            package: if package.exists() {
                Some(PackageDetails::read(package)?)
            } else {
                None
            },
            code: if code.exists() {
                Some(CodeDetails::read(code)?)
            } else {
                None
            },
        })
    }
}

impl<'a> PackageDetails<'a> {
    fn read(p: Node<'a>) -> Result<PackageDetails<'a>, Error> {
        Ok(PackageDetails {
            vulnerability_id: p.get("vulnerabilityId").text()?,
            source: p.get("source").text()?,
            source_url: p.get("sourceUrl").text()?,
            vendor_severity: p.get("vendorSeverity").text()?,
            reference_urls: p.get("referenceUrls").strs()?,
            related: p.get("relatedVulnerabilities").strs()?,
            cvss: p
                .get("cvss")
                .items()?
                .into_iter()
                .map(|c| Cvss::read(c, "baseScore"))
                .collect::<Result<_, _>>()?,
            packages: p
                .get("vulnerablePackages")
                .items()?
                .into_iter()
                .map(Package::read)
                .collect::<Result<_, _>>()?,
        })
    }
}

impl<'a> Cvss<'a> {
    fn read(c: Node<'a>, score: &'static str) -> Result<Cvss<'a>, Error> {
        Ok(Cvss {
            score: c.get(score).opt_num()?,
            version: c.get("version").text()?,
            vector: c.get("scoringVector").text()?,
            // `cvssSource` in `adjustedCvss`, `source` in `cvss[]`.
            source: match c.get("source").text()? {
                Some(s) => Some(s),
                None => c.get("cvssSource").text()?,
            },
        })
    }
}

impl<'a> Package<'a> {
    fn read(p: Node<'a>) -> Result<Package<'a>, Error> {
        Ok(Package {
            name: p.get("name").text()?,
            version: p.get("version").text()?,
            release: p.get("release").text()?,
            epoch: p.get("epoch").opt_num()?,
            fixed_in: p.get("fixedInVersion").text()?,
            manager: p.get("packageManager").text()?,
            file_path: p.get("filePath").text()?,
            remediation: p.get("remediation").text()?,
            layer_arn: p.get("sourceLambdaLayerArn").text()?,
        })
    }
}

impl<'a> CodeDetails<'a> {
    fn read(c: Node<'a>) -> Result<CodeDetails<'a>, Error> {
        let file = c.get("filePath");
        Ok(CodeDetails {
            rule_id: c.get("ruleId").text()?,
            detector_name: c.get("detectorName").text()?,
            cwes: c.get("cwes").strs()?,
            file_path: file.get("filePath").text()?,
            start_line: file.get("startLine").opt_num()?,
            layer_arn: c.get("sourceLambdaLayerArn").text()?,
        })
    }
}

impl<'a> Resource<'a> {
    pub(crate) fn read(r: Node<'a>) -> Result<Resource<'a>, Error> {
        let details = r.get("details");
        let mut image = details.get("awsEcrContainerImage");
        let digest_key = if image.exists() {
            "imageHash"
        } else {
            image = details.get("image");
            "imageDigest"
        };
        let instance = details.get("awsEc2Instance");
        let function = details.get("awsLambdaFunction");
        // `tags` is a map in EventBridge events and the API.
        let mut name_tag = None;
        for (k, v) in r.get("tags").entries()? {
            if k == "Name" {
                name_tag = v.text()?;
            }
        }
        Ok(Resource {
            node: r,
            kind: r.get("type").text()?,
            kind_node: r.get("type"),
            id: r.get("id").text()?,
            partition: r.get("partition").text()?,
            region: r.get("region").text()?,
            provider: r.get("provider").text()?,
            name_tag,
            image: if image.exists() {
                Some(Image {
                    digest: image.get(digest_key).text()?,
                    repository: image.get("repositoryName").text()?,
                    registry: image.get("registry").text()?,
                    tags: image.get("imageTags").strs()?,
                })
            } else {
                None
            },
            instance: if instance.exists() {
                Some(Instance {
                    ipv4: instance.get("ipV4Addresses").strs()?,
                })
            } else {
                None
            },
            function: if function.exists() {
                Some(Function {
                    name: function.get("functionName").text()?,
                })
            } else {
                None
            },
        })
    }
}
