//! The cross-engine benchmark.

use crate::util::Result;

pub fn run(_quick: bool) -> Result {
    Err("the benchmark is not written yet".into())
}
