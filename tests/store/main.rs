//! Storage tests, each on SQLite and on PostgreSQL.

mod accountability;
mod accounts;
mod attachments;
mod audit;
mod cache;
mod codes;
mod dossiers;
mod inbox;
mod isolation;
mod jobs;
mod tenants;
