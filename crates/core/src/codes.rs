//! How the contract's code enums are declared: once, each value beside its stable name.
//!
//! Error codes and categories, skip reasons, warning codes, risk levels and event types
//! reach every host (WIT enums, JS strings, JSON reports). [`codes!`] declares such an
//! enum with its names and derives from that one list the serde names, `as_str`, `ALL`
//! (every value, for generated types and docs: `cargo xtask codegen`) and, with feature
//! `docs`, the doc text of the enum and each value. The binding crates match the enums
//! exhaustively, so a new value is a compile error wherever a host must handle it.

/// Declares a contract enum: `Variant = "stable-name",` per value, doc comments only.
macro_rules! codes {
    (
        $(#[doc = $tdoc:literal])*
        pub enum $name:ident {
            $(
                $(#[doc = $doc:literal])*
                $variant:ident = $str:literal,
            )*
        }
    ) => {
        $(#[doc = $tdoc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(
                $(#[doc = $doc])*
                #[serde(rename = $str)]
                $variant,
            )*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The documentation of the type (its doc comment), for generated docs.
            #[cfg(feature = "docs")]
            pub const DOC: &'static str = concat!($($tdoc, "\n"),*);

            /// The stable name, as in JSON, WIT and JS.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $str,)*
                }
            }

            /// The documentation of this value (its doc comment), for generated docs.
            #[cfg(feature = "docs")]
            pub fn doc(self) -> &'static str {
                match self {
                    $($name::$variant => concat!($($doc, "\n"),*),)*
                }
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use codes;

/// Declares a struct of public fields with doc comments only, and (feature `docs`) lists
/// them in `FIELDS`: how the option types tell `cargo xtask codegen` their fields.
macro_rules! documented_fields {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                pub $field:ident: $ty:ty,
            )*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $(
                $(#[doc = $doc])*
                pub $field: $ty,
            )*
        }

        #[cfg(feature = "docs")]
        impl $name {
            /// Every field: its name, type and doc comment, for generated docs and types.
            pub const FIELDS: &'static [crate::codes::FieldDoc] = &[$(
                crate::codes::FieldDoc {
                    name: stringify!($field),
                    ty: stringify!($ty),
                    doc: concat!($($doc, "\n"),*),
                },
            )*];
        }
    };
}

pub(crate) use documented_fields;

/// One field of a struct declared with `documented_fields!` (feature `docs`).
#[cfg(feature = "docs")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDoc {
    /// The Rust field name (snake_case; JSON and JS use its camelCase form).
    pub name: &'static str,
    /// The Rust type, as written (`Option<u32>`).
    pub ty: &'static str,
    /// The doc comment, one line per `///` line.
    pub doc: &'static str,
}
