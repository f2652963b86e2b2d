//! Storage tests, each on SQLite and on PostgreSQL.

mod accounts;
mod cache;
mod codes;
mod dossiers;
mod isolation;
mod tenants;
