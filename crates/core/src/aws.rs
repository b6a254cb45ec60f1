//! AWS names every AWS provider reads or builds: ARNs (AWS General Reference, "Amazon
//! Resource Names (ARNs)": `arn:<partition>:<service>:<region>:<account>:<resource>`) and
//! the ECR registry host. One copy, so that GuardDuty, Inspector and Security Hub name the
//! same instance or image with the same string and their events join on it.

/// The parts of an ARN, borrowed from it. Region and account may be empty (S3, IAM).
pub(crate) struct Arn<'a> {
    pub partition: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// `None` when `s` is not an ARN (a bare id such as `i-0e4c8a2f6b1d3e5a7`).
    pub(crate) fn parse(s: &'a str) -> Option<Arn<'a>> {
        let mut parts = s.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        let partition = parts.next()?;
        let _service = parts.next()?;
        let region = parts.next()?;
        let account = parts.next()?;
        let resource = parts.next()?;
        Some(Arn {
            partition,
            region,
            account,
            resource,
        })
    }
}

/// An EC2 instance's ARN, `arn:<partition>:ec2:<region>:<account>:instance/<id>` (Amazon
/// EC2 API reference, "Resource types defined by Amazon EC2"): what GuardDuty and Inspector
/// findings are built on when they give only the instance id, so both name one object.
pub(crate) fn ec2_instance_arn(partition: &str, region: &str, account: &str, id: &str) -> String {
    format!("arn:{partition}:ec2:{region}:{account}:instance/{id}")
}

/// An ECR registry host: `<account>.dkr.ecr.<region>.amazonaws.com` (`.com.cn` in China),
/// what image references and Defender's ECR findings use (Dynatrace's ECR integration).
pub(crate) fn ecr_registry(account: &str, region: &str, partition: &str) -> String {
    let domain = if partition == "aws-cn" {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!("{account}.dkr.ecr.{region}.{domain}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_parts() {
        let a = Arn::parse(
            "arn:aws:ecr:us-east-2:123456789012:repository/amazon/amazon-ecs-sample/sha256:36c7",
        )
        .unwrap();
        assert_eq!(
            (a.partition, a.region, a.account, a.resource),
            (
                "aws",
                "us-east-2",
                "123456789012",
                "repository/amazon/amazon-ecs-sample/sha256:36c7"
            )
        );
        assert!(Arn::parse("i-0e4c8a2f6b1d3e5a7").is_none());
        assert!(Arn::parse("arn:aws:s3").is_none());
    }

    #[test]
    fn built_names() {
        assert_eq!(
            ec2_instance_arn("aws", "us-east-1", "1", "i-0abc"),
            "arn:aws:ec2:us-east-1:1:instance/i-0abc"
        );
        assert_eq!(
            ecr_registry("1", "cn-north-1", "aws-cn"),
            "1.dkr.ecr.cn-north-1.amazonaws.com.cn"
        );
        assert_eq!(
            ecr_registry("1", "us-east-1", "aws"),
            "1.dkr.ecr.us-east-1.amazonaws.com"
        );
    }
}
