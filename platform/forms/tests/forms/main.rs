//! Tests of the printed forms: the codes read back by independent decoders, and each form's
//! page checked for its title, its rows, its paper and the escaping of what users typed.

mod barcode_reader;
mod codes;
mod ledger;
mod qr_reader;
mod samples;
mod slips;
