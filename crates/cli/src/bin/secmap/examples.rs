//! `secmap examples`: the providers' bundled examples through the component.

use std::io::{self, Write};
use std::process::ExitCode;

use secmap_host::{Mapper, Options, default_options};

use crate::{ExamplesArgs, failure, summary};

pub fn run(mapper: &Mapper, args: ExamplesArgs) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let options = Options {
        original_content: (!args.original_content).then_some(false),
        ..default_options()
    };
    let mut out = io::stdout().lock();
    let mut all = Vec::new();
    let mut failed = false;
    for provider in mapper.providers()? {
        for example in &provider.examples {
            let name = format!("{}/{}", provider.id, example.name);
            match mapper.transform(&provider.id, example.payload.as_bytes(), &options) {
                Ok(output) => {
                    if args.json {
                        all.extend(output.events);
                        continue;
                    }
                    writeln!(out, "== {name}: {}", example.title)?;
                    writeln!(out, "   {}", summary(&output))?;
                    for event in &output.events {
                        writeln!(out, "   {}", digest(event)?)?;
                    }
                    for event in &output.events {
                        // An order-keeping DOM: fields print in the order Dynatrace gets them.
                        let value: serde_json_borrow::Value<'_> = serde_json::from_str(event)?;
                        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
                    }
                    writeln!(out)?;
                }
                Err(error) => {
                    failed = true;
                    eprintln!("secmap: {}", failure(&name, &error));
                }
            }
        }
    }
    if args.json {
        writeln!(out, "[\n{}\n]", all.join(",\n"))?;
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// `DETECTION_FINDING  HIGH 8.7  AwsEc2Instance i-0123…  Command and control activity`
fn digest(event: &str) -> Result<String, serde_json::Error> {
    let v: serde_json::Value = serde_json::from_str(event)?;
    let s = |k: &str| v[k].as_str().unwrap_or("").to_owned();
    let risk = match (
        v["dt.security.risk.level"].as_str(),
        &v["dt.security.risk.score"],
    ) {
        (Some(level), score) if !score.is_null() => format!("{level} {score}"),
        _ => "-".to_owned(),
    };
    let title = if v["finding.title"].is_string() {
        s("finding.title")
    } else {
        s("scan.name")
    };
    Ok(format!(
        "{:<22} {:<13} {} {}  {}",
        s("event.type"),
        risk,
        s("object.type"),
        s("object.id"),
        title
    ))
}
