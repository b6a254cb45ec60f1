//! Lenient source values: where providers are known to send a number as a string, an epoch
//! number instead of an ISO string, or `"true"` instead of `true`.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Unexpected, Visitor};

/// A finite number, from a JSON number or a numeric string.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Num {
    pub value: f64,
    /// It arrived as a string (worth a warning).
    pub from_string: bool,
}

/// A timestamp as the provider sent it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Time {
    Text(String),
    Epoch(f64),
}

/// A boolean, from `true`/`false` or the strings `"true"`/`"false"` (any case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Flag(pub bool);

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Num, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or a numeric string")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
                if v.is_finite() {
                    Ok(Num {
                        value: v,
                        from_string: false,
                    })
                } else {
                    Err(E::invalid_value(Unexpected::Float(v), &"a finite number"))
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
                self.visit_f64(v as f64)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
                self.visit_f64(v as f64)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Num, E> {
                match v.trim().parse::<f64>() {
                    Ok(n) if n.is_finite() => Ok(Num {
                        value: n,
                        from_string: true,
                    }),
                    _ => Err(E::invalid_value(Unexpected::Str(v), &"a finite number")),
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Time, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Time;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a timestamp string or an epoch number")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Time, E> {
                Ok(Time::Epoch(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Time, E> {
                Ok(Time::Epoch(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Time, E> {
                Ok(Time::Epoch(v as f64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Time, E> {
                Ok(Time::Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Time, E> {
                Ok(Time::Text(v))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Flag, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Flag, E> {
                if v.eq_ignore_ascii_case("true") {
                    Ok(Flag(true))
                } else if v.eq_ignore_ascii_case("false") {
                    Ok(Flag(false))
                } else {
                    Err(E::invalid_value(Unexpected::Str(v), &"a boolean"))
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Time::Text(s) => f.write_str(s),
            Time::Epoch(n) => write!(f, "{n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn num_accepts_numbers_and_numeric_strings_only() {
        let n: Num = serde_json::from_str("8.7").unwrap();
        assert_eq!((n.value, n.from_string), (8.7, false));
        let n: Num = serde_json::from_str("\" 5.0 \"").unwrap();
        assert_eq!((n.value, n.from_string), (5.0, true));
        for bad in ["\"NaN\"", "\"inf\"", "\"high\"", "true", "null", "{}"] {
            assert!(serde_json::from_str::<Num>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn time_and_flag_accept_their_variants() {
        assert_eq!(
            serde_json::from_str::<Time>("1636625755.218").unwrap(),
            Time::Epoch(1636625755.218)
        );
        assert_eq!(
            serde_json::from_str::<Time>("\"2020-01-01T00:00:00Z\"").unwrap(),
            Time::Text("2020-01-01T00:00:00Z".into())
        );
        assert!(serde_json::from_str::<Time>("[]").is_err());
        assert_eq!(
            serde_json::from_str::<Flag>("\"TRUE\"").unwrap(),
            Flag(true)
        );
        assert!(serde_json::from_str::<Flag>("1").is_err());
    }
}
