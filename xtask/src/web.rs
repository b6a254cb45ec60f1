//! The browser demo: build `js-demo/dist` and serve it.

use crate::util::Result;

pub fn run(_serve: bool) -> Result {
    Err("the browser demo is not built yet".into())
}
