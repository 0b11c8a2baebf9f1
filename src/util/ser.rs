//! A struct's serialisation with more fields after its own, as a struct.
//!
//! `#[serde(flatten)]` gives the same fields, but as a map, and a serializer that builds maps
//! pays for that: Tera keys a struct's fields by their static names, and allocates every key
//! of a map (and grows the map from nothing). The views flatten the model (a task's row is
//! the task as written, then what derive adds), and a 10,000-task site serialises 100,000
//! reports and tens of thousands of rows into page contexts.
//!
//! A view that extends a struct says so with [`extends!`]: it derives its own fields with
//! `#[serde(remote = "Self")]`, skipping the extended one, and serialises as one struct, the
//! extended struct's fields first, exactly as `#[serde(flatten)]` orders them. A field added
//! to either struct needs nothing more.

use std::fmt::{self, Display};

use serde::ser::{self, Impossible, Serialize, SerializeStruct, Serializer};

/// Fields added after a struct's own by [`Extended`].
pub trait MoreFields {
    /// Fields of the struct left out: ones it always serialises that this context repeats
    /// elsewhere or does not show.
    const OMIT: &'static [&'static str] = &[];
    /// How many fields [`MoreFields::write`] adds.
    fn count(&self) -> usize;
    fn write<S: SerializeStruct>(&self, s: &mut S) -> Result<(), S::Error>;
}

/// `inner` serialised as the struct it is, with `more`'s fields after its own. `inner` must
/// serialise as a struct (a derived `Serialize` without flattened fields, or an [`extends!`]
/// view); anything else is a serialisation error.
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

/// A struct whose own fields (its derived serialisation, made by `#[serde(remote = "Self")]`
/// so that its `Serialize` can be the extended one) can extend another (see [`extends!`]).
pub trait OwnFields {
    fn serialize_own<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;
}

/// The own fields of a struct, as the fields [`Extended`] adds.
pub struct Own<'a, T: ?Sized>(pub &'a T);

impl<T: OwnFields + ?Sized> MoreFields for Own<'_, T> {
    fn count(&self) -> usize {
        // The derived code passes the number of fields it writes (skipped ones left out).
        self.0.serialize_own(FieldCount).unwrap_or(0)
    }

    fn write<S: SerializeStruct>(&self, s: &mut S) -> Result<(), S::Error> {
        self.0.serialize_own(Forward(s))
    }
}

/// `$ty` serialises as its field `$field` (a struct) extended with its own fields, which it
/// derives with `#[serde(remote = "Self")]` and `#[serde(skip)]` on `$field`. A type with
/// lifetimes names them first: `extends!(impl<'a> Row<'a>, target)`. The derived function is
/// an associated one, `$ty::serialize(&value, s)`, that writes the own fields alone; a method
/// call, `value.serialize(s)`, and serde everywhere reach the whole struct's.
macro_rules! extends {
    (impl<$($lt:lifetime),*> $ty:ty, $field:ident) => {
        impl<$($lt),*> $crate::util::ser::OwnFields for $ty {
            fn serialize_own<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                // The inherent function `#[serde(remote = "Self")]` derives.
                <$ty>::serialize(self, s)
            }
        }

        impl<$($lt),*> ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                ::serde::Serialize::serialize(
                    &$crate::util::ser::Extended {
                        inner: &self.$field,
                        more: $crate::util::ser::Own(self),
                    },
                    s,
                )
            }
        }
    };
    ($ty:ty, $field:ident) => {
        $crate::util::ser::extends!(impl<> $ty, $field);
    };
}
pub(crate) use extends;

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

/// The methods of a [`Serializer`] for everything but a struct, each an error.
macro_rules! refuse {
    ($err:ty) => {
        refuse! { $err;
            serialize_bool(bool) -> Self::Ok;
            serialize_i8(i8) -> Self::Ok;
            serialize_i16(i16) -> Self::Ok;
            serialize_i32(i32) -> Self::Ok;
            serialize_i64(i64) -> Self::Ok;
            serialize_u8(u8) -> Self::Ok;
            serialize_u16(u16) -> Self::Ok;
            serialize_u32(u32) -> Self::Ok;
            serialize_u64(u64) -> Self::Ok;
            serialize_f32(f32) -> Self::Ok;
            serialize_f64(f64) -> Self::Ok;
            serialize_char(char) -> Self::Ok;
            serialize_str(&str) -> Self::Ok;
            serialize_bytes(&[u8]) -> Self::Ok;
            serialize_none() -> Self::Ok;
            serialize_unit() -> Self::Ok;
            serialize_unit_struct(&'static str) -> Self::Ok;
            serialize_unit_variant(&'static str, u32, &'static str) -> Self::Ok;
            serialize_seq(Option<usize>) -> Self::SerializeSeq;
            serialize_tuple(usize) -> Self::SerializeTuple;
            serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
            serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
            serialize_map(Option<usize>) -> Self::SerializeMap;
            serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
        }

        fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<Self::Ok, $err> {
            Err(not_a_struct("an option"))
        }

        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: &T,
        ) -> Result<Self::Ok, $err> {
            Err(not_a_struct("a newtype struct"))
        }

        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<Self::Ok, $err> {
            Err(not_a_struct("a newtype variant"))
        }
    };
    ($err:ty; $($name:ident($($arg:ty),*) -> $out:ty;)*) => {
        $(fn $name(self, $(_: $arg),*) -> Result<$out, $err> {
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
            inner: self.inner.serialize_struct(
                name,
                (len + self.more.count()).saturating_sub(M::OMIT.len()),
            )?,
            more: self.more,
        })
    }

    refuse!(S::Error);
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
        if M::OMIT.contains(&key) {
            return self.inner.skip_field(key);
        }
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

/// The serializer a struct's own fields are written with: each goes on to `S`, the struct
/// being extended.
struct Forward<'s, S>(&'s mut S);

impl<'s, S: SerializeStruct> Serializer for Forward<'s, S> {
    type Ok = ();
    type Error = S::Error;
    type SerializeSeq = Impossible<(), S::Error>;
    type SerializeTuple = Impossible<(), S::Error>;
    type SerializeTupleStruct = Impossible<(), S::Error>;
    type SerializeTupleVariant = Impossible<(), S::Error>;
    type SerializeMap = Impossible<(), S::Error>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), S::Error>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, S::Error> {
        Ok(self)
    }

    refuse!(S::Error);
}

impl<S: SerializeStruct> SerializeStruct for Forward<'_, S> {
    type Ok = ();
    type Error = S::Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), S::Error> {
        self.0.serialize_field(key, value)
    }

    fn skip_field(&mut self, key: &'static str) -> Result<(), S::Error> {
        self.0.skip_field(key)
    }

    fn end(self) -> Result<(), S::Error> {
        Ok(())
    }
}

/// The serializer that counts a struct's fields: the number derived code passes to
/// `serialize_struct`, without reading a field.
struct FieldCount;

/// What [`FieldCount`] gives for anything but a struct.
#[derive(Debug)]
struct NotAStruct(String);

impl Display for NotAStruct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotAStruct {}

impl ser::Error for NotAStruct {
    fn custom<T: Display>(msg: T) -> Self {
        NotAStruct(msg.to_string())
    }
}

impl Serializer for FieldCount {
    type Ok = usize;
    type Error = NotAStruct;
    type SerializeSeq = Impossible<usize, NotAStruct>;
    type SerializeTuple = Impossible<usize, NotAStruct>;
    type SerializeTupleStruct = Impossible<usize, NotAStruct>;
    type SerializeTupleVariant = Impossible<usize, NotAStruct>;
    type SerializeMap = Impossible<usize, NotAStruct>;
    type SerializeStruct = Counted;
    type SerializeStructVariant = Impossible<usize, NotAStruct>;

    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Counted, NotAStruct> {
        Ok(Counted(len))
    }

    refuse!(NotAStruct);
}

/// A struct's field count, its fields left unread.
struct Counted(usize);

impl SerializeStruct for Counted {
    type Ok = usize;
    type Error = NotAStruct;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        _: &'static str,
        _: &T,
    ) -> Result<(), NotAStruct> {
        Ok(())
    }

    fn end(self) -> Result<usize, NotAStruct> {
        Ok(self.0)
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
        fn count(&self) -> usize {
            1
        }
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

    /// A view that extends a row, and a page that extends the view, as `extends!` makes them.
    #[derive(Serialize)]
    #[serde(remote = "Self")]
    struct View {
        #[serde(skip)]
        row: Row,
        url: String,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        marks: Vec<u32>,
        #[serde(skip)]
        _held: u32,
    }
    extends!(View, row);

    #[derive(Serialize)]
    #[serde(remote = "Self")]
    struct Page<'a> {
        #[serde(skip)]
        view: &'a View,
        paragraphs: Vec<&'a str>,
    }
    extends!(impl<'a> Page<'a>, view);

    #[derive(Serialize)]
    struct FlatView<'a> {
        #[serde(flatten)]
        row: &'a Row,
        url: &'a str,
        #[serde(skip_serializing_if = "<[u32]>::is_empty")]
        marks: &'a [u32],
    }

    #[derive(Serialize)]
    struct FlatPage<'a> {
        #[serde(flatten)]
        view: FlatView<'a>,
        paragraphs: &'a [&'a str],
    }

    #[test]
    fn an_extending_struct_serialises_as_the_flattened_one_does() {
        for (note, marks) in [(None, vec![]), (Some("备注".to_string()), vec![3, 4])] {
            let view = View {
                row: Row {
                    id: 7,
                    note,
                    name: "甲",
                },
                url: "/plans/a/".into(),
                marks,
                _held: 1,
            };
            let flat = FlatView {
                row: &view.row,
                url: &view.url,
                marks: &view.marks,
            };
            let json = serde_json::to_string(&view).unwrap();
            assert_eq!(json, serde_json::to_string(&flat).unwrap());
            // The derived function takes no `self`: a method call is the whole struct's.
            assert_eq!(
                view.serialize(serde_json::value::Serializer).unwrap(),
                serde_json::to_value(&flat).unwrap()
            );
            assert!(json.starts_with(r#"{"id":7,"#), "{json}");
            assert_eq!(
                tera::Value::from_serializable(&view),
                tera::Value::from_serializable(&flat)
            );
            let paragraphs = ["一", "二"];
            let page = Page {
                view: &view,
                paragraphs: paragraphs.to_vec(),
            };
            let flat_page = FlatPage {
                view: flat,
                paragraphs: &paragraphs,
            };
            assert_eq!(
                serde_json::to_string(&page).unwrap(),
                serde_json::to_string(&flat_page).unwrap()
            );
            assert_eq!(
                tera::Value::from_serializable(&page),
                tera::Value::from_serializable(&flat_page)
            );
        }
    }

    #[test]
    fn the_added_fields_are_counted_without_reading_them() {
        let view = View {
            row: Row {
                id: 1,
                note: None,
                name: "甲",
            },
            url: String::new(),
            marks: vec![],
            _held: 0,
        };
        assert_eq!(Own(&view).count(), 1);
        let view = View {
            marks: vec![1],
            ..view
        };
        assert_eq!(Own(&view).count(), 2);
    }

    struct Short;

    impl MoreFields for Short {
        const OMIT: &'static [&'static str] = &["name"];
        fn count(&self) -> usize {
            1
        }
        fn write<S: SerializeStruct>(&self, s: &mut S) -> Result<(), S::Error> {
            s.serialize_field("parts", &[1])
        }
    }

    #[test]
    fn omitted_fields_are_left_out_of_the_extended_struct() {
        let row = Row {
            id: 7,
            note: None,
            name: "甲",
        };
        let extended = Extended {
            inner: &row,
            more: Short,
        };
        assert_eq!(
            serde_json::to_string(&extended).unwrap(),
            r#"{"id":7,"parts":[1]}"#
        );
        let tera = tera::Value::from_serializable(&extended);
        assert!(tera.as_map().is_some_and(|m| m.len() == 2), "{tera:?}");
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
