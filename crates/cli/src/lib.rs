//! The `secmap` command-line tool. The binary (`src/bin/secmap/`) is the command line:
//! `map`, `check`, `providers`, `examples` and `forward`, each file mapped by the component
//! through `secmap-host`. This library holds what `secmap forward` needs beyond that:
//! [`forward`], the HTTP side of delivery (the engine in `secmap-delivery` makes every
//! decision), with whom TLS trusts and which proxy to use in [`forward::network`].

pub mod forward;
