//! Storage tests, each on SQLite and on PostgreSQL.

mod cache;
mod codes;
mod dossiers;
mod isolation;
mod tenants;
