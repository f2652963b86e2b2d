//! What a plugin may use in one call. Each limit has a platform default (what a plugin gets when
//! its manifest asks nothing), a ceiling no manifest may exceed, and a reason:
//!
//! | limit | default | ceiling | why |
//! |---|---|---|---|
//! | fuel | 50 M instructions | 2 G | a deterministic budget: the same input always stops at the same place, so a replay agrees |
//! | timeout | 1 s | 10 s | wall-clock bound for what fuel does not count (host calls such as HTTP); interrupts via epochs, yielding the async runtime meanwhile |
//! | memory | 32 MiB | 128 MiB | linear memory per call; one dossier's data is small, and a node runs many calls at once |
//! | input | 1 MiB | 4 MiB | the context (form, configuration, earlier outputs) copied into the plugin |
//! | output | 256 KiB | 4 MiB | what the plugin returns is stored in the dossier's history forever |
//! | logs | 64 KiB | 1 MiB | log lines, stdout and stderr together are kept with the history |
//!
//! The wasm stack (512 KiB) is one setting for the whole engine (wasmtime sets it per engine,
//! not per call); deep recursion past it is stopped as a stack overflow.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Effective limits for one call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Instruction budget (wasmtime fuel).
    pub fuel: u64,
    /// Wall-clock deadline, in milliseconds.
    pub timeout_ms: u64,
    /// Linear memory, in bytes.
    pub memory_bytes: u64,
    /// The context's size, in bytes.
    pub input_bytes: u64,
    /// The outcome's size, in bytes.
    pub output_bytes: u64,
    /// Log lines, stdout and stderr, in bytes.
    pub log_bytes: u64,
}

const MIB: u64 = 1024 * 1024;

impl Limits {
    /// What a plugin gets when it asks nothing.
    pub const DEFAULT: Self = Self {
        fuel: 50_000_000,
        timeout_ms: 1_000,
        memory_bytes: 32 * MIB,
        input_bytes: MIB,
        output_bytes: 256 * 1024,
        log_bytes: 64 * 1024,
    };

    /// The platform's ceilings.
    pub const CEILING: Self = Self {
        fuel: 2_000_000_000,
        timeout_ms: 10_000,
        memory_bytes: 128 * MIB,
        input_bytes: 4 * MIB,
        output_bytes: 4 * MIB,
        log_bytes: MIB,
    };

    /// The wasm stack for every call, in bytes.
    pub const STACK_BYTES: usize = 512 * 1024;

    /// The deadline as a duration.
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }

    /// Each limit no higher than `ceiling`'s.
    pub fn capped(self, ceiling: &Self) -> Self {
        Self {
            fuel: self.fuel.min(ceiling.fuel),
            timeout_ms: self.timeout_ms.min(ceiling.timeout_ms),
            memory_bytes: self.memory_bytes.min(ceiling.memory_bytes),
            input_bytes: self.input_bytes.min(ceiling.input_bytes),
            output_bytes: self.output_bytes.min(ceiling.output_bytes),
            log_bytes: self.log_bytes.min(ceiling.log_bytes),
        }
    }
}

/// What a manifest asks for (`limits:` in `plugin.yaml`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requested {
    /// Instructions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fuel: Option<u64>,
    /// Milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// MiB of linear memory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_mib: Option<u64>,
    /// KiB of input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_kib: Option<u64>,
    /// KiB of output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_kib: Option<u64>,
    /// KiB of logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_kib: Option<u64>,
}

impl Requested {
    /// The effective limits: what is asked, the defaults elsewhere, all within `ceiling`.
    pub fn resolve(&self, ceiling: &Limits) -> Limits {
        let d = Limits::DEFAULT;
        Limits {
            fuel: self.fuel.unwrap_or(d.fuel),
            timeout_ms: self.timeout_ms.unwrap_or(d.timeout_ms),
            memory_bytes: self
                .memory_mib
                .map_or(d.memory_bytes, |m| m.saturating_mul(MIB)),
            input_bytes: self
                .input_kib
                .map_or(d.input_bytes, |k| k.saturating_mul(1024)),
            output_bytes: self
                .output_kib
                .map_or(d.output_bytes, |k| k.saturating_mul(1024)),
            log_bytes: self.log_kib.map_or(d.log_bytes, |k| k.saturating_mul(1024)),
        }
        .capped(ceiling)
    }

    /// Checks that nothing asked is above `ceiling`.
    pub fn within(&self, ceiling: &Limits) -> Result<(), String> {
        let over: Vec<String> = [
            ("fuel", self.fuel, ceiling.fuel),
            ("timeout_ms", self.timeout_ms, ceiling.timeout_ms),
            ("memory_mib", self.memory_mib, ceiling.memory_bytes / MIB),
            ("input_kib", self.input_kib, ceiling.input_bytes / 1024),
            ("output_kib", self.output_kib, ceiling.output_bytes / 1024),
            ("log_kib", self.log_kib, ceiling.log_bytes / 1024),
        ]
        .into_iter()
        .filter_map(|(name, asked, max)| {
            asked
                .filter(|a| *a > max || *a == 0)
                .map(|a| format!("{name} {a} is above the platform's ceiling of {max} (or zero)"))
        })
        .collect();
        if over.is_empty() {
            Ok(())
        } else {
            Err(over.join("; "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_requests_and_ceilings() {
        let asked = Requested {
            fuel: Some(1_000),
            memory_mib: Some(1_000),
            ..Requested::default()
        };
        let limits = asked.resolve(&Limits::CEILING);
        assert_eq!(limits.fuel, 1_000);
        assert_eq!(limits.memory_bytes, Limits::CEILING.memory_bytes);
        assert_eq!(limits.timeout_ms, Limits::DEFAULT.timeout_ms);
        assert!(
            asked
                .within(&Limits::CEILING)
                .unwrap_err()
                .contains("memory_mib 1000")
        );
        assert!(Requested::default().within(&Limits::CEILING).is_ok());
    }
}
