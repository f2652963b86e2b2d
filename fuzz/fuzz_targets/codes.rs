//! The codes of the Circular as typed into a search box, a URL or a file: `FromStr` of
//! `DossierCode`, `EntityCode`, `Level1Code`, `SectorCode` and `ProcedureCode`.
//!
//! Beyond not panicking: a code that parses is written back (`Display`) exactly as it was given
//! (a dossier code: as given without surrounding spaces, the one code read leniently), that text
//! parses to an equal code, and the code goes through JSON unchanged. A refusal quotes at most 60
//! characters of the input.
#![no_main]

use std::fmt::{Debug, Display};
use std::str::FromStr;

use libfuzzer_sys::{Corpus, fuzz_target};
use motcua_core::codes::{CodeError, DossierCode, EntityCode, Level1Code, SectorCode};
use motcua_core::procedure::ProcedureCode;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn round_trip<C>(input: &str, canonical: &str)
where
    C: FromStr<Err = CodeError> + Display + Debug + PartialEq + Serialize + DeserializeOwned,
{
    match input.parse::<C>() {
        Ok(code) => {
            let written = code.to_string();
            assert_eq!(
                written, canonical,
                "{code:?} is not written as it was given"
            );
            assert_eq!(
                written.parse::<C>().as_ref(),
                Ok(&code),
                "`{written}` reads back differently"
            );
            let json = serde_json::to_string(&code).expect("a code serializes");
            let back: C = serde_json::from_str(&json).expect("a serialized code deserializes");
            assert_eq!(back, code, "{code:?} changes through JSON");
        }
        Err(err) => {
            assert!(
                err.input.chars().count() <= 60,
                "the error quotes the whole input: {err}"
            );
            let _ = err.to_string();
        }
    }
}

fuzz_target!(|data: &[u8]| -> Corpus {
    let Ok(input) = std::str::from_utf8(data) else {
        return Corpus::Reject;
    };
    round_trip::<DossierCode>(input, input.trim());
    round_trip::<EntityCode>(input, input);
    round_trip::<Level1Code>(input, input);
    round_trip::<SectorCode>(input, input);
    round_trip::<ProcedureCode>(input, input);
    Corpus::Keep
});
