//! A struct's serialisation with more fields after its own, as a struct.
//!
//! `#[serde(flatten)]` gives the same fields, but as a map, and a serializer that builds maps
//! pays for that: Tera keys a struct's fields by their static names, and allocates every key
//! of a map (and grows the map from nothing). A task page's timeline holds every report of the
//! task, 100,000 in a 10,000-task site, each its row plus the parts the page adds.

use std::fmt::Display;

use serde::ser::{self, Impossible, Serialize, SerializeStruct, Serializer};

/// Fields added after a struct's own by [`Extended`].
pub trait MoreFields {
    /// How many fields [`MoreFields::write`] adds.
    const COUNT: usize;
    fn write<S: SerializeStruct>(&self, s: &mut S) -> Result<(), S::Error>;
}

/// `inner` serialised as the struct it is, with `more`'s fields after its own. `inner` must
/// serialise as a struct (a derived `Serialize` without flattened fields); anything else is a
/// serialisation error.
pub struct Extended<'a, T: ?Sized, M> {
    pub inner: &'a T,
    pub more: M,
}

impl<T: Serialize + ?Sized, M: MoreFields> Serialize for Extended<'_, T, M> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.inner.serialize(Adapter {
            inner: s,
            more: &self.more,
        })
    }
}

/// The serializer `inner` is handed: a struct goes on to the real one, with room for more.
struct Adapter<'m, S, M> {
    inner: S,
    more: &'m M,
}

/// The error for anything but a struct.
fn not_a_struct<E: ser::Error>(what: impl Display) -> E {
    E::custom(format_args!(
        "only a struct can be extended with more fields, not {what}"
    ))
}

macro_rules! refuse {
    ($($name:ident($($arg:ty),*) -> $out:ty;)*) => {
        $(fn $name(self, $(_: $arg),*) -> Result<$out, S::Error> {
            Err(not_a_struct(stringify!($name)))
        })*
    };
}

impl<'m, S: Serializer, M: MoreFields> Serializer for Adapter<'m, S, M> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Impossible<S::Ok, S::Error>;
    type SerializeTuple = Impossible<S::Ok, S::Error>;
    type SerializeTupleStruct = Impossible<S::Ok, S::Error>;
    type SerializeTupleVariant = Impossible<S::Ok, S::Error>;
    type SerializeMap = Impossible<S::Ok, S::Error>;
    type SerializeStruct = ExtendedStruct<'m, S::SerializeStruct, M>;
    type SerializeStructVariant = Impossible<S::Ok, S::Error>;

    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        Ok(ExtendedStruct {
            inner: self.inner.serialize_struct(name, len + M::COUNT)?,
            more: self.more,
        })
    }

    refuse! {
        serialize_bool(bool) -> S::Ok;
        serialize_i8(i8) -> S::Ok;
        serialize_i16(i16) -> S::Ok;
        serialize_i32(i32) -> S::Ok;
        serialize_i64(i64) -> S::Ok;
        serialize_u8(u8) -> S::Ok;
        serialize_u16(u16) -> S::Ok;
        serialize_u32(u32) -> S::Ok;
        serialize_u64(u64) -> S::Ok;
        serialize_f32(f32) -> S::Ok;
        serialize_f64(f64) -> S::Ok;
        serialize_char(char) -> S::Ok;
        serialize_str(&str) -> S::Ok;
        serialize_bytes(&[u8]) -> S::Ok;
        serialize_none() -> S::Ok;
        serialize_unit() -> S::Ok;
        serialize_unit_struct(&'static str) -> S::Ok;
        serialize_unit_variant(&'static str, u32, &'static str) -> S::Ok;
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<S::Ok, S::Error> {
        Err(not_a_struct("an option"))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<S::Ok, S::Error> {
        Err(not_a_struct("a newtype struct"))
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<S::Ok, S::Error> {
        Err(not_a_struct("a newtype variant"))
    }
}

/// The struct being serialised: its own fields, then the added ones at its end.
pub struct ExtendedStruct<'m, S, M> {
    inner: S,
    more: &'m M,
}

impl<S: SerializeStruct, M: MoreFields> SerializeStruct for ExtendedStruct<'_, S, M> {
    type Ok = S::Ok;
    type Error = S::Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), S::Error> {
        self.inner.serialize_field(key, value)
    }

    fn skip_field(&mut self, key: &'static str) -> Result<(), S::Error> {
        self.inner.skip_field(key)
    }

    fn end(mut self) -> Result<S::Ok, S::Error> {
        self.more.write(&mut self.inner)?;
        self.inner.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Serialize)]
    struct Row {
        id: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        name: &'static str,
    }

    struct Parts<'a>(&'a [u32]);

    impl MoreFields for Parts<'_> {
        const COUNT: usize = 1;
        fn write<S: SerializeStruct>(&self, s: &mut S) -> Result<(), S::Error> {
            s.serialize_field("parts", self.0)
        }
    }

    #[derive(Serialize)]
    struct Flattened<'a> {
        #[serde(flatten)]
        row: &'a Row,
        parts: &'a [u32],
    }

    #[test]
    fn an_extended_struct_serialises_as_the_flattened_one_does() {
        for row in [
            Row {
                id: 7,
                note: None,
                name: "甲",
            },
            Row {
                id: 8,
                note: Some("备注".into()),
                name: "乙",
            },
        ] {
            let parts = [1, 2];
            let extended = Extended {
                inner: &row,
                more: Parts(&parts),
            };
            let flattened = Flattened {
                row: &row,
                parts: &parts,
            };
            assert_eq!(
                serde_json::to_string(&extended).unwrap(),
                serde_json::to_string(&flattened).unwrap()
            );
            let tera = tera::Value::from_serializable(&extended);
            assert_eq!(tera, tera::Value::from_serializable(&flattened));
        }
    }

    #[test]
    fn anything_but_a_struct_is_an_error() {
        let extended = Extended {
            inner: &[1, 2],
            more: Parts(&[]),
        };
        let e = serde_json::to_string(&extended).unwrap_err();
        assert!(e.to_string().contains("only a struct"), "{e}");
    }
}
